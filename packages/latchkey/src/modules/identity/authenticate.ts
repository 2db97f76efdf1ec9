// Turns a bearer token into a principal. Suspension and revocation apply on the very next request, on every
// instance: PostgreSQL stores read the current row per request, and an SQLite store's credential cache is emptied
// by every identity change before that change is answered (ADR 0050).
import { appError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import { hashSecret, parseToken, secretMatches } from '../../crypto/tokens.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { identityError } from './identity-errors.js';
import type { AgentCredential, IdentityRepo, OperatorCredential } from './identity-repo.js';
import { type Actor, agentChain, type ChainLink, type Principal } from './principal.js';

export interface Authenticator {
  /**
   * Authenticates an `Authorization` header value.
   * @throws AppError UNAUTHENTICATED, KEY_EXPIRED, KEY_REVOKED (401) or AGENT_SUSPENDED (403).
   * Failures that can be tied to an org (a real key id with a wrong secret, a revoked key…) are audited first.
   */
  authenticate(authorization: string | undefined, requestId: string): Promise<Principal>;
}

// Compared against when the key id is unknown, so both paths do the same hashing work.
const DUMMY_HASH = hashSecret('latchkey-dummy-secret');

/** Builds the authenticator. */
export function createAuthenticator(deps: {
  store: Transactor<{ identity: IdentityRepo; audit: AuditRepo }>;
  audit: AuditLog;
  clock: Clock;
}): Authenticator {
  const { store, audit, clock } = deps;

  async function refuse(
    failure: {
      orgId: string;
      actor: Actor;
      chain: ChainLink[];
      agentId: string | null;
      credentialType: string;
      credentialId: string;
      reason: string;
    },
    requestId: string,
  ): Promise<void> {
    await store.write((tx) =>
      audit.append(tx, {
        orgId: failure.orgId,
        actor: failure.actor,
        delegationChain: failure.chain,
        action: 'auth.authenticate',
        target: { type: failure.credentialType, id: failure.credentialId },
        outcome: 'denied',
        agentId: failure.agentId,
        reason: failure.reason,
        requestId,
      }),
    );
  }

  async function agent(cred: AgentCredential | undefined, secret: string, requestId: string): Promise<Principal> {
    if (!cred) {
      secretMatches(secret, DUMMY_HASH);
      throw appError('UNAUTHENTICATED');
    }
    const a = cred.agent;
    // Built only for a refusal: the chain of a request that gets through is the principal's.
    const failure = (reason: string) => ({
      orgId: cred.org.id,
      actor: { type: 'agent' as const, id: a.id, name: a.name },
      chain: agentChain(cred.creator, cred.org, a),
      agentId: a.id,
      credentialType: 'agent_key',
      credentialId: cred.keyId,
      reason,
    });
    if (!secretMatches(secret, cred.secretHash)) {
      await refuse(failure('bad_secret'), requestId);
      throw appError('UNAUTHENTICATED');
    }
    const now = clock.now();
    if (a.status === 'revoked') {
      await refuse(failure('agent_revoked'), requestId);
      throw identityError('KEY_REVOKED', 'This agent has been revoked; its keys no longer work.');
    }
    if (cred.revokedAt !== null) {
      await refuse(failure('key_revoked'), requestId);
      throw identityError('KEY_REVOKED');
    }
    if (cred.expiresAt !== null && cred.expiresAt <= now) {
      await refuse(failure('key_expired'), requestId);
      throw identityError('KEY_EXPIRED');
    }
    if (a.status === 'suspended') {
      await refuse(failure('agent_suspended'), requestId);
      throw identityError('AGENT_SUSPENDED');
    }
    return {
      kind: 'agent',
      orgId: cred.org.id,
      orgName: cred.org.name,
      agentId: a.id,
      agentName: a.name,
      keyId: cred.keyId,
      creatorId: cred.creator.id,
      creatorName: cred.creator.name,
      agent: a,
    };
  }

  async function operator(cred: OperatorCredential | undefined, secret: string, requestId: string): Promise<Principal> {
    if (!cred) {
      secretMatches(secret, DUMMY_HASH);
      throw appError('UNAUTHENTICATED');
    }
    const failure = (reason: string) => ({
      orgId: cred.org.id,
      actor: { type: 'human' as const, id: cred.human.id, name: cred.human.name },
      chain: [
        { type: 'human' as const, id: cred.human.id, name: cred.human.name },
        { type: 'org' as const, id: cred.org.id, name: cred.org.name },
      ],
      agentId: null,
      credentialType: 'operator_token',
      credentialId: cred.tokenId,
      reason,
    });
    if (!secretMatches(secret, cred.secretHash)) {
      await refuse(failure('bad_secret'), requestId);
      throw appError('UNAUTHENTICATED');
    }
    if (cred.revokedAt !== null || (cred.expiresAt !== null && cred.expiresAt <= clock.now())) {
      await refuse(failure(cred.revokedAt !== null ? 'token_revoked' : 'token_expired'), requestId);
      throw appError('UNAUTHENTICATED', 'This operator token is no longer valid.');
    }
    return {
      kind: 'operator',
      orgId: cred.org.id,
      orgName: cred.org.name,
      humanId: cred.human.id,
      humanName: cred.human.name,
      tokenId: cred.tokenId,
    };
  }

  return {
    async authenticate(authorization, requestId) {
      const match = authorization ? /^Bearer ([^\s]+)$/i.exec(authorization.trim()) : null;
      const parsed = match?.[1] ? parseToken(match[1]) : null;
      if (!parsed) throw appError('UNAUTHENTICATED');
      return parsed.kind === 'agent'
        ? agent(await store.read.identity.findAgentCredential(parsed.id), parsed.secret, requestId)
        : operator(await store.read.identity.findOperatorCredential(parsed.id), parsed.secret, requestId);
    },
  };
}
