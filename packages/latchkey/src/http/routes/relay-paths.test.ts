// The relay's other endings, on both stores: denied, expired, cancelled, filter mismatch, DMARC failure, capture
// order, and standing approvals that stop at their budget. Each leaves its status and its audit trail.
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import {
  adminId,
  captureToken,
  mailFrom,
  newAgent,
  openPayload,
  postSms,
  relayTrail,
  requestOtp,
} from '../../test-support/relay.js';
import { describeEachServer } from '../../test-support/server.js';

const clock = fakeClock(Date.UTC(2026, 10, 1, 12, 0, 0));

describeEachServer(
  'relay paths',
  (get) => {
    const status = async (id: string) => (await get().call('GET', `/v1/relay/requests/${id}`)).body.status;

    it('denied: no capture, no read, and the trail names who denied', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, { channel: 'sms' });
      const denied = await ts.call('POST', `/v1/relay/requests/${req.id}/deny`);
      expect(denied.body).toMatchObject({ status: 'denied', decidedBy: { name: 'admin' } });
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/deny`)).body.status).toBe('denied');
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/approve`)).body.error.code).toBe(
        'RELAY_INVALID_STATE',
      );
      const token = await captureToken(ts);
      expect((await postSms(ts, token, '+15550100199', 'code 112233')).body.captured).toBe(false);
      const read = await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey });
      expect(read.status).toBe(409);
      expect(read.body.error.code).toBe('RELAY_INVALID_STATE');
      expect(await status(req.id)).toBe('denied');
      expect(await relayTrail(ts, req.id)).toEqual(['relay.request:success', 'relay.deny:success']);
    });

    it('an approval can be withdrawn until a code arrives', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey);
      await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/deny`)).body.status).toBe('denied');
      expect(await relayTrail(ts, req.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.deny:success',
      ]);
    });

    it('expired: the sweeper ends live requests, erases a captured code, and nothing can be approved or read', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const pending = await requestOtp(ts, agent.apiKey, { ttlSeconds: 60 });
      const captured = await requestOtp(ts, agent.apiKey, { ttlSeconds: 60, channel: 'sms' });
      await ts.call('POST', `/v1/relay/requests/${captured.id}/approve`);
      const token = await captureToken(ts);
      expect((await postSms(ts, token, '+15550100199', 'code 556677')).body.captured).toBe(true);
      clock.advance(60_000);
      // Before the sweeper runs, time alone already refuses approval and the read.
      expect((await ts.call('POST', `/v1/relay/requests/${pending.id}/approve`)).body.error.code).toBe('RELAY_EXPIRED');
      const late = await ts.call('POST', `/v1/relay/requests/${captured.id}/consume`, { token: agent.apiKey });
      expect(late.status).toBe(410);
      expect(late.body.error.code).toBe('RELAY_EXPIRED');
      expect(await ts.server.relay.expireDue()).toBeGreaterThanOrEqual(1);
      expect(await status(pending.id)).toBe('expired');
      expect(await status(captured.id)).toBe('expired');
      const row = await ts.server.store.db
        .selectFrom('relay_requests')
        .select(['enc', 'ciphertext', 'sealed_from', 'wrapped_key'])
        .where('id', '=', captured.id)
        .executeTakeFirstOrThrow();
      expect(Object.values(row)).toEqual([null, null, null, null]);
      expect(await relayTrail(ts, pending.id)).toEqual(['relay.request:success', 'relay.expire:success']);
      expect(await relayTrail(ts, captured.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.capture:success:sms',
        'relay.expire:success',
      ]);
      expect(await ts.server.relay.expireDue()).toBe(0);
    });

    it('cancelled: by the agent, from any live status, erasing a captured code', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, { channel: 'sms' });
      await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      const token = await captureToken(ts);
      expect((await postSms(ts, token, '+15550100199', 'code 998877')).body.captured).toBe(true);
      const cancelled = await ts.call('DELETE', `/v1/relay/requests/${req.id}`, { token: agent.apiKey });
      expect(cancelled.body.status).toBe('cancelled');
      expect((await ts.call('DELETE', `/v1/relay/requests/${req.id}`, { token: agent.apiKey })).status).toBe(200);
      const read = await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey });
      expect(read.body.error.code).toBe('RELAY_INVALID_STATE');
      const row = await ts.server.store.db
        .selectFrom('relay_requests')
        .select(['enc', 'ciphertext'])
        .where('id', '=', req.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ enc: null, ciphertext: null });
      expect(await relayTrail(ts, req.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.capture:success:sms',
        'relay.cancel:success',
      ]);
      const early = await requestOtp(ts, agent.apiKey);
      expect((await ts.call('DELETE', `/v1/relay/requests/${early.id}`, { token: agent.apiKey })).body.status).toBe(
        'cancelled',
      );
      expect((await ts.call('POST', `/v1/relay/requests/${early.id}/consume`, { token: agent.apiKey })).status).toBe(
        409,
      );
    });

    it('a message that does not match the filter leaves the request approved and says why', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, {
        channel: 'email',
        filter: { from: '*@bank.example', pattern: 'sign-in code' },
      });
      await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      const human = await adminId(ts);
      const wrongSender = await ts.server.relay.captureMail(
        human,
        mailFrom('news@shop.example', 'Your sign-in code is 123456', { code: '123456' }),
      );
      expect(wrongSender).toEqual({ captured: false, reason: 'filter_from_mismatch' });
      const wrongText = await ts.server.relay.captureMail(
        human,
        mailFrom('otp@bank.example', 'Your statement is ready: 123456', { code: '123456', subject: 'Statement' }),
      );
      expect(wrongText).toEqual({ captured: false, reason: 'filter_pattern_mismatch' });
      const noCode = await ts.server.relay.captureMail(
        human,
        mailFrom('otp@bank.example', 'Your sign-in code follows'),
      );
      expect(noCode).toEqual({ captured: false, reason: 'no_code' });
      expect(await status(req.id)).toBe('approved');
      const right = await ts.server.relay.captureMail(
        human,
        mailFrom('otp@bank.example', 'Your Sign-In Code is 424242', { code: '424242' }),
      );
      expect(right).toEqual({ captured: true, requestId: req.id });
      const consumed = await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey });
      expect(openPayload(req.keys.privateKey, consumed.body)).toMatchObject({
        code: '424242',
        channel: 'email',
        from: 'otp@bank.example',
      });
      expect(await relayTrail(ts, req.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.capture:denied:filter_from_mismatch',
        'relay.capture:denied:filter_pattern_mismatch',
        'relay.capture:denied:no_code',
        'relay.capture:success:email',
        'relay.consume:success',
      ]);
    });

    it('mail whose DMARC fails for the expected sender is not captured', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, { expectedSender: 'bank.example' });
      await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      const human = await adminId(ts);
      const spoofed = mailFrom('otp@bank.example', 'Your code is 700700', { code: '700700', dmarc: 'fail' });
      expect(await ts.server.relay.captureMail(human, spoofed)).toEqual({ captured: false, reason: 'dmarc_failed' });
      const unaligned = { ...mailFrom('otp@bank.example', 'Your code is 700700', { code: '700700' }) };
      unaligned.auth = { dmarc: 'pass', fromDomain: 'attacker.example' };
      expect(await ts.server.relay.captureMail(human, unaligned)).toEqual({ captured: false, reason: 'dmarc_failed' });
      const lookalike = mailFrom('otp@bank-example.com', 'Your code is 700700', { code: '700700' });
      expect(await ts.server.relay.captureMail(human, lookalike)).toEqual({
        captured: false,
        reason: 'sender_mismatch',
      });
      expect(await status(req.id)).toBe('approved');
      const genuine = mailFrom('otp@mail.bank.example', 'Your code is 700701', { code: '700701' });
      expect(await ts.server.relay.captureMail(human, genuine)).toEqual({ captured: true, requestId: req.id });
      expect(await relayTrail(ts, req.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.capture:denied:dmarc_failed',
        'relay.capture:denied:dmarc_failed',
        'relay.capture:denied:sender_mismatch',
        'relay.capture:success:email',
      ]);
    });

    it('a message captures at most one request: the oldest that matches', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const first = await requestOtp(ts, agent.apiKey, { channel: 'sms' });
      clock.advance(1000);
      const second = await requestOtp(ts, agent.apiKey, { channel: 'sms' });
      for (const r of [second, first]) await ts.call('POST', `/v1/relay/requests/${r.id}/approve`);
      const token = await captureToken(ts);
      expect((await postSms(ts, token, '+15550100199', 'code 101010')).body.captured).toBe(true);
      expect(await status(first.id)).toBe('otp_received');
      expect(await status(second.id)).toBe('approved');
      expect((await postSms(ts, token, '+15550100199', 'code 202020')).body.captured).toBe(true);
      const a = await ts.call('POST', `/v1/relay/requests/${first.id}/consume`, { token: agent.apiKey });
      const b = await ts.call('POST', `/v1/relay/requests/${second.id}/consume`, { token: agent.apiKey });
      expect(openPayload(first.keys.privateKey, a.body).code).toBe('101010');
      expect(openPayload(second.keys.privateKey, b.body).code).toBe('202020');
      // A payload opens only with the key of the request it was sealed to.
      expect(() => openPayload(second.keys.privateKey, a.body)).toThrow(/could not be opened/);
    });

    it('a standing approval approves matching requests until its budget is spent', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const sap = await ts.call('POST', '/v1/relay/standing-approvals', {
        body: { agent: agent.name, sender: 'Bank.Example', maxCodes: 3, withinHours: 2 },
      });
      expect(sap.status).toBe(201);
      expect(sap.body).toMatchObject({ sender: 'bank.example', maxCodes: 3, remaining: 3, status: 'active' });
      // Only requests that name the sender are covered.
      const unnamed = await requestOtp(ts, agent.apiKey);
      const other = await requestOtp(ts, agent.apiKey, { expectedSender: 'shop.example' });
      expect([unnamed.status, other.status]).toEqual(['pending_approval', 'pending_approval']);
      const burst = await Promise.all(
        Array.from({ length: 6 }, () => requestOtp(ts, agent.apiKey, { expectedSender: 'bank.example' })),
      );
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 'approved')).toHaveLength(3);
      expect(statuses.filter((s) => s === 'pending_approval')).toHaveLength(3);
      const list = await ts.call('GET', '/v1/relay/standing-approvals');
      expect(list.body.standingApprovals.find((s: { id: string }) => s.id === sap.body.id)).toMatchObject({
        remaining: 0,
        status: 'exhausted',
      });
      const auto = burst.find((r) => r.status === 'approved');
      const shown = await ts.call('GET', `/v1/relay/requests/${auto?.id}`);
      expect(shown.body).toMatchObject({ standingApprovalId: sap.body.id, decidedBy: { name: 'admin' } });
      expect(await relayTrail(ts, auto?.id ?? '')).toEqual([
        'relay.request:success',
        `relay.approve:success:standing_approval ${sap.body.id}`,
      ]);
    });

    it('a standing approval ends when revoked or when its time is up', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const grant = () =>
        ts.call('POST', '/v1/relay/standing-approvals', {
          body: { agent: agent.id, sender: '+1 555 010 0199', maxCodes: 5, withinHours: 1 },
        });
      const revoked = await grant();
      const del = await ts.call('DELETE', `/v1/relay/standing-approvals/${revoked.body.id}`);
      expect(del.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
      expect((await requestOtp(ts, agent.apiKey, { expectedSender: '+15550100199' })).status).toBe('pending_approval');
      const timed = await grant();
      expect((await requestOtp(ts, agent.apiKey, { expectedSender: '+15550100199' })).status).toBe('approved');
      clock.advance(3_600_000);
      expect((await requestOtp(ts, agent.apiKey, { expectedSender: '+15550100199' })).status).toBe('pending_approval');
      const list = await ts.call('GET', '/v1/relay/standing-approvals');
      expect(list.body.standingApprovals.find((s: { id: string }) => s.id === timed.body.id)).toMatchObject({
        status: 'expired',
        remaining: 4,
      });
    });
  },
  { clock },
);
