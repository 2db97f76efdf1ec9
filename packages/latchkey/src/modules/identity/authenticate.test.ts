// The authenticator on both stores: a credential held in memory is admitted without a promise, every failure is a
// rejection (never a synchronous throw), refusals are audited, and changes apply on the very next call.
import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/app-error.js';
import { fakeClock } from '../../core/clock.js';
import { describeEachStore } from '../../test-support/stores.js';
import { createAuditLog } from '../audit/audit-log.js';
import { type Authenticator, createAuthenticator } from './authenticate.js';
import { bootstrapIdentity } from './bootstrap.js';
import { createIdentityService, type IdentityService } from './identity-service.js';
import type { RequestContext } from './principal.js';

/** The code of the AppError that `value` rejects with; fails when it is not a promise or does not reject. */
async function rejectionCode(value: unknown): Promise<string> {
  expect(value).toBeInstanceOf(Promise);
  const err = await (value as Promise<unknown>).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

describeEachStore('authenticator', (get, kind) => {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  let authenticator: Authenticator;
  let identity: IdentityService;
  let operator: RequestContext;
  let orgId: string;

  beforeAll(async () => {
    const { store } = get();
    const audit = createAuditLog({ clock });
    identity = createIdentityService({ store, audit, clock });
    authenticator = createAuthenticator({ store, audit, clock });
    const boot = await bootstrapIdentity({ store, audit, clock });
    orgId = boot.orgId;
    if (!boot.operatorToken) throw new Error('bootstrap made no operator token');
    operator = {
      principal: await authenticator.authenticate(`Bearer ${boot.operatorToken}`, 'req-op'),
      requestId: 'r',
    };
  });

  const refusals = async (reason: string) =>
    (await get().store.read.audit.list(orgId, { action: 'auth.authenticate', limit: 100 })).filter(
      (e) => e.reason === reason,
    ).length;

  it('admits a valid key, and without a promise once the store holds it in memory', async () => {
    const { apiKey, agent } = await identity.createAgent(operator, { name: 'sync-path' });
    const first = await authenticator.authenticate(`Bearer ${apiKey}`, 'req-1');
    expect(first).toMatchObject({ kind: 'agent', agentId: agent.id, agentName: 'sync-path', orgId });
    const second = authenticator.authenticate(`Bearer ${apiKey}`, 'req-2');
    // SQLite stores cache credentials (ADR 0050); PostgreSQL stores read every time.
    if (kind === 'sqlite') expect(second).not.toBeInstanceOf(Promise);
    else expect(second).toBeInstanceOf(Promise);
    expect(await second).toEqual(first);
  });

  it('refuses by rejecting, never by throwing, whether or not the credential is in memory', async () => {
    const { apiKey } = await identity.createAgent(operator, { name: 'refusals' });
    await authenticator.authenticate(`Bearer ${apiKey}`, 'warm');
    const wrongSecret = `${apiKey.slice(0, -1)}${apiKey.endsWith('a') ? 'b' : 'a'}`;
    const before = await refusals('bad_secret');
    expect(await rejectionCode(authenticator.authenticate(`Bearer ${wrongSecret}`, 'req-bad'))).toBe('UNAUTHENTICATED');
    expect(await refusals('bad_secret')).toBe(before + 1);
    for (const header of [undefined, '', 'Basic abc', 'Bearer lk_agent_nope', `Bearer ${apiKey} extra`]) {
      expect(await rejectionCode(authenticator.authenticate(header, 'req-malformed'))).toBe('UNAUTHENTICATED');
    }
    const unknownId = `lk_agent_key_${'0'.repeat(26)}_${apiKey.slice(-52)}`;
    expect(await rejectionCode(authenticator.authenticate(`Bearer ${unknownId}`, 'req-unknown'))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('applies suspension, resumption, key expiry and revocation on the very next call', async () => {
    const { apiKey, agent } = await identity.createAgent(operator, { name: 'next-call' });
    const bearer = `Bearer ${apiKey}`;
    await authenticator.authenticate(bearer, 'warm');
    await authenticator.authenticate(bearer, 'warm-again');

    await identity.suspendAgent(operator, agent.id);
    const suspended = await refusals('agent_suspended');
    expect(await rejectionCode(authenticator.authenticate(bearer, 'req-s'))).toBe('AGENT_SUSPENDED');
    expect(await refusals('agent_suspended')).toBe(suspended + 1);

    await identity.resumeAgent(operator, agent.id);
    expect(await authenticator.authenticate(bearer, 'req-r')).toMatchObject({ agentId: agent.id });

    const expiring = await identity.createKey(operator, agent.id, { expiresInSeconds: 60 });
    await authenticator.authenticate(`Bearer ${expiring.apiKey}`, 'req-e1');
    clock.advance(61_000);
    expect(await rejectionCode(authenticator.authenticate(`Bearer ${expiring.apiKey}`, 'req-e2'))).toBe('KEY_EXPIRED');

    await identity.revokeAgent(operator, agent.id);
    expect(await rejectionCode(authenticator.authenticate(bearer, 'req-v'))).toBe('KEY_REVOKED');
  });
});
