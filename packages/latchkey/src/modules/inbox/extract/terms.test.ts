// Tests for the vocabulary matcher: word boundaries, compounds, whole words, ignored phrases, CJK.
import { describe, expect, it } from 'vitest';
import { TermMatcher } from './terms.js';

const m = new TermMatcher({ en: ['*code|pin$|verif|!in order to|order|log in'], zh: ['验证码'], ar: ['*رمز'] });
const words = (text: string): string[] => m.find(text).map((h) => text.slice(h.start, h.end));

describe('TermMatcher', () => {
  it('matches stems at a word start and compounds where marked', () => {
    expect(words('verification verify unverified')).toEqual(['verif', 'verif']);
    expect(words('bestätigungscode verifycode code')).toEqual(['code', 'verif', 'code', 'code']);
  });

  it('requires a word end where marked', () => {
    expect(words('pin shipping pins')).toEqual(['pin']);
  });

  it('hides shorter terms inside ignored phrases', () => {
    expect(words('in order to continue, your order')).toEqual(['order']);
  });

  it('matches terms across flexible whitespace and in scripts without spaces', () => {
    expect(words('log\n in')).toEqual(['log\n in']);
    expect(words('您的验证码为123456')).toEqual(['验证码']);
    expect(words('برمز التحقق')).toEqual(['رمز']);
  });

  it('looks for terms just before or after a position', () => {
    expect(m.endsNear('your code 1234', 10, 2)).toBe(true);
    expect(m.startsNear('1234 code', 4, 2)).toBe(true);
    expect(m.endsNear('code was long ago 1234', 18, 2)).toBe(false);
  });
});
