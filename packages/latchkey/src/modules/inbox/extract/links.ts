// Classifies the links of a message (from `<a href>` and from plain text) as verify, login, reset or other,
// and orders them best first.
import {
  LINK_AVOID_CONTEXT_WORDS,
  LINK_AVOID_WORDS,
  LINK_LOGIN_WORDS,
  LINK_RESET_WORDS,
  LINK_VERIFY_WORDS,
} from './link-words.js';
import { lowerSameLength } from './normalize.js';
import { TermMatcher } from './terms.js';
import { findUrlSpans } from './text-urls.js';
import type { ExtractedLink, LinkKind } from './types.js';

/** A link and the words around it, before classification. */
export interface LinkSource {
  url: string;
  /** Anchor text (with image alt text); empty for a URL written in plain text. */
  label: string;
  /** Text just before and just after the link in the rendered message. */
  before: string;
  after: string;
}

const MAX_LINKS = 50;
const MAX_URL = 8192;

const VERIFY = new TermMatcher(LINK_VERIFY_WORDS);
const LOGIN = new TermMatcher(LINK_LOGIN_WORDS);
const RESET = new TermMatcher(LINK_RESET_WORDS);
const AVOID = new TermMatcher(LINK_AVOID_WORDS);
const AVOID_CONTEXT = new TermMatcher(LINK_AVOID_CONTEXT_WORDS);

/** Hosts whose links are never the sign-up step: social networks and app stores. */
const SOCIAL_HOST =
  /(?:^|\.)(?:facebook\.com|fb\.com|twitter\.com|x\.com|linkedin\.com|instagram\.com|youtube\.com|tiktok\.com|pinterest\.com|t\.me|wa\.me|discord\.gg|apps\.apple\.com|play\.google\.com|github\.com\/sponsors)$/;
const IMAGE_PATH = /\.(?:png|jpe?g|gif|webp|svg|ico|bmp)(?:$|[?#])/i;

/** The URL as it should be reported, or undefined when it is not a web link (mailto:, javascript:, #…). */
export function normaliseHref(href: string): string | undefined {
  const url = href.trim();
  if (url === '' || url.length > MAX_URL) return undefined;
  if (/^https?:\/\/[^\s/?#]/i.test(url)) return url;
  return undefined;
}

/** Links written in plain text: URLs with a scheme, `www.` hosts, and bare hosts with a path. */
export function linksInText(text: string): Array<LinkSource & { position: number }> {
  const out: Array<LinkSource & { position: number }> = [];
  for (const span of findUrlSpans(text)) {
    if (span.kind === 'email') continue;
    const url = text.slice(span.start, span.end);
    if (span.kind === 'domain' && !/[/?#]./.test(url)) continue;
    if (url.length > MAX_URL) continue;
    out.push({ url, label: '', ...contextAround(text, span.start, span.end), position: span.start });
    if (out.length >= MAX_LINKS * 2) break;
  }
  return out;
}

/** The words a reader sees before and after a link: up to a paragraph back, to the end of its paragraph. */
export function contextAround(text: string, start: number, end: number): { before: string; after: string } {
  // Windows of fixed size, so the cost does not depend on the length of the message.
  const windowStart = Math.max(0, start - 200);
  const window = text.slice(windowStart, start);
  let from = 0;
  const para = window.lastIndexOf('\n\n');
  if (para >= 0) {
    // The sentence introducing a link often sits in the paragraph above it ("click the link below").
    from = Math.max(0, window.lastIndexOf('\n\n', para - 1));
  }
  const tail = text.slice(end, end + 100);
  const nextPara = tail.indexOf('\n\n');
  return { before: window.slice(from), after: nextPara < 0 ? tail : tail.slice(0, nextPara) };
}

interface UrlParts {
  host: string;
  words: string;
  hasToken: boolean;
}

/** Splits a URL into its host, the readable words of its path and query, and whether it carries a token. */
function analyseUrl(url: string): UrlParts {
  const noScheme = url.replace(/^[a-z][a-z0-9+.-]{0,20}:\/\//i, '');
  const cut = noScheme.search(/[/?#]/);
  const host = (cut < 0 ? noScheme : noScheme.slice(0, cut)).toLowerCase().replace(/:\d+$/, '');
  const rest = cut < 0 ? '' : noScheme.slice(cut, cut + 2048);
  const words: string[] = [];
  let hasToken = false;
  for (const raw of rest.split(/[/?#&=;]/).slice(0, 64)) {
    let seg = raw;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      // A malformed escape stays as written.
    }
    // A token is a run of letters and digits unique to this message (a signed id, a JWT, a code). Words
    // joined by dots or underscores ("action_activate_two_factor") are a route, however long.
    if (seg.length >= 6 && /\d/.test(seg) && !/\s/.test(seg)) hasToken = true;
    if (
      seg.length >= 20 &&
      /[a-z]/.test(seg) &&
      /[A-Z]/.test(seg) &&
      /^[A-Za-z_-]+$/.test(seg) &&
      !/[a-z]{12}/.test(seg)
    ) {
      hasToken = true;
    }
    for (const piece of seg.split(/[-_.\s+]/)) {
      // Readable words only: "verifyEmail" → "verify email"; random tokens and numbers are not words.
      if (/^[a-z]{2,30}$/.test(piece) || /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/.test(piece)) {
        words.push(piece.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
      } else if (/^[\p{L}]{2,30}$/u.test(piece)) {
        words.push(piece.toLowerCase());
      }
    }
  }
  return { host, words: words.join(' '), hasToken };
}

function count(matcher: TermMatcher, lower: string): number {
  return lower === '' ? 0 : Math.min(2, matcher.find(lower).length);
}

interface Classified extends ExtractedLink {
  score: number;
  order: number;
}

function classify(source: LinkSource, order: number): Classified {
  const url = source.url;
  const parts = analyseUrl(url);
  const labelIsUrl = /^(?:https?:\/\/|www\.)/i.test(source.label.trim()) || source.label.trim() === url;
  const label = labelIsUrl ? '' : lowerSameLength(source.label.slice(0, 300));
  // The sentence right before a link says what it does; text further back only hints.
  const before = lowerSameLength(source.before);
  const near = before.slice(-140);
  const after = lowerSameLength(source.after.slice(0, 100));
  const other = { url, kind: 'other' as LinkKind, score: 0, order };
  if (SOCIAL_HOST.test(parts.host) || IMAGE_PATH.test(url)) return other;

  const kinds: Array<[LinkKind, TermMatcher]> = [
    ['verify', VERIFY],
    ['reset', RESET],
    ['login', LOGIN],
  ];
  let bestKind: LinkKind = 'other';
  let best = 0;
  let labelOrUrl = 0;
  for (const [kind, matcher] of kinds) {
    const direct = 3 * count(matcher, label) + 2 * count(matcher, parts.words);
    const s = direct + 1.2 * count(matcher, near) + 0.4 * count(matcher, before) + 0.6 * count(matcher, after);
    if (s > best) {
      best = s;
      bestKind = kind;
      labelOrUrl = direct;
    }
  }
  const avoidDirect = 3 * count(AVOID, label) + 2 * count(AVOID, parts.words);
  if (avoidDirect > 0 && avoidDirect >= labelOrUrl) return other;
  if (labelOrUrl === 0 && count(AVOID_CONTEXT, near.slice(-110)) > 0) return other;
  // An action link carries something unique to this message (a token, a code); a bare page link such as
  // https://example.com/login is navigation, not the step that completes a sign-up.
  if (best < 1.2 || !parts.hasToken) return { ...other, score: best };
  return { url, kind: bestKind, score: best + (labelOrUrl > 0 ? 1 : 0), order };
}

/**
 * Classifies and orders links: verify/login/reset links first (strongest evidence first, then document
 * order), then the rest in document order. Duplicate URLs are reported once, with their best kind.
 */
export function rankLinks(sources: LinkSource[]): ExtractedLink[] {
  const byUrl = new Map<string, Classified>();
  sources.forEach((source, i) => {
    const c = classify(source, i);
    const seen = byUrl.get(c.url);
    if (seen === undefined) byUrl.set(c.url, c);
    else if ((c.kind !== 'other' && seen.kind === 'other') || (c.kind !== 'other' && c.score > seen.score)) {
      byUrl.set(c.url, { ...c, order: Math.min(c.order, seen.order) });
    }
  });
  const all = [...byUrl.values()];
  const actions = all.filter((l) => l.kind !== 'other').sort((a, b) => b.score - a.score || a.order - b.order);
  const rest = all.filter((l) => l.kind === 'other').sort((a, b) => a.order - b.order);
  return [...actions, ...rest].slice(0, MAX_LINKS).map(({ url, kind }) => ({ url, kind }));
}
