// Entry point of the extractor: turns one received email or SMS into the readable text, the verification
// codes and the links an agent needs to finish a sign-up or login. Pure: no I/O, no state between calls.
import { rankCodes, type ScoredCode, scoreCodes } from './codes.js';
import { type HtmlAnchor, htmlToText, type TextRange } from './html-to-text.js';
import { contextAround, type LinkSource, linksInText, normaliseHref, rankLinks } from './links.js';
import { cleanInvisible } from './normalize.js';
import { parseOriginBound } from './origin.js';
import { looksForwarded, quoteCut, stripQuotedText } from './quotes.js';
import type { ExtractInput, Extraction } from './types.js';

export type { ExtractedCode, ExtractedLink, ExtractInput, Extraction, LinkKind } from './types.js';

/** Only the start of a plain-text body is read; verification messages are short, hostile ones are not. */
const MAX_TEXT_CHARS = 128 * 1024;
const MAX_SUBJECT_CHARS = 2048;

/** A string field of the input, or '' when it is missing or not a string (callers may be untyped JS). */
function field(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  return value.length > max ? value.slice(0, max) : value;
}

interface Body {
  text: string;
  anchors: HtmlAnchor[];
  emphasis: TextRange[];
}

/** Renders the HTML part without quotes; renders it again with them when the mail is a forward. */
function renderHtml(html: string, subject: string): Body {
  let rendering = htmlToText(html, false);
  if (
    rendering.quoteHead !== '' &&
    (looksForwarded(subject, rendering.quoteHead) || rendering.text.trim().length < 20)
  ) {
    rendering = htmlToText(html, true);
  }
  // Plain-text attributions ("On … wrote:") can also appear in HTML without client markup: cut the tail.
  const cut = quoteCut(rendering.text, subject);
  const text = rendering.text.slice(0, cut).trimEnd();
  return {
    text,
    anchors: rendering.anchors.filter((a) => a.start < text.length),
    emphasis: rendering.emphasis.filter((r) => r.end <= text.length),
  };
}

function linkSources(body: Body, plain: string, bodyIsHtml: boolean): Array<LinkSource & { position: number }> {
  const sources: Array<LinkSource & { position: number }> = [];
  for (const a of body.anchors) {
    const url = normaliseHref(a.href);
    if (url === undefined) continue;
    sources.push({ url, label: a.label, ...contextAround(body.text, a.start, a.end), position: a.start });
  }
  const inAnchor = (pos: number): boolean => body.anchors.some((a) => pos >= a.start && pos < a.end);
  const seen = new Set(sources.map((s) => s.url));
  for (const link of linksInText(body.text)) {
    if (bodyIsHtml && inAnchor(link.position)) continue;
    sources.push(link);
    seen.add(link.url);
  }
  if (bodyIsHtml && plain !== '') {
    // The text alternative may show a link the HTML only has behind a button; it ranks after the HTML's.
    for (const link of linksInText(plain)) {
      if (!seen.has(link.url)) sources.push({ ...link, position: Number.MAX_SAFE_INTEGER });
    }
  }
  return sources.sort((a, b) => a.position - b.position);
}

function extract(input: ExtractInput): Extraction {
  const channel = input.channel === 'sms' ? 'sms' : 'email';
  const subject = cleanInvisible(field(input.subject, MAX_SUBJECT_CHARS)).replace(/\s+/g, ' ').trim();
  const html = field(input.html, Number.MAX_SAFE_INTEGER);
  const rawText = field(input.text, MAX_TEXT_CHARS);
  const plain = rawText.trim() === '' ? '' : stripQuotedText(cleanInvisible(rawText), subject).trim();

  let body: Body = { text: '', anchors: [], emphasis: [] };
  if (html.trim() !== '') body = renderHtml(html, subject);
  const bodyIsHtml = body.text.trim() !== '';
  if (!bodyIsHtml) body = { text: plain, anchors: [], emphasis: [] };

  const prefix = subject === '' ? '' : `${subject}\n\n\n`;
  const scored: ScoredCode[] = scoreCodes({
    text: prefix + body.text,
    bodyStart: prefix.length,
    emphasis: body.emphasis.map((r) => ({ start: r.start + prefix.length, end: r.end + prefix.length })),
    channel,
  });
  if (bodyIsHtml && plain !== '') scored.push(...scoreCodes({ text: plain, bodyStart: 0, emphasis: [], channel }));

  const origin = parseOriginBound(plain !== '' ? plain : body.text);
  const codes = rankCodes(scored, origin);
  const links = rankLinks(linkSources(body, plain, bodyIsHtml));
  const extraction: Extraction = { extractedText: body.text, codes, links };
  if (origin !== undefined) extraction.origin = origin;
  return extraction;
}

/**
 * Extracts the readable text, verification codes (best first) and classified links (best first) from one
 * message. Never throws: on any internal failure it returns the plain text and no codes or links.
 * Bounded work on any input (see README.md for the limits and the invariants).
 */
export function extractMessage(input: ExtractInput): Extraction {
  // Callers in plain JavaScript (or a bad row) may hand over anything; a non-object is an empty message.
  if (typeof input !== 'object' || input === null) return { extractedText: '', codes: [], links: [] };
  try {
    return extract(input);
  } catch {
    // Defence in depth: every stage is written not to throw, but a hostile message must never break the
    // inbox. Nothing about the input is logged here, since it may hold a code.
    try {
      return { extractedText: field(input?.text, MAX_TEXT_CHARS), codes: [], links: [] };
    } catch {
      return { extractedText: '', codes: [], links: [] };
    }
  }
}
