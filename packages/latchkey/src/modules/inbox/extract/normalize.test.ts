// Tests for character normalisation: digit folding, length-preserving case folding, invisible characters.
import { describe, expect, it } from 'vitest';
import { cleanInvisible, digitValue, foldDigits, lowerSameLength } from './normalize.js';

describe('foldDigits', () => {
  it('maps Arabic-Indic, Persian, Devanagari, Bengali and fullwidth digits to ASCII', () => {
    expect(foldDigits('٤٨٢٩١٣')).toBe('482913');
    expect(foldDigits('۴۸۲۹۱۳')).toBe('482913');
    expect(foldDigits('४८२९१३')).toBe('482913');
    expect(foldDigits('৪৮২৯১৩')).toBe('482913');
    expect(foldDigits('４８２９１３')).toBe('482913');
  });

  it('keeps every offset: one code unit in, one code unit out', () => {
    const text = 'رمز التحقق: ٤٨٢٩١٣ — कोड ४८२९ — ＡＢＣ';
    expect(foldDigits(text)).toHaveLength(text.length);
    expect(foldDigits('ＡＢｃ')).toBe('ABc');
  });

  it('returns the same string when there is nothing to fold', () => {
    const s = 'Your code is 123456';
    expect(foldDigits(s)).toBe(s);
    expect(digitValue('x'.charCodeAt(0))).toBe(-1);
  });
});

describe('lowerSameLength', () => {
  it('lower-cases without shifting offsets, even for the Turkish dotted capital I', () => {
    const s = 'İSTANBUL Doğrulama KODU';
    const lowered = lowerSameLength(s);
    expect(lowered).toHaveLength(s.length);
    expect(lowered.endsWith('doğrulama kodu')).toBe(true);
  });
});

describe('cleanInvisible', () => {
  it('drops zero-width characters and soft hyphens, and turns odd spaces into spaces', () => {
    expect(cleanInvisible('48\u200b29\u00ad13')).toBe('482913');
    expect(cleanInvisible('823\u00a0815')).toBe('823 815');
    expect(cleanInvisible('a\r\nb\rc\u2028d')).toBe('a\nb\nc\nd');
  });
});
