// First start: the org `default`, the human `admin`, and one operator token shown once.
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import { newId } from '../../crypto/ids.js';
import { mintToken } from '../../crypto/tokens.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import type { IdentityRepo } from './identity-repo.js';

export const DEFAULT_ORG = 'default';
export const DEFAULT_HUMAN = 'admin';

/**
 * Creates the default org and admin if absent. Returns the admin's new operator token when this call created
 * the admin (the only time it exists in clear), or null when the store was already bootstrapped. Safe when
 * several instances start at once: only the one whose insert wins mints a token.
 */
export async function bootstrapIdentity(deps: {
  store: Transactor<{ identity: IdentityRepo; audit: AuditRepo }>;
  audit: AuditLog;
  clock: Clock;
}): Promise<{ operatorToken: string | null; orgId: string; humanId: string }> {
  const { store, audit, clock } = deps;
  return store.write(async (tx) => {
    const now = clock.now();
    const org = await tx.identity.ensureOrg({ id: newId('org', now), name: DEFAULT_ORG, createdAt: now });
    const human = await tx.identity.ensureHuman({
      id: newId('hum', now),
      orgId: org.id,
      name: DEFAULT_HUMAN,
      createdAt: now,
    });
    if (!human.created) return { operatorToken: null, orgId: org.id, humanId: human.id };
    const tokenId = newId('opt', now);
    const { token, secretHash } = mintToken('operator', tokenId);
    await tx.identity.insertOperatorToken({
      id: tokenId,
      orgId: org.id,
      humanId: human.id,
      secretHash,
      createdAt: now,
    });
    await audit.append(tx, {
      orgId: org.id,
      actor: { type: 'system', id: 'latchkey', name: 'bootstrap' },
      delegationChain: [
        { type: 'human', id: human.id, name: human.name },
        { type: 'org', id: org.id, name: org.name },
      ],
      action: 'store.bootstrap',
      target: { type: 'operator_token', id: tokenId },
      outcome: 'success',
    });
    return { operatorToken: token, orgId: org.id, humanId: human.id };
  });
}
