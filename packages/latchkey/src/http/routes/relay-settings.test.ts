// HTTP tests of a human's relay settings, on both stores: forwarding address, webhook, capture token, standing
// approvals; happy paths, bad input, and who may do what.
import { expect, it } from 'vitest';
import { addOperator, newAgent } from '../../test-support/relay.js';
import { describeEachServer } from '../../test-support/server.js';

describeEachServer('relay settings routes', (get) => {
  it('shows the forwarding address and SMS capture URL, and keeps the webhook secret out of reads', async () => {
    const ts = get();
    const empty = await ts.call('GET', '/v1/relay/settings');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      human: { name: 'admin' },
      forwardingAddress: 'relay-admin@agents.localhost',
      smsCaptureUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/relay\/capture\/sms$/),
      webhook: null,
      smsCapture: null,
    });
    const set = await ts.call('PUT', '/v1/relay/settings/webhook', {
      body: { url: 'https://hooks.example.com/latchkey' },
    });
    expect(set.status).toBe(200);
    expect(set.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const token = await ts.call('POST', '/v1/relay/settings/capture-token');
    expect(token.status).toBe(201);
    expect(token.body.token).toMatch(/^lk_cap_hum_/);
    const shown = await ts.call('GET', '/v1/relay/settings');
    expect(shown.body.webhook).toEqual({ url: 'https://hooks.example.com/latchkey', updatedAt: expect.any(String) });
    expect(shown.body.smsCapture).toEqual({ createdAt: expect.any(String) });
    expect(JSON.stringify(shown.body)).not.toContain(set.body.secret.slice(6));
    expect(JSON.stringify(shown.body)).not.toContain(token.body.token);
    // A new registration rotates the secret.
    const again = await ts.call('PUT', '/v1/relay/settings/webhook', { body: { url: 'https://hooks.example.com/v2' } });
    expect(again.body.secret).not.toBe(set.body.secret);
    expect((await ts.call('DELETE', '/v1/relay/settings/webhook')).status).toBe(204);
    expect((await ts.call('DELETE', '/v1/relay/settings/capture-token')).status).toBe(204);
    expect((await ts.call('DELETE', '/v1/relay/settings/webhook')).status).toBe(204);
    const cleared = await ts.call('GET', '/v1/relay/settings');
    expect(cleared.body).toMatchObject({ webhook: null, smsCapture: null });
    const trail = await ts.call('GET', '/v1/audit?action=relay.&limit=20');
    const actions = trail.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'relay.webhook.set',
        'relay.webhook.delete',
        'relay.capture_token.create',
        'relay.capture_token.delete',
      ]),
    );
    expect(JSON.stringify(trail.body)).not.toContain(set.body.secret.slice(6));
  });

  it('refuses bad input and agents', async () => {
    const ts = get();
    const missing = await ts.call('PUT', '/v1/relay/settings/webhook', { body: {} });
    expect(missing.status).toBe(422);
    const extra = await ts.call('PUT', '/v1/relay/settings/webhook', {
      body: { url: 'https://hooks.example.com/x', secret: 'mine' },
    });
    expect(extra.body.error.details).toContainEqual({ path: 'secret', message: 'unknown field' });
    const agent = await newAgent(ts);
    for (const [method, url] of [
      ['GET', '/v1/relay/settings'],
      ['PUT', '/v1/relay/settings/webhook'],
      ['POST', '/v1/relay/settings/capture-token'],
      ['GET', '/v1/relay/standing-approvals'],
      ['GET', '/v1/relay/settings/webhook/deliveries'],
      ['POST', '/v1/relay/settings/webhook/test'],
      ['DELETE', '/v1/relay/settings/webhook'],
      ['DELETE', '/v1/relay/settings/capture-token'],
      ['POST', '/v1/relay/standing-approvals'],
      ['DELETE', '/v1/relay/standing-approvals/sap_x'],
    ] as const) {
      const res = await ts.call(method, url, {
        token: agent.apiKey,
        ...(method === 'PUT' ? { body: { url: 'https://hooks.example.com/x' } } : {}),
        ...(url === '/v1/relay/standing-approvals'
          ? { body: { agent: agent.name, sender: 'bank.example', maxCodes: 1, withinHours: 1 } }
          : {}),
      });
      expect({ url, status: res.status, code: res.body.error.code }).toEqual({
        url,
        status: 403,
        code: 'OPERATOR_ONLY',
      });
    }
    expect((await ts.call('GET', '/v1/relay/settings', { token: null })).status).toBe(401);
  });

  it('grants standing approvals only for your own agents, with bounded budgets', async () => {
    const ts = get();
    const mine = await newAgent(ts);
    const colleague = await addOperator(ts);
    const theirs = await newAgent(ts, colleague.token);
    const stranger = await addOperator(ts, { newOrg: true });
    const grant = (body: Record<string, unknown>, token?: string) =>
      ts.call('POST', '/v1/relay/standing-approvals', { body, ...(token ? { token } : {}) });
    const ok = { agent: mine.name, sender: 'no-reply@bank.example', maxCodes: 2, withinHours: 24 };
    const created = await grant(ok);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ agent: { id: mine.id, name: mine.name }, status: 'active', remaining: 2 });
    const notMine = await grant({ ...ok, agent: theirs.name });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('RELAY_NOT_APPROVER');
    expect((await grant({ ...ok, agent: mine.name }, stranger.token)).body.error.code).toBe('AGENT_NOT_FOUND');
    expect((await grant({ ...ok, agent: 'nobody-here' })).status).toBe(404);
    for (const [field, value] of [
      ['sender', 'not a sender!'],
      ['maxCodes', 0],
      ['maxCodes', 101],
      ['withinHours', 0],
      ['withinHours', 721],
    ] as const) {
      const res = await grant({ ...ok, [field]: value });
      expect({ field, status: res.status, path: res.body.error.details[0].path }).toEqual({
        field,
        status: 422,
        path: field,
      });
    }
    // Each human sees and revokes only their own.
    const theirsList = await ts.call('GET', '/v1/relay/standing-approvals', { token: colleague.token });
    expect(theirsList.body.standingApprovals).toEqual([]);
    const foreign = await ts.call('DELETE', `/v1/relay/standing-approvals/${created.body.id}`, {
      token: colleague.token,
    });
    expect(foreign.status).toBe(404);
    expect((await ts.call('DELETE', '/v1/relay/standing-approvals/sap_nope')).body.error.code).toBe(
      'STANDING_APPROVAL_NOT_FOUND',
    );
    const revoked = await ts.call('DELETE', `/v1/relay/standing-approvals/${created.body.id}`);
    expect(revoked.body.status).toBe('revoked');
    expect((await ts.call('DELETE', `/v1/relay/standing-approvals/${created.body.id}`)).body.status).toBe('revoked');
    await ts.call('DELETE', `/v1/agents/${mine.id}`);
    expect((await grant(ok)).body.error.code).toBe('AGENT_REVOKED');
  });
});
