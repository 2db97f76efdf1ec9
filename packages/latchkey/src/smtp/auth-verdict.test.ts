// Tests of the auth summary: DMARC decides when present; without it SPF and DKIM give neutral, fail or none.
import { describe, expect, it } from 'vitest';
import { summariseAuth } from './auth-verdict.js';

const r = (result: string) => ({ status: { result } });

describe('summariseAuth', () => {
  it('lets DMARC decide when the From domain has a policy', () => {
    expect(
      summariseAuth({
        spf: r('fail'),
        dkim: { results: [r('pass')] },
        dmarc: { ...r('pass'), domain: 'a.example' },
        headerFrom: [],
      }),
    ).toEqual({ spf: 'fail', dkim: 'pass', dmarc: 'pass', verdict: 'pass', fromDomain: 'a.example' });
    expect(
      summariseAuth({ spf: r('pass'), dkim: { results: [] }, dmarc: r('fail'), headerFrom: ['x@B.example'] }),
    ).toMatchObject({ dmarc: 'fail', verdict: 'fail', fromDomain: 'b.example' });
  });

  it('without DMARC: a pass is neutral, a failure is fail, nothing is none', () => {
    expect(summariseAuth({ spf: r('pass'), dkim: { results: [] }, dmarc: false, headerFrom: [] }).verdict).toBe(
      'neutral',
    );
    expect(
      summariseAuth({ spf: r('softfail'), dkim: { results: [r('pass')] }, dmarc: r('none'), headerFrom: [] }).verdict,
    ).toBe('neutral');
    expect(summariseAuth({ spf: r('fail'), dkim: { results: [] }, dmarc: false, headerFrom: [] }).verdict).toBe('fail');
    expect(
      summariseAuth({ spf: r('none'), dkim: { results: [r('fail')] }, dmarc: false, headerFrom: [] }).verdict,
    ).toBe('fail');
    expect(summariseAuth({ spf: false, dkim: { results: [] }, dmarc: false, headerFrom: [] })).toEqual({
      spf: 'none',
      dkim: 'none',
      dmarc: 'none',
      verdict: 'none',
      fromDomain: null,
    });
  });

  it('summarises several DKIM signatures by the best one, and normalises odd spellings', () => {
    const dkim = { results: [r('fail'), r('pass'), r('neutral')] };
    expect(summariseAuth({ spf: r('temperr'), dkim, dmarc: false, headerFrom: [] })).toMatchObject({
      spf: 'temperror',
      dkim: 'pass',
    });
    expect(
      summariseAuth({
        spf: r('skipped'),
        dkim: { results: [r('none'), r('permerror')] },
        dmarc: false,
        headerFrom: [],
      }),
    ).toMatchObject({ spf: 'none', dkim: 'permerror', verdict: 'none' });
  });
});
