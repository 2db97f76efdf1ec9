// Compiles a vocabulary (see keywords.ts for the notation) into one linear-time matcher per category.
import { allTerms, type Vocab } from './keywords.js';

/** Where a term occurs in the lower-cased text. */
export interface TermHit {
  start: number;
  end: number;
}

/** Scripts written with spaces between words: their terms must start a word unless marked `*`. */
const SPACED_SCRIPT =
  /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Devanagari}0-9]/u;
const WORD_PART = /[\p{L}\p{N}\p{M}]/u;
/** Cap on hits per search, so a text stuffed with keywords costs no more than a normal one. */
const MAX_HITS = 2000;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

interface TermRule {
  ignored: boolean;
  wordStart: boolean;
  wordEnd: boolean;
}

function isWordPart(ch: string | undefined): boolean {
  return ch !== undefined && WORD_PART.test(ch);
}

/**
 * Finds the terms of one vocabulary in lower-cased text. The pattern is a plain alternation of literals
 * (a space inside a term matches one to three whitespace characters): nothing is nested, so matching is
 * linear in the text for a fixed vocabulary, and it compiles fast because word boundaries are checked in
 * code rather than with a Unicode look-around per term. Longer terms are tried first, so "verification
 * code" wins over "code" at the same place.
 */
export class TermMatcher {
  private readonly re: RegExp;
  private readonly rules = new Map<string, TermRule>();

  constructor(vocab: Vocab) {
    for (const raw of allTerms(vocab)) {
      let body = raw;
      const ignored = body.startsWith('!');
      if (ignored) body = body.slice(1);
      const compound = body.startsWith('*');
      if (compound) body = body.slice(1);
      const wordEnd = body.endsWith('$');
      if (wordEnd) body = body.slice(0, -1);
      if (body === '') continue;
      this.rules.set(body, { ignored, wordStart: !compound && SPACED_SCRIPT.test(body), wordEnd });
    }
    const alternatives = [...this.rules.keys()]
      .sort((a, b) => b.length - a.length)
      .map((t) => t.split(' ').map(escapeRegex).join('\\s{1,3}'));
    this.re = new RegExp(alternatives.join('|'), 'g');
  }

  /** Non-overlapping hits, left to right, within `[from, to)`. */
  find(lower: string, from = 0, to = lower.length): TermHit[] {
    const hits: TermHit[] = [];
    // The search runs on a prefix ending at `to`, so a window costs its own length, not the rest of the text.
    // (V8 slices without copying.) `lastIndex` is set before every use, so no state leaks between calls.
    const text = to < lower.length ? lower.slice(0, to) : lower;
    const re = this.re;
    re.lastIndex = from;
    while (hits.length < MAX_HITS) {
      const m = re.exec(text);
      if (m === null) break;
      const end = m.index + m[0].length;
      const rule = this.rules.get(m[0].replace(/\s+/g, ' '));
      const startOk = !rule?.wordStart || m.index === 0 || !isWordPart(lower[m.index - 1]);
      const endOk = !rule?.wordEnd || !isWordPart(lower[end]);
      if (rule === undefined || !startOk || !endOk) {
        // Not a word here: look again from the next character (each position is retried at most once).
        re.lastIndex = m.index + 1;
        continue;
      }
      re.lastIndex = end;
      if (!rule.ignored) hits.push({ start: m.index, end });
    }
    return hits;
  }

  /** True when a term ends at most `slack` characters before `pos` (only spaces, hyphens or quotes between). */
  endsNear(lower: string, pos: number, slack = 2, span = 28): boolean {
    for (const hit of this.find(lower, Math.max(0, pos - span), pos)) {
      if (pos - hit.end <= slack && /^[\s\-'"]*$/.test(lower.slice(hit.end, pos))) return true;
    }
    return false;
  }

  /** True when a term starts at most `slack` characters after `pos` (only spaces, hyphens or quotes between). */
  startsNear(lower: string, pos: number, slack = 2, span = 28): boolean {
    const first = this.find(lower, pos, Math.min(lower.length, pos + span))[0];
    return first !== undefined && first.start - pos <= slack && /^[\s\-'"]*$/.test(lower.slice(pos, first.start));
  }
}
