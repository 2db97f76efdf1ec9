// Unit tests of the hash chain: canonical form and the verifier's verdicts.
import { describe, expect, it } from 'vitest';
import { type AuditEvent, canonicalJson, createChainVerifier, GENESIS_HASH, hashEvent } from './chain.js';

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: Omit<AuditEvent, 'hash'> = {
      orgId: 'org_1',
      seq,
      id: `evt_${seq}`,
      at: 1000 + seq,
      agentId: null,
      actor: { type: 'human', id: 'hum_1', name: 'admin' },
      delegationChain: [],
      action: 'test.event',
      target: { type: 'thing', id: String(seq) },
      outcome: 'success',
      reason: null,
      requestId: null,
      prevHash: prev,
    };
    const full = { ...e, hash: hashEvent(e) };
    events.push(full);
    prev = full.hash;
  }
  return events;
}

function verify(events: AuditEvent[], head = events[events.length - 1]) {
  const v = createChainVerifier();
  for (const e of events) if (!v.push(e)) break;
  return v.finish(head && { seq: head.seq, hash: head.hash });
}

describe('audit chain', () => {
  it('canonicalises key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('accepts an intact chain and names the first broken link otherwise', () => {
    const events = chain(6);
    expect(verify(events)).toEqual({ ok: true, checked: 6 });
    const edited = events.map((e) => (e.seq === 3 ? { ...e, target: { type: 'thing', id: 'x' } } : e));
    expect(verify(edited).firstBrokenSeq).toBe(3);
    expect(verify(events.filter((e) => e.seq !== 4)).firstBrokenSeq).toBe(4);
    const swapped = [...events];
    [swapped[1], swapped[2]] = [swapped[2] as AuditEvent, swapped[1] as AuditEvent];
    expect(verify(swapped).firstBrokenSeq).toBe(2);
    // Cut off the end: the head still names event 6.
    expect(verify(events.slice(0, 4), events[5]).firstBrokenSeq).toBe(5);
    // A re-hashed forgery still breaks its successor's prevHash.
    const forged = { ...(events[2] as AuditEvent), action: 'forged' };
    const rehashed = { ...forged, hash: hashEvent(forged) };
    expect(verify(events.map((e) => (e.seq === 3 ? rehashed : e))).firstBrokenSeq).toBe(4);
  });
});
