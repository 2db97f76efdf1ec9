// Turns a bearer token into a principal. Suspension and revocation apply on the very next request, on every
// instance: PostgreSQL stores read the current row per request, and an SQLite store's credential cache is emptied
// by every identity change before that change is answered (ADR 0050).
import { type AppError, appError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { MaybePromise } from '../../core/maybe-promise.js';
import type { Transactor } from '../../core/transactor.js';
import { hashSecret, parseToken, secretMatches } from '../../crypto/tokens.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { identityError } from './identity-errors.js';
import type { AgentCredential, IdentityRepo, OperatorCredential } from './identity-repo.js';
import { type Actor, agentChain, type ChainLink, type Principal } from './principal.js';

export interface Authenticator {
  /**
   * Authenticates an `Authorization` header value. A credential the store holds in memory is checked and admitted
   * synchronously (a request on the hot path waits for nothing); anything else settles later, and every failure
   * is a rejected promise, never a synchronous throw.
   * @throws AppError UNAUTHENTICATED, KEY_EXPIRED, KEY_REVOKED (401) or AGENT_SUSPENDED (403), as a rejection.
   * Failures that can be tied to an org (a real key id with a wrong secret, a revoked key…) are audited first.
   */
  authenticate(authorization: string | undefined, requestId: string): MaybePromise<Principal>;
}

// Compared against when the key id is unknown, so both paths do the same hashing work.
const DUMMY_HASH = hashSecret('latchkey-dummy-secret');

/** What checking a credential decided: the principal, or why it is refused and the error the caller gets. */
type Verdict = { principal: Principal } | { reason: string; error: AppError };

/** A refusal that can be tied to an org, as its audit event records it. */
interface Failure {
  orgId: string;
  actor: Actor;
  chain: ChainLink[];
  agentId: string | null;
  credentialType: string;
  credentialId: string;
}

/** Checks an agent key's credential at `now`. Pure: the refusal, if any, is audited by the caller. */
function agentVerdict(cred: AgentCredential, secret: string, now: number): Verdict {
  const a = cred.agent;
  if (!secretMatches(secret, cred.secretHash)) return { reason: 'bad_secret', error: appError('UNAUTHENTICATED') };
  if (a.status === 'revoked') {
    return {
      reason: 'agent_revoked',
      error: identityError('KEY_REVOKED', 'This agent has been revoked; its keys no longer work.'),
    };
  }
  if (cred.revokedAt !== null) return { reason: 'key_revoked', error: identityError('KEY_REVOKED') };
  if (cred.expiresAt !== null && cred.expiresAt <= now) {
    return { reason: 'key_expired', error: identityError('KEY_EXPIRED') };
  }
  if (a.status === 'suspended') return { reason: 'agent_suspended', error: identityError('AGENT_SUSPENDED') };
  return {
    principal: {
      kind: 'agent',
      orgId: cred.org.id,
      orgName: cred.org.name,
      agentId: a.id,
      agentName: a.name,
      keyId: cred.keyId,
      creatorId: cred.creator.id,
      creatorName: cred.creator.name,
      agent: a,
    },
  };
}

/** Checks an operator token's credential at `now`. Pure, like `agentVerdict`. */
function operatorVerdict(cred: OperatorCredential, secret: string, now: number): Verdict {
  if (!secretMatches(secret, cred.secretHash)) return { reason: 'bad_secret', error: appError('UNAUTHENTICATED') };
  const expired = cred.expiresAt !== null && cred.expiresAt <= now;
  if (cred.revokedAt !== null || expired) {
    return {
      reason: cred.revokedAt !== null ? 'token_revoked' : 'token_expired',
      error: appError('UNAUTHENTICATED', 'This operator token is no longer valid.'),
    };
  }
  return {
    principal: {
      kind: 'operator',
      orgId: cred.org.id,
      orgName: cred.org.name,
      humanId: cred.human.id,
      humanName: cred.human.name,
      tokenId: cred.tokenId,
    },
  };
}

// Built only for a refusal: the chain of a request that gets through is the principal's.
function agentFailure(cred: AgentCredential): Failure {
  const a = cred.agent;
  return {
    orgId: cred.org.id,
    actor: { type: 'agent', id: a.id, name: a.name },
    chain: agentChain(cred.creator, cred.org, a),
    agentId: a.id,
    credentialType: 'agent_key',
    credentialId: cred.keyId,
  };
}

function operatorFailure(cred: OperatorCredential): Failure {
  const human = { type: 'human' as const, id: cred.human.id, name: cred.human.name };
  return {
    orgId: cred.org.id,
    actor: human,
    chain: [human, { type: 'org', id: cred.org.id, name: cred.org.name }],
    agentId: null,
    credentialType: 'operator_token',
    credentialId: cred.tokenId,
  };
}

/** Builds the authenticator. */
export function createAuthenticator(deps: {
  store: Transactor<{ identity: IdentityRepo; audit: AuditRepo }>;
  audit: AuditLog;
  clock: Clock;
}): Authenticator {
  const { store, audit, clock } = deps;

  /** Audits a refusal, then rejects with its error; if the audit cannot be written, that failure is the answer. */
  async function refuse(
    failure: Failure,
    verdict: { reason: string; error: AppError },
    requestId: string,
  ): Promise<never> {
    await store.write((tx) =>
      audit.append(tx, {
        orgId: failure.orgId,
        actor: failure.actor,
        delegationChain: failure.chain,
        action: 'auth.authenticate',
        target: { type: failure.credentialType, id: failure.credentialId },
        outcome: 'denied',
        agentId: failure.agentId,
        reason: verdict.reason,
        requestId,
      }),
    );
    throw verdict.error;
  }

  function settleAgent(cred: AgentCredential, secret: string, requestId: string): MaybePromise<Principal> {
    const verdict = agentVerdict(cred, secret, clock.now());
    return 'principal' in verdict ? verdict.principal : refuse(agentFailure(cred), verdict, requestId);
  }

  function settleOperator(cred: OperatorCredential, secret: string, requestId: string): MaybePromise<Principal> {
    const verdict = operatorVerdict(cred, secret, clock.now());
    return 'principal' in verdict ? verdict.principal : refuse(operatorFailure(cred), verdict, requestId);
  }

  /** An id no credential has: the same hashing work as a real check, and nothing to audit against. */
  function unknown(secret: string): never {
    secretMatches(secret, DUMMY_HASH);
    throw appError('UNAUTHENTICATED');
  }

  return {
    authenticate(authorization, requestId) {
      const match = authorization ? /^Bearer ([^\s]+)$/i.exec(authorization.trim()) : null;
      const parsed = match?.[1] ? parseToken(match[1]) : null;
      if (!parsed) return Promise.reject(appError('UNAUTHENTICATED'));
      const { id, secret } = parsed;
      const identity = store.read.identity;
      if (parsed.kind === 'agent') {
        const known = identity.peekAgentCredential(id);
        if (known) return settleAgent(known, secret, requestId);
        return identity
          .findAgentCredential(id)
          .then((cred) => (cred ? settleAgent(cred, secret, requestId) : unknown(secret)));
      }
      const known = identity.peekOperatorCredential(id);
      if (known) return settleOperator(known, secret, requestId);
      return identity
        .findOperatorCredential(id)
        .then((cred) => (cred ? settleOperator(cred, secret, requestId) : unknown(secret)));
    },
  };
}
