// Tests of E.164 normalisation: the forms providers send, and what is refused.
import { describe, expect, it } from 'vitest';
import { normalisePhoneNumber } from './phone-number.js';

describe('normalisePhoneNumber', () => {
  it('accepts E.164 with or without spacing and punctuation', () => {
    expect(normalisePhoneNumber('+14155550123')).toBe('+14155550123');
    expect(normalisePhoneNumber(' +1 (415) 555-0123 ')).toBe('+14155550123');
    expect(normalisePhoneNumber('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('refuses national forms, short codes, letters and overlong input', () => {
    expect(normalisePhoneNumber('4155550123')).toBeNull();
    expect(normalisePhoneNumber('+0123456789')).toBeNull();
    expect(normalisePhoneNumber('+1234')).toBeNull();
    expect(normalisePhoneNumber('+1415555CALL')).toBeNull();
    expect(normalisePhoneNumber(`+1${'5'.repeat(40)}`)).toBeNull();
  });
});
