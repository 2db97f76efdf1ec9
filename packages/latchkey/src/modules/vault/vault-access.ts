// Who a vault request acts for and how its events are written: the acting agent (an agent itself, or the one an
// operator names), refusals recorded before they are thrown, and integrity failures recorded as they happen.
import { invalidField, isAppError } from '../../core/app-error.js';
import type { Transactor } from '../../core/transactor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import type { AuditTarget } from '../audit/chain.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import type { AgentRecord, IdentityRepo } from '../identity/identity-repo.js';
import type { IdentityService } from '../identity/identity-service.js';
import { actorOf, type ChainLink, chainOf, type RequestContext } from '../identity/principal.js';
import { ITEM_NAME } from './item-input.js';
import { vaultError } from './vault-errors.js';
import type { SealedVaultItem, VaultRepo } from './vault-repo.js';

/** The agent a request acts on (what the vault needs of it), and the chain every event about it records. */
export interface Acting {
  agent: Pick<AgentRecord, 'id' | 'orgId' | 'name' | 'status'>;
  chain: ChainLink[];
}

/** What the access helpers need. */
export type VaultAccessDeps = {
  store: Transactor<{ vault: VaultRepo; audit: AuditRepo; identity: IdentityRepo }>;
  identity: Pick<IdentityService, 'resolveActingAgent'>;
  audit: AuditLog;
};

/** The helpers every vault operation shares. */
export type VaultAccess = ReturnType<typeof createVaultAccess>;

/** Builds the access helpers over the vault's dependencies. */
export function createVaultAccess(deps: VaultAccessDeps) {
  const { store, audit } = deps;

  function targetOf(item: { id?: string; name: string }): AuditTarget {
    return { type: 'vault_item', ...(item.id ? { id: item.id } : {}), name: item.name };
  }

  async function acting(
    ctx: RequestContext,
    agentRef: string | undefined,
    action: string,
    name: string | null,
  ): Promise<Acting> {
    if (name !== null && !ITEM_NAME.test(name)) {
      throw invalidField(
        'name',
        'must be 1-128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit',
      );
    }
    const p = ctx.principal;
    // An agent acting on itself was just authenticated as active from its own row: no second read is needed
    // (releases re-check the row inside their transaction anyway).
    const own = p.kind === 'agent' && (agentRef === undefined || agentRef === p.agentId || agentRef === p.agentName);
    const { agent, chain } = own
      ? { agent: { id: p.agentId, orgId: p.orgId, name: p.agentName, status: 'active' as const }, chain: chainOf(p) }
      : await deps.identity.resolveActingAgent(ctx, agentRef);
    if (agent.status === 'revoked') {
      await denyWithAudit(
        deps,
        ctx,
        {
          action,
          target: name === null ? { type: 'vault' } : targetOf({ name }),
          agentId: agent.id,
          delegationChain: chain,
        },
        identityError('AGENT_REVOKED', 'This agent has been revoked; its vault can no longer be used.'),
      );
    }
    return { agent, chain };
  }

  /** Secrets are the agent's own: an operator reading them is refused, and the refusal is recorded. */
  async function requireAgent(ctx: RequestContext, act: Acting, action: string, name: string): Promise<void> {
    if (ctx.principal.kind === 'agent') return;
    await denyWithAudit(
      deps,
      ctx,
      { action, target: targetOf({ name }), agentId: act.agent.id, delegationChain: act.chain },
      vaultError('VAULT_SECRETS_AGENT_ONLY'),
    );
  }

  async function findItem(agentId: string, name: string): Promise<SealedVaultItem> {
    const item = await store.read.vault.findItem(agentId, name);
    if (!item) throw vaultError('VAULT_ITEM_NOT_FOUND');
    return item;
  }

  /**
   * Inside the transaction that records a release: the agent must still be usable. A revocation (or, for the
   * agent's own key, a suspension) that committed after this request authenticated wins.
   */
  async function assertStillUsable(tx: { identity: IdentityRepo }, ctx: RequestContext, agent: Acting['agent']) {
    const current = await tx.identity.findAgentById(agent.orgId, agent.id);
    if (!current || current.status === 'revoked') throw identityError('AGENT_REVOKED');
    if (ctx.principal.kind === 'agent' && current.status !== 'active') throw identityError('AGENT_SUSPENDED');
  }

  function event(ctx: RequestContext, act: Acting, action: string, target: AuditTarget) {
    return {
      orgId: act.agent.orgId,
      actor: actorOf(ctx.principal),
      delegationChain: act.chain,
      action,
      target,
      agentId: act.agent.id,
      requestId: ctx.requestId,
    };
  }

  /**
   * Runs a decryption; an integrity failure is recorded as a failed event (tampering is worth a trace) and
   * rethrown. Recording is best effort: the caller gets the integrity error either way.
   */
  async function opening<T>(
    ctx: RequestContext,
    act: Acting,
    action: string,
    item: SealedVaultItem,
    fn: () => T | Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isAppError(err, 'CIPHERTEXT_INVALID', 'KEY_VERSION_UNKNOWN')) {
        await store
          .write((tx) =>
            audit.append(tx, { ...event(ctx, act, action, targetOf(item)), outcome: 'failure', reason: err.code }),
          )
          .catch(() => undefined);
      }
      throw err;
    }
  }

  return { targetOf, acting, requireAgent, findItem, assertStillUsable, event, opening };
}
