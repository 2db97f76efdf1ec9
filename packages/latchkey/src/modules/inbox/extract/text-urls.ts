// Finds URLs, e-mail addresses and bare domains in plain text. The code finder masks them (digits inside a
// link are never a code to type) and the link finder turns URLs into links.

/** A web address, mail address or bare host name found in text; `end` is exclusive. */
export interface UrlSpan {
  start: number;
  end: number;
  kind: 'url' | 'email' | 'domain';
}

const MAX_SPANS = 1000;

/** `http(s)://` or `www.` followed by URL characters. A literal prefix and one greedy class: linear. */
const URL_START = /(?:https?:\/\/|www\.)[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/giu;
/**
 * A host name with at least one dot, a letter TLD and optionally a path, not inside a longer word.
 * Each label is `[alnum][alnum-]{0,62}` followed by a dot, which no other part can consume: no backtracking
 * between labels, so the match is linear.
 */
const DOMAIN =
  /(?<![\p{L}\p{N}@.\-_/])(?:[a-z0-9][a-z0-9-]{0,62}\.){1,8}[a-z]{2,24}(?![\p{L}\p{N}\-_@])(?:[/?#][^\s<>"'`]*)?/giu;
/** Characters that end a URL in prose even though URLs may contain them. */
const TRAILING = /[.,;:!?)\]}'"»”’>*]+$/;

function trimUrlEnd(text: string, start: number, end: number): number {
  const raw = text.slice(start, end);
  let trimmed = raw.replace(TRAILING, '');
  // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style paths).
  if (raw.length > trimmed.length && raw[trimmed.length] === ')' && trimmed.includes('(')) trimmed += ')';
  return start + trimmed.length;
}

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;

/**
 * Every URL, e-mail address and bare domain in `text`, in order and not overlapping. Bare domains need a
 * letter outside the TLD, so "123456.Valid" (a code before a missing space) is not taken for a host.
 */
export function findUrlSpans(text: string): UrlSpan[] {
  const spans: UrlSpan[] = [];
  for (const m of text.matchAll(URL_START)) {
    const end = trimUrlEnd(text, m.index, m.index + m[0].length);
    if (end > m.index + 4) spans.push({ start: m.index, end, kind: 'url' });
    if (spans.length >= MAX_SPANS) return spans;
  }
  const urlSpans = spans.slice();
  // URL spans are in order and `@` positions only grow, so one forward pointer tells whether `@` is inside one.
  let next = 0;
  const inUrl = (pos: number): boolean => {
    while (next < urlSpans.length && (urlSpans[next]?.end ?? 0) <= pos) next++;
    const span = urlSpans[next];
    return span !== undefined && span.start <= pos;
  };
  // E-mail addresses: expand around each `@` over bounded runs of address characters.
  let at = text.indexOf('@');
  let emails = 0;
  while (at >= 0 && emails < MAX_SPANS) {
    let s = at;
    while (s > 0 && at - s < 64 && EMAIL_LOCAL.test(text[s - 1] ?? '')) s--;
    let e = at + 1;
    while (e < text.length && e - at < 254 && EMAIL_DOMAIN.test(text[e] ?? '')) e++;
    while (e > at + 1 && (text[e - 1] === '.' || text[e - 1] === '-')) e--;
    if (s < at && text.slice(at + 1, e).includes('.') && !inUrl(at)) {
      spans.push({ start: s, end: e, kind: 'email' });
      emails++;
    }
    at = text.indexOf('@', Math.max(e, at + 1));
  }
  const taken = spans.slice().sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const m of text.matchAll(DOMAIN)) {
    const end = trimUrlEnd(text, m.index, m.index + m[0].length);
    const host = m[0].split(/[/?#]/, 1)[0] ?? '';
    const labels = host.split('.');
    labels.pop();
    if (!labels.some((l) => /[a-z]/i.test(l))) continue;
    // Domain matches come in order too: skip those overlapping a URL or address already taken.
    while (cursor < taken.length && (taken[cursor]?.end ?? 0) <= m.index) cursor++;
    const over = taken[cursor];
    if (over !== undefined && over.start < end) continue;
    spans.push({ start: m.index, end, kind: 'domain' });
    if (spans.length >= MAX_SPANS) break;
  }
  return spans.sort((a, b) => a.start - b.start);
}
