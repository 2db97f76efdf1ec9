// Hygiene tests for the per-language vocabularies: coverage of every language, notation, lower case, and
// no term that is at once a code word and a label that disqualifies a number.
import { describe, expect, it } from 'vitest';
import {
  AUTH_WORDS,
  allTerms,
  CODE_QUALIFIERS_AFTER,
  CODE_QUALIFIERS_BEFORE,
  CODE_WORDS,
  type Lang,
  MONTH_WORDS,
  NUMBER_LABELS,
  SECRET_WORDS,
  type Vocab,
} from './keywords.js';
import {
  LINK_AVOID_CONTEXT_WORDS,
  LINK_AVOID_WORDS,
  LINK_LOGIN_WORDS,
  LINK_RESET_WORDS,
  LINK_VERIFY_WORDS,
} from './link-words.js';

const REQUIRED: Lang[] = ['en', 'de', 'fr', 'es', 'pt', 'nl', 'it', 'ru', 'zh', 'ja', 'ko', 'tr', 'ar', 'hi'];
const ALL: Record<string, Vocab> = {
  CODE_WORDS,
  SECRET_WORDS,
  AUTH_WORDS,
  CODE_QUALIFIERS_BEFORE,
  CODE_QUALIFIERS_AFTER,
  NUMBER_LABELS,
  MONTH_WORDS,
  LINK_VERIFY_WORDS,
  LINK_LOGIN_WORDS,
  LINK_RESET_WORDS,
  LINK_AVOID_WORDS,
  LINK_AVOID_CONTEXT_WORDS,
};

describe('vocabularies', () => {
  it.each([
    ['CODE_WORDS', CODE_WORDS],
    ['SECRET_WORDS', SECRET_WORDS],
    ['AUTH_WORDS', AUTH_WORDS],
    ['NUMBER_LABELS', NUMBER_LABELS],
    ['LINK_VERIFY_WORDS', LINK_VERIFY_WORDS],
    ['LINK_LOGIN_WORDS', LINK_LOGIN_WORDS],
    ['LINK_RESET_WORDS', LINK_RESET_WORDS],
    ['LINK_AVOID_WORDS', LINK_AVOID_WORDS],
  ])('%s covers every required language', (_name, vocab) => {
    for (const lang of REQUIRED) expect(vocab[lang]?.join('') ?? '', `${lang}`).not.toBe('');
  });

  it.each(Object.entries(ALL))('%s uses the notation and lower case only', (_name, vocab) => {
    for (const term of allTerms(vocab)) {
      expect(term, JSON.stringify(term)).toMatch(/^!?\*?[^!*$\s|][^!*|]*?\$?$/);
      expect(term).toBe(term.toLowerCase());
      expect(term).toBe(term.trim());
    }
  });

  it('never lists one word both as a code word and as a label that disqualifies a number', () => {
    const bare = (t: string): string => t.replace(/[!*$]/g, '');
    const codeWords = new Set([...allTerms(CODE_WORDS), ...allTerms(SECRET_WORDS)].map(bare));
    const overlap = allTerms(NUMBER_LABELS)
      .map(bare)
      .filter((t) => codeWords.has(t));
    expect(overlap).toEqual([]);
  });
});
