// HTTP tests of the audit trail: listing, verification after tampering, and failing closed when it cannot be written.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachServer, type TestServer } from '../../test-support/server.js';

async function orgId(ts: TestServer): Promise<string> {
  return (await ts.call('GET', '/v1/me')).body.principal.orgId;
}

describeEachServer('audit routes', (get) => {
  it('records every change with actor, chain and request id, and pages with a cursor', async () => {
    const created = await get().call('POST', '/v1/agents', { body: { name: 'audited' } });
    await get().call('POST', '/v1/agents/audited/suspend');
    const page = await get().call('GET', '/v1/audit?agent=audited&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { action: string }) => e.action)).toEqual(['agent.suspend', 'agent.key.create']);
    const suspend = page.body.events[0];
    expect(suspend).toMatchObject({
      actor: { type: 'human', name: 'admin' },
      target: { type: 'agent', id: created.body.agent.id },
      outcome: 'success',
    });
    expect(suspend.delegationChain.map((l: { type: string }) => l.type)).toEqual(['human', 'org', 'agent']);
    expect(suspend.requestId).toMatch(/^req_/);
    const next = await get().call('GET', `/v1/audit?agent=audited&cursor=${page.body.nextCursor}`);
    expect(next.body.events.map((e: { action: string }) => e.action)).toEqual(['agent.create']);
    expect(next.body.nextCursor).toBeNull();
    const since = await get().call(
      'GET',
      `/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(since.body.events).toEqual([]);
    expect((await get().call('GET', '/v1/audit?cursor=garbage')).body.error.code).toBe('AUDIT_CURSOR_INVALID');
    expect(JSON.stringify(page.body)).not.toContain('lk_agent_');
  });

  it('stores delegation chains whose links carry only type, id and name', async () => {
    const ts = get();
    const created = await ts.call('POST', '/v1/agents', { body: { name: 'chained', description: 'kept off chains' } });
    const key: string = created.body.apiKey;
    await ts.call('GET', '/v1/me', { token: key });
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    expect((await ts.call('GET', '/v1/me', { token: wrongSecret })).status).toBe(401); // a denial, audited
    await ts.call('POST', '/v1/agents/chained/suspend');
    // The rows as stored (the API's serializer would hide extra fields): creation, key, denial and suspension.
    const rows = await ts.server.store.db
      .selectFrom('audit_events')
      .select(['action', 'delegation_chain'])
      .where('agent_id', '=', created.body.agent.id)
      .execute();
    expect(rows.map((r) => r.action).sort()).toEqual(
      ['agent.create', 'agent.key.create', 'agent.suspend', 'auth.authenticate'].sort(),
    );
    for (const row of rows) {
      const chain = typeof row.delegation_chain === 'string' ? JSON.parse(row.delegation_chain) : row.delegation_chain;
      expect(chain.map((link: object) => Object.keys(link).sort())).toEqual([
        ['id', 'name', 'type'],
        ['id', 'name', 'type'],
        ['id', 'name', 'type'],
      ]);
    }
  });

  it('verifies an intact chain', async () => {
    const res = await get().call('GET', '/v1/audit/verify');
    expect(res.body.ok).toBe(true);
    expect(res.body.checked).toBeGreaterThan(2);
  });

  it('names the first broken link after an edit, a deletion or a reorder, and recovers when undone', async () => {
    const ts = get();
    const org = await orgId(ts);
    for (const name of ['t-one', 't-two', 't-three']) await ts.call('POST', '/v1/agents', { body: { name } });
    const db = ts.server.store.db;
    const rows = await db.selectFrom('audit_events').selectAll().where('org_id', '=', org).orderBy('seq').execute();
    const victim = rows[3];
    const after = rows[4];
    if (!victim || !after) throw new Error('expected at least five events');

    // Edit one field.
    await db.updateTable('audit_events').set({ action: 'agent.tampered' }).where('id', '=', victim.id).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body).toMatchObject({ ok: false, firstBrokenSeq: victim.seq });
    await db.updateTable('audit_events').set({ action: victim.action }).where('id', '=', victim.id).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body.ok).toBe(true);

    // Swap the positions of two neighbours (a reorder), then put them back.
    const place = async (first: typeof victim, firstSeq: number, second: typeof victim, secondSeq: number) => {
      await db.updateTable('audit_events').set({ seq: -1 }).where('id', '=', first.id).execute();
      await db.updateTable('audit_events').set({ seq: secondSeq }).where('id', '=', second.id).execute();
      await db.updateTable('audit_events').set({ seq: firstSeq }).where('id', '=', first.id).execute();
    };
    await place(victim, after.seq, after, victim.seq);
    expect((await ts.call('GET', '/v1/audit/verify')).body).toMatchObject({ ok: false, firstBrokenSeq: victim.seq });
    await place(victim, victim.seq, after, after.seq);
    expect((await ts.call('GET', '/v1/audit/verify')).body.ok).toBe(true);

    // Delete one row from the middle.
    await db.deleteFrom('audit_events').where('id', '=', victim.id).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body).toMatchObject({ ok: false, firstBrokenSeq: victim.seq });
    await db.insertInto('audit_events').values(victim).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body.ok).toBe(true);

    // Cut the newest event off the end.
    const current = await db
      .selectFrom('audit_events')
      .select(['id', 'seq'])
      .where('org_id', '=', org)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const tail = await db.selectFrom('audit_events').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow();
    await db.deleteFrom('audit_events').where('id', '=', current.id).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body).toMatchObject({ ok: false, firstBrokenSeq: current.seq });
    await db.insertInto('audit_events').values(tail).execute();
    expect((await ts.call('GET', '/v1/audit/verify')).body.ok).toBe(true);
  });

  it('fails the change with 503 and keeps nothing when the audit log cannot be written', async () => {
    const ts = get();
    const db = ts.server.store.db;
    expect((await ts.call('POST', '/v1/agents', { body: { name: 'bystander' } })).status).toBe(201);
    if (ts.kind === 'sqlite') {
      await sql`create trigger audit_block before insert on audit_events begin select raise(abort, 'audit disk gone'); end`.execute(
        db,
      );
    } else {
      await sql`create function audit_block() returns trigger language plpgsql as $$ begin raise exception 'audit disk gone'; end $$`.execute(
        db,
      );
      await sql`create trigger audit_block before insert on audit_events for each row execute function audit_block()`.execute(
        db,
      );
    }
    try {
      const res = await ts.call('POST', '/v1/agents', { body: { name: 'never-born' } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toContain('apiKey');
      const suspend = await ts.call('POST', '/v1/agents/bystander/suspend');
      expect(suspend.status).toBe(503);
    } finally {
      await sql`drop trigger audit_block${ts.kind === 'postgres' ? sql` on audit_events` : sql``}`.execute(db);
    }
    expect((await ts.call('GET', '/v1/agents/never-born')).status).toBe(404);
    expect((await ts.call('GET', '/v1/agents/bystander')).body.status).toBe('active');
    expect((await ts.call('GET', '/v1/audit/verify')).body.ok).toBe(true);
    expect((await ts.call('POST', '/v1/agents', { body: { name: 'never-born' } })).status).toBe(201);
  });
});
