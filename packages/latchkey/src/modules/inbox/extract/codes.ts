// Scores code-shaped strings by their context (keywords near them, labels that make them something else,
// layout) and returns the verification codes of a message, best first.
import { type CodeFormat, findRawCandidates, type RawCandidate } from './code-candidates.js';
import type { TextRange } from './html-to-text.js';
import {
  AUTH_WORDS,
  CODE_QUALIFIERS_AFTER,
  CODE_QUALIFIERS_BEFORE,
  CODE_WORDS,
  MONTH_WORDS,
  NUMBER_LABELS,
  SECRET_WORDS,
} from './keywords.js';
import { foldDigits, lowerSameLength } from './normalize.js';
import { type TermHit, TermMatcher } from './terms.js';
import type { ExtractedCode } from './types.js';

/** One text to search: the subject and body joined, with the body's offset and its emphasised runs. */
export interface CodeDoc {
  text: string;
  /** Offset of the body in `text`; 0 when there is no subject. */
  bodyStart: number;
  emphasis: readonly TextRange[];
  channel: 'email' | 'sms';
}

/** A scored occurrence; occurrences of the same value are merged by `rankCodes`. */
export interface ScoredCode {
  value: string;
  display: string;
  confidence: number;
  start: number;
  inSubject: boolean;
}

/** Codes below this confidence are not reported: the message is treated as carrying no code. */
const CODE_THRESHOLD = 0.5;
const MAX_CODES = 5;

const CODE = new TermMatcher(CODE_WORDS);
const SECRET = new TermMatcher(SECRET_WORDS);
const AUTH = new TermMatcher(AUTH_WORDS);
const QUALIFIER_BEFORE = new TermMatcher(CODE_QUALIFIERS_BEFORE);
const QUALIFIER_AFTER = new TermMatcher(CODE_QUALIFIERS_AFTER);
const LABEL = new TermMatcher(NUMBER_LABELS);
const MONTH = new TermMatcher(MONTH_WORDS);

/** Prior belief from the shape alone: six digits is the most common code; letters mixed in are rarer. */
const PRIOR: Record<CodeFormat, number> = {
  digits: 0.22,
  grouped: 0.3,
  spaced: 0.25,
  prefixed: 0.38,
  alnum: 0.12,
  'alnum-lower': 0.05,
};

function digitPrior(length: number): number {
  if (length === 6) return 0.3;
  if (length === 8) return 0.24;
  return 0.22;
}

/** Symbols and words of money and measures around a number. */
const CURRENCY_BEFORE =
  /(?:[$€£¥₹₽₩₺₫₪฿₱₦﷼]|\b(?:rs|usd|eur|gbp|inr|rub|jpy|cny|rmb|krw|sar|aed|egp|brl|mxn|chf|cad|aud|r\$|us\$))\.?\s?$/i;
const UNIT_AFTER =
  /^\s?(?:%|‰|[€$£¥₹₽₩₺₫₪฿₱₦]|円|元|원|年|년|°|руб|р\.|грн|tl\b|usd|eur|gbp|inr|jpy|cny|rmb|krw|sar|aed|egp|brl|mxn|chf|px\b|pt\b|em\b|kb\b|mb\b|gb\b|kg\b|km\b|ms\b|dollars?\b|euros?\b|rupees?\b|yuan\b|yen\b|lira\b|reais\b|pesos?\b|zł|kč|ft\b|kr\b|ريال|درهم|جنيه|रुपये)/i;
/** What may stand between a code word and its code: "is", a colon, quotes, brackets ("code is: «123456»"). */
const ANCHOR_FILLER =
  /^[\s:：=\-–—"'“”‘’«»「」『』【】[\]()（）<>*]{0,6}(?:is|are|est|ist|lautet|es|é|è|è il|was|是|为|為|は|는|은|이|:|ist:|is:)?[\s:：=\-–—"'“”‘’«»「」『』【】[\]()（）<>*]{0,6}$/i;

/** Effective distance: a line break counts as several characters, so a keyword on another line is weaker. */
function effectivePositions(text: string): Int32Array {
  const eff = new Int32Array(text.length + 1);
  let e = 0;
  for (let i = 0; i < text.length; i++) {
    eff[i] = e;
    e += text.charCodeAt(i) === 10 ? 6 : 1;
  }
  eff[text.length] = e;
  return eff;
}

interface Context {
  text: string;
  lower: string;
  eff: Int32Array;
  code: TermHit[];
  secret: TermHit[];
  auth: TermHit[];
  labels: TermHit[];
  months: TermHit[];
  candidates: RawCandidate[];
  anyKeyword: boolean;
  bodyStart: number;
  emphasis: readonly TextRange[];
  bodyTrimmed: string;
  sms: boolean;
}

function distance(ctx: Context, hit: TermHit, c: RawCandidate): { d: number; after: boolean } {
  if (hit.end <= c.start) return { d: (ctx.eff[c.start] ?? 0) - (ctx.eff[hit.end] ?? 0), after: false };
  if (hit.start >= c.end) return { d: (ctx.eff[hit.start] ?? 0) - (ctx.eff[c.end] ?? 0), after: true };
  return { d: 0, after: false };
}

function proximity(d: number, reach: number): number {
  return d <= 4 ? 1 : Math.max(0, 1 - (d - 4) / reach);
}

/** True when another candidate sits between the hit and this one: the hit belongs to that one first. */
function blocked(ctx: Context, hit: TermHit, c: RawCandidate): boolean {
  const lo = Math.min(hit.end, c.end);
  const hi = Math.max(hit.start, c.start);
  return ctx.candidates.some((o) => o !== c && o.start >= lo && o.end <= hi);
}

/** Hits within `reach` characters of the candidate, found by binary search over the sorted hits. */
function nearby(hits: TermHit[], c: RawCandidate, reach: number): TermHit[] {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hits[mid]?.end ?? 0) < c.start - reach) lo = mid + 1;
    else hi = mid;
  }
  const out: TermHit[] = [];
  for (let i = lo; i < hits.length && out.length < 16; i++) {
    const h = hits[i] as TermHit; // i < hits.length
    if (h.start > c.end + reach) break;
    out.push(h);
  }
  return out;
}

function keywordScore(ctx: Context, c: RawCandidate): { score: number; nearest: number; anchored: boolean } {
  let score = 0;
  let nearest = Number.POSITIVE_INFINITY;
  let anchored = false;
  for (const [hits, weight] of [
    [ctx.code, 0.5],
    [ctx.secret, 0.4],
  ] as const) {
    for (const hit of nearby(hits, c, 200)) {
      const { d, after } = distance(ctx, hit, c);
      nearest = Math.min(nearest, d);
      const s = weight * proximity(d, 90) * (after ? 0.85 : 1) * (blocked(ctx, hit, c) ? 0.4 : 1);
      score = Math.max(score, s);
      if (!after && c.start - hit.end <= 24 && ANCHOR_FILLER.test(ctx.text.slice(hit.end, c.start))) anchored = true;
    }
  }
  return { score, nearest, anchored };
}

function labelPenalty(ctx: Context, c: RawCandidate): number {
  let penalty = 0;
  for (const hit of nearby(ctx.labels, c, 40)) {
    if (hit.end > c.start) continue;
    const d = (ctx.eff[c.start] ?? 0) - (ctx.eff[hit.end] ?? 0);
    if (d > 36 || blocked(ctx, hit, c)) continue;
    // A code word between the label and the number re-labels it ("Account ID … your code 123456").
    const between = (k: TermHit): boolean => k.start >= hit.end && k.end <= c.start;
    if (nearby(ctx.code, c, 40).some(between) || nearby(ctx.secret, c, 40).some(between)) continue;
    penalty = Math.max(penalty, 0.6 * (d <= 3 ? 1 : Math.max(0, 1 - (d - 3) / 36)));
  }
  return penalty;
}

function isEmphasised(ctx: Context, c: RawCandidate): boolean {
  return ctx.emphasis.some((r) => {
    if (r.start > c.start || r.end < c.end) return false;
    const inner = ctx.text.slice(r.start, r.end).trim();
    return inner.length <= c.end - c.start + 6;
  });
}

function ownLine(ctx: Context, c: RawCandidate): boolean {
  // Only a few characters either side are read, so the check costs the same on a 100 KiB line.
  const left = ctx.text.slice(Math.max(0, c.start - 16), c.start);
  const right = ctx.text.slice(c.end, c.end + 16);
  const nl = left.lastIndexOf('\n');
  if (nl < 0 && c.start > 16) return false;
  const rightEnd = right.indexOf('\n');
  if (rightEnd < 0 && c.end + 16 < ctx.text.length) return false;
  const rest = left.slice(nl + 1) + right.slice(0, rightEnd < 0 ? right.length : rightEnd);
  return /^[\s.:：()（）[\]【】「」"'“”«»*#-]*$/.test(rest);
}

/**
 * For a code on a line of its own: the strongest code word in the line just above it (blank lines
 * skipped), which is how mails introduce a code ("Your sign-in code is listed below. …\n\nN7K-2QX").
 */
function introducedBy(ctx: Context, c: RawCandidate): number {
  // Read at most 400 characters back: the blank lines, then one line of at most 300 characters.
  const windowStart = Math.max(0, c.start - 400);
  const before = ctx.text.slice(windowStart, c.start);
  let end = before.lastIndexOf('\n');
  while (end > 0 && before[end - 1] === '\n') end--;
  if (end <= 0) return 0;
  const lineStart = before.lastIndexOf('\n', end - 1) + 1;
  if (lineStart === 0 && windowStart > 0) return 0;
  if (end - lineStart > 300) return 0;
  const start = windowStart + lineStart;
  const stop = windowStart + end;
  const inLine = (hits: TermHit[]): boolean =>
    nearby(hits, { start, end: stop, value: '', format: 'digits' }, 0).some((h) => h.start >= start && h.end <= stop);
  if (inLine(ctx.code)) return 0.5 * 0.85;
  if (inLine(ctx.secret)) return 0.4 * 0.85;
  return 0;
}

function scoreCandidate(ctx: Context, c: RawCandidate): number {
  let s = c.format === 'digits' ? digitPrior(c.value.length) : PRIOR[c.format];
  const kw = keywordScore(ctx, c);
  const onOwnLine = ownLine(ctx, c);
  if (onOwnLine) kw.score = Math.max(kw.score, introducedBy(ctx, c));
  const emphasised = isEmphasised(ctx, c);
  const alone = onOwnLine || emphasised;
  // Letters mixed in make a code-shaped string far more likely to be a model number or an id, so such a
  // candidate needs a code word close by: in the same phrase, or introducing it when it stands on its own
  // line ("Your sign-in code is listed below …\n\nN7K-2QX").
  if (c.format === 'alnum' && kw.nearest > (alone ? 150 : 40)) return 0;
  if (c.format === 'alnum-lower' && !kw.anchored) return 0;
  // A letters-and-digits "code" in a message without a single word of sign-in, verification, security or
  // password is a voucher ("save 20% with code SUMMER25"). Digits-only codes do not need this: SMS like
  // "Telegram code 65847" say nothing else.
  const authContext = ctx.auth.length > 0 || ctx.secret.length > 0;
  if ((c.format === 'alnum' || c.format === 'alnum-lower') && !authContext) return 0;
  s += kw.score;
  if (kw.anchored) s += 0.1;
  let auth = 0;
  for (const hit of nearby(ctx.auth, c, 150)) {
    const { d, after } = distance(ctx, hit, c);
    auth = Math.max(auth, proximity(d, 120) * (after ? 0.85 : 1) * (blocked(ctx, hit, c) ? 0.5 : 1));
  }
  s += 0.25 * auth;
  if (ctx.anyKeyword) s += 0.05;
  const themed = ctx.anyKeyword || ctx.auth.length > 0;
  if (themed && onOwnLine) s += 0.12;
  if (emphasised) s += themed ? 0.15 : 0.08;
  if (c.start < ctx.bodyStart) s += 0.05;
  // Short SMS often lead with the code and say little else ("512665 (NetEase Verification Code)").
  if (ctx.sms && ctx.candidates.length === 1 && c.start - ctx.bodyStart <= 3 && ctx.bodyTrimmed.length <= 200) {
    s += 0.12;
  }

  const before = ctx.text.slice(Math.max(0, c.start - 6), c.start);
  const prev = before.slice(-1);
  const after = ctx.text.slice(c.end, c.end + 12);
  if (prev === '+') s -= 0.6;
  if (prev === '#' || prev === '№') s -= kw.anchored ? 0.1 : 0.3;
  if (CURRENCY_BEFORE.test(before) || UNIT_AFTER.test(after)) s -= 0.7;
  // A dangling joiner ("388-941-") means the number goes on: a fragment of something longer.
  if (/^[-/]/.test(after) && !/^-[A-Za-z]/.test(after)) s -= 0.4;
  if (prev === '-' && /\d/.test(before.slice(-2, -1))) s -= 0.4;
  s -= labelPenalty(ctx, c);
  if (/^(?:19|20)\d\d$/.test(c.value) && c.format === 'digits') {
    const nearMonth = nearby(ctx.months, c, 14).some((h) => distance(ctx, h, c).d <= 12);
    s -= nearMonth ? 0.5 : kw.anchored ? 0.05 : 0.2;
  }
  // A message that is nothing but the code ("2715", "G-830829") is the code.
  if (ctx.bodyTrimmed.length <= c.end - c.start + 4 && c.start >= ctx.bodyStart) {
    const rest = ctx.bodyTrimmed.replace(ctx.text.slice(c.start, c.end), '');
    if (/^[\s.:()[\]【】"']*$/.test(rest)) s = Math.max(s, 0.8);
  }
  return Math.min(0.99, Math.max(0, s));
}

/** Code words qualified as something else ("promo code", "código postal") become labels instead. */
function splitQualified(lower: string, hits: TermHit[], labels: TermHit[]): TermHit[] {
  const kept: TermHit[] = [];
  for (const hit of hits) {
    if (QUALIFIER_BEFORE.endsNear(lower, hit.start) || QUALIFIER_AFTER.startsNear(lower, hit.end)) labels.push(hit);
    else kept.push(hit);
  }
  return kept;
}

/** Scores every code-shaped string of the document; returns those at or above the threshold, unmerged. */
export function scoreCodes(doc: CodeDoc): ScoredCode[] {
  const folded = foldDigits(doc.text);
  const candidates = findRawCandidates(folded);
  if (candidates.length === 0) return [];
  const lower = lowerSameLength(folded);
  const labels = LABEL.find(lower);
  const code = splitQualified(lower, CODE.find(lower), labels);
  labels.sort((a, b) => a.start - b.start);
  const secret = SECRET.find(lower);
  const ctx: Context = {
    text: folded,
    lower,
    eff: effectivePositions(folded),
    code,
    secret,
    auth: AUTH.find(lower),
    labels,
    months: MONTH.find(lower),
    candidates,
    anyKeyword: code.length > 0 || secret.length > 0,
    bodyStart: doc.bodyStart,
    emphasis: doc.emphasis,
    bodyTrimmed: folded.slice(doc.bodyStart).trim(),
    sms: doc.channel === 'sms',
  };
  const out: ScoredCode[] = [];
  for (const c of candidates) {
    const confidence = scoreCandidate(ctx, c);
    if (confidence < CODE_THRESHOLD) continue;
    out.push({
      value: c.value,
      display: doc.text.slice(c.start, c.end),
      confidence,
      start: c.start,
      inSubject: c.start < doc.bodyStart,
    });
  }
  return out;
}

/**
 * Merges occurrences of the same value (repeats and a subject/body match strengthen it) and orders the
 * result best first; ties go to the earlier occurrence. `origin` (a WICG line) always ranks first.
 */
export function rankCodes(scored: ScoredCode[], origin?: { code: string }): ExtractedCode[] {
  const byValue = new Map<string, { best: ScoredCode; count: number; subject: boolean; body: boolean }>();
  for (const s of scored) {
    const entry = byValue.get(s.value);
    if (entry === undefined) {
      byValue.set(s.value, { best: s, count: 1, subject: s.inSubject, body: !s.inSubject });
      continue;
    }
    entry.count++;
    entry.subject ||= s.inSubject;
    entry.body ||= !s.inSubject;
    if (s.confidence > entry.best.confidence || (s.confidence === entry.best.confidence && !s.inSubject)) {
      entry.best = s;
    }
  }
  const merged = [...byValue.values()].map(({ best, count, subject, body }) => ({
    value: best.value,
    display: best.display,
    start: best.start,
    confidence: Math.min(0.99, best.confidence + 0.04 * Math.min(2, count - 1) + (subject && body ? 0.05 : 0)),
  }));
  if (origin !== undefined) {
    const value = foldDigits(origin.code).replace(/[\s-]/g, '');
    const found = merged.find((m) => m.value === value);
    if (found) found.confidence = 0.99;
    else merged.push({ value, display: origin.code, start: -1, confidence: 0.99 });
  }
  merged.sort((a, b) => b.confidence - a.confidence || a.start - b.start);
  return merged
    .slice(0, MAX_CODES)
    .map(({ value, display, confidence }) => ({ value, display, confidence: Math.round(confidence * 100) / 100 }));
}
