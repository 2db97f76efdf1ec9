// The relay through the SDK against a listening server, on both stores: the key pair is made and used in the
// caller's process, the private key never reaches the server, and the code is read once.
import { Latchkey, LatchkeyError, RelayHandle } from '@latchkey/sdk';
import { beforeAll, expect, it } from 'vitest';
import { describeEachServer } from '../../test-support/server.js';

describeEachServer('relay through the SDK', (get) => {
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = (await get().server.listen()).httpUrl;
  });

  it('requests, waits, and consumes once, opening the code locally', async () => {
    const ops = new Latchkey({ baseUrl, apiKey: get().adminToken });
    const created = await ops.agents.create({ name: 'sdk-relay-bot' });
    const lk = new Latchkey({ baseUrl, apiKey: created.apiKey });
    const handle = await lk.relay.requestOtp({
      reason: 'log in to the bank',
      channel: 'sms',
      expectedSender: '+15550100199',
    });
    expect(handle).toBeInstanceOf(RelayHandle);
    expect(handle.status).toBe('pending_approval');
    expect(JSON.stringify(handle)).not.toContain(handle.exportPrivateKey());
    const pending = await ops.relay.list({ status: 'pending_approval' });
    expect(pending.requests.map((r) => r.id)).toContain(handle.id);
    expect((await ops.relay.approve(handle.id)).status).toBe('approved');

    const { token } = await ops.relay.settings.createCaptureToken();
    const waiting = lk.relay.wait(handle, { timeoutSeconds: 20 });
    const phone = new Latchkey({ baseUrl, apiKey: token });
    const sms = await phone.relay.captureSms({ from: '+15550100199', body: 'Your bank code: 583920' });
    expect(sms).toEqual({ captured: true });
    expect((await waiting).status).toBe('otp_received');

    // The exported key restores a handle in another process (here, another object).
    const restored = RelayHandle.restore(handle.id, handle.exportPrivateKey());
    const otp = await lk.relay.consume(restored);
    expect(otp).toMatchObject({ code: '583920', channel: 'sms', from: '+15550100199', requestId: handle.id });
    expect(restored.spent).toBe(true);
    await expect(lk.relay.consume(restored)).rejects.toMatchObject({ code: 'RELAY_HANDLE_SPENT' });
    const again = await lk.relay.consumeSealed(handle.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(LatchkeyError);
    expect(again).toMatchObject({ code: 'RELAY_ALREADY_CONSUMED', status: 410 });
    expect((await lk.relay.get(handle)).status).toBe('consumed');
  });

  it('a wait that runs out returns the request as it is, and cancel ends it', async () => {
    const ops = new Latchkey({ baseUrl, apiKey: get().adminToken });
    const created = await ops.agents.create({ name: 'sdk-wait-bot' });
    const lk = new Latchkey({ baseUrl, apiKey: created.apiKey });
    const handle = await lk.relay.requestOtp({ reason: 'nothing will come' });
    expect((await lk.relay.wait(handle, { timeoutSeconds: 1 })).status).toBe('pending_approval');
    expect((await lk.relay.cancel(handle)).status).toBe('cancelled');
    const bad = await lk.relay.requestOtp({ reason: 'x', ttlSeconds: 1 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', status: 422, details: [{ path: 'ttlSeconds' }] });
  });
});
