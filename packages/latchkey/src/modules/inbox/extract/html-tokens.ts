// A linear-time HTML event source: htmlparser2's tokenizer under a bounded element stack.
//
// htmlparser2's `Parser` keeps its open-element stack with `Array.unshift` and closes tags with `indexOf`,
// which is quadratic in nesting depth: 170,000 nested `<div>`s take seconds. Mail is attacker-controlled,
// so this walker drives the (linear) tokenizer itself, caps the stack depth and looks only a bounded
// distance down the stack for a matching end tag. Unmatched end tags are ignored, as browsers mostly do.
import { type QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** What a consumer of the walk receives, in document order. */
export interface HtmlEvents {
  /** An element opened; `attrs` has lower-cased names and decoded values. */
  open(name: string, attrs: Readonly<Record<string, string>>): void;
  /** The element most recently opened (and not yet closed) closed. Every `open` gets exactly one `close`. */
  close(name: string): void;
  /** Decoded character data. Inside `<script>`/`<style>` this is raw source. */
  text(data: string): void;
}

/** Elements that never have children. */
const VOID = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

const P_ONLY = new Set(['p']);
/** Opening the key closes an open element of one of these names first (the HTML "implied end tag" rules). */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th', 'td'])],
  ['td', new Set(['th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div', 'table', 'ul', 'ol', 'pre', 'blockquote', 'section', 'hr'].map(
    (name) => [name, P_ONLY] as const,
  ),
]);

/** Deeper elements are treated as part of their ancestor; keeps per-element work bounded. */
const MAX_DEPTH = 256;
/** How far down the stack an end tag may look for its element. */
const MAX_CLOSE_SEARCH = 48;
const MAX_ATTRS = 64;
const MAX_ATTR_VALUE = 16 * 1024;

function codePointString(cp: number): string {
  // The tokenizer's entity decoder already maps invalid references to U+FFFD; this guards the rest.
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/**
 * Walks `html` once, calling `events` for each element and run of text. Runs in time linear in the input
 * for any input; never throws on malformed markup.
 */
export function walkHtml(html: string, events: HtmlEvents): void {
  const stack: string[] = [];
  let tagName = '';
  let attrs: Record<string, string> = {};
  let attrCount = 0;
  let attrName = '';
  let attrValue = '';

  const closeTop = (): void => {
    const name = stack.pop();
    if (name !== undefined) events.close(name);
  };

  const openTag = (selfClosing: boolean): void => {
    const name = tagName;
    tagName = '';
    const implied = IMPLIES_CLOSE.get(name);
    if (implied) {
      // Bounded: each pop removes an element that was pushed once.
      while (stack.length > 0 && implied.has(stack[stack.length - 1] ?? '')) closeTop();
    }
    const tagAttrs = attrs;
    attrs = {};
    attrCount = 0;
    if (stack.length >= MAX_DEPTH) return;
    stack.push(name);
    events.open(name, tagAttrs);
    if (selfClosing || VOID.has(name)) closeTop();
  };

  const closeTag = (name: string): void => {
    if (VOID.has(name)) {
      // `</br>` renders as a line break in browsers.
      if (name === 'br' && stack.length < MAX_DEPTH) {
        events.open('br', {});
        events.close('br');
      }
      return;
    }
    const limit = Math.max(0, stack.length - MAX_CLOSE_SEARCH);
    for (let i = stack.length - 1; i >= limit; i--) {
      if (stack[i] === name) {
        while (stack.length > i) closeTop();
        return;
      }
    }
  };

  const callbacks: TokenizerCallbacks = {
    onattribdata(start, end) {
      if (attrValue.length < MAX_ATTR_VALUE) attrValue += html.slice(start, end);
    },
    onattribentity(cp) {
      if (attrValue.length < MAX_ATTR_VALUE) attrValue += codePointString(cp);
    },
    onattribend(_quote: QuoteType) {
      if (attrCount < MAX_ATTRS && !Object.hasOwn(attrs, attrName)) {
        attrs[attrName] = attrValue.length > MAX_ATTR_VALUE ? attrValue.slice(0, MAX_ATTR_VALUE) : attrValue;
        attrCount++;
      }
      attrValue = '';
    },
    onattribname(start, end) {
      attrName = html.slice(start, Math.min(end, start + 64)).toLowerCase();
      attrValue = '';
    },
    oncdata() {},
    onclosetag(start, end) {
      closeTag(html.slice(start, Math.min(end, start + 64)).toLowerCase());
    },
    oncomment() {},
    ondeclaration() {},
    onend() {},
    onopentagend() {
      openTag(false);
    },
    onopentagname(start, end) {
      tagName = html.slice(start, Math.min(end, start + 64)).toLowerCase();
      attrs = {};
      attrCount = 0;
    },
    onprocessinginstruction() {},
    onselfclosingtag() {
      openTag(true);
    },
    ontext(start, end) {
      events.text(html.slice(start, end));
    },
    ontextentity(cp) {
      events.text(codePointString(cp));
    },
  };

  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  while (stack.length > 0) closeTop();
}
