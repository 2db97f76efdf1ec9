// Reads the few CSS facts the extractor needs: whether an inline style hides or emphasises an element,
// and which classes or ids a `<style>` block hides.

/** Declarations of one `style` attribute, names and values lower-cased and trimmed. */
export function parseDeclarations(style: string): Map<string, string> {
  const out = new Map<string, string>();
  // Bounded: a style attribute is capped by the tokenizer, and this is one split per `;`.
  for (const part of style.toLowerCase().split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const name = part.slice(0, colon).trim();
    const value = part
      .slice(colon + 1)
      .replace('!important', '')
      .trim();
    if (name !== '' && out.size < 64) out.set(name, value);
  }
  return out;
}

/** The first number in a CSS value and its unit (`34px` → 34, px). */
function numberWithUnit(value: string): { n: number; unit: string } | undefined {
  const m = /^(-?\d{0,6}(?:\.\d{1,6})?)\s?([a-z%]{0,4})/.exec(value);
  if (!m || m[1] === undefined || m[1] === '' || m[1] === '-') return undefined;
  const n = Number.parseFloat(m[1]);
  return Number.isFinite(n) ? { n, unit: m[2] ?? '' } : undefined;
}

function isZeroLength(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = numberWithUnit(value);
  return v !== undefined && v.n <= 0;
}

/**
 * True when declarations hide the element and everything inside it: `display:none`, `visibility:hidden`,
 * `opacity:0`, Outlook's `mso-hide:all`, or a zero height or width with `overflow:hidden`. A tiny font size
 * is not here: children can set their own size again (see `fontSizeState`).
 */
export function declarationsHide(decls: Map<string, string>): boolean {
  if (decls.get('display') === 'none') return true;
  const visibility = decls.get('visibility');
  if (visibility === 'hidden' || visibility === 'collapse') return true;
  if (decls.get('mso-hide') === 'all') return true;
  const opacity = decls.get('opacity');
  if (opacity !== undefined) {
    const v = numberWithUnit(opacity);
    if (v !== undefined && (v.unit === '%' ? v.n <= 1 : v.n <= 0.01)) return true;
  }
  if (decls.get('overflow') === 'hidden' || decls.get('overflow-y') === 'hidden') {
    if (isZeroLength(decls.get('max-height')) || isZeroLength(decls.get('height'))) return true;
    if (isZeroLength(decls.get('max-width')) || isZeroLength(decls.get('width'))) return true;
  }
  return false;
}

/**
 * What a `font-size` declaration does to visibility: `zero` for 0 or at most 1px (the preheader trick),
 * `visible` for any readable size, undefined when the size is not set. Font size is inherited, and layouts
 * set `font-size:0` on a wrapper to remove gaps and a real size again on its children, so the caller keeps
 * the nearest declaration rather than hiding the whole subtree.
 */
export function fontSizeState(decls: Map<string, string>): 'zero' | 'visible' | undefined {
  const fontSize = decls.get('font-size');
  if (fontSize === undefined) return undefined;
  const v = numberWithUnit(fontSize);
  if (v === undefined) return 'visible';
  return v.n <= 0 || (v.unit === 'px' && v.n <= 1) ? 'zero' : 'visible';
}

/**
 * True when declarations make text stand out the way a code is usually shown: large, bold, letter-spaced
 * or monospaced.
 */
export function declarationsEmphasise(decls: Map<string, string>): boolean {
  const fontSize = decls.get('font-size');
  if (fontSize !== undefined) {
    if (/^(?:large|x-large|xx-large|xxx-large|larger)$/.test(fontSize)) return true;
    const v = numberWithUnit(fontSize);
    if (v !== undefined) {
      if (v.unit === 'px' && v.n >= 18) return true;
      if (v.unit === 'pt' && v.n >= 14) return true;
      if ((v.unit === 'em' || v.unit === 'rem') && v.n >= 1.3) return true;
      if (v.unit === '%' && v.n >= 130) return true;
    }
  }
  const weight = decls.get('font-weight');
  if (weight !== undefined && (weight === 'bold' || weight === 'bolder' || (numberWithUnit(weight)?.n ?? 0) >= 600)) {
    return true;
  }
  const spacing = decls.get('letter-spacing');
  if (spacing !== undefined && (numberWithUnit(spacing)?.n ?? 0) > 0) return true;
  const family = decls.get('font-family');
  if (family !== undefined && /monospace|courier|consolas|menlo|monaco/.test(family)) return true;
  return false;
}

/** Upper bound on the CSS read from `<style>` blocks; a mail's own rules fit easily. */
const MAX_STYLE_CHARS = 128 * 1024;

/**
 * Class names (`.name`) and ids (`#name`) that top-level rules of a style sheet hide. Rules inside `@media`
 * and other at-rules are skipped: responsive mails hide their desktop layout only on small screens.
 * A single pass over the characters, so linear in the (capped) input.
 */
export function hiddenSelectors(css: string): Set<string> {
  const out = new Set<string>();
  const src = withoutComments(css.length > MAX_STYLE_CHARS ? css.slice(0, MAX_STYLE_CHARS) : css);
  let i = 0;
  let selectorStart = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '@') {
      // Skip the at-rule: up to `;` when it has no block, else to its matching `}`.
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        const c = src[j];
        if (c === ';' && depth === 0) break;
        if (c === '{') depth++;
        else if (c === '}') {
          depth--;
          if (depth <= 0) break;
        }
      }
      i = j + 1;
      selectorStart = i;
      continue;
    }
    if (ch === '{') {
      const close = src.indexOf('}', i + 1);
      const body = src.slice(i + 1, close < 0 ? src.length : close);
      if (declarationsHide(parseDeclarations(body))) {
        for (const selector of src.slice(selectorStart, i).split(',')) {
          const m = /^\s*[a-z0-9]*([.#][\w-]{1,64})\s*$/i.exec(selector);
          if (m?.[1] !== undefined && out.size < 256) out.add(m[1]);
        }
      }
      i = close < 0 ? src.length : close + 1;
      selectorStart = i;
      continue;
    }
    if (ch === '}') selectorStart = i + 1;
    i++;
  }
  return out;
}

/** The style sheet without its comments; an unterminated comment runs to the end. One forward pass. */
function withoutComments(css: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let at = css.indexOf('/*'); at >= 0; at = css.indexOf('/*', from)) {
    parts.push(css.slice(from, at));
    const end = css.indexOf('*/', at + 2);
    from = end < 0 ? css.length : end + 2;
    if (end < 0) break;
  }
  parts.push(css.slice(from));
  return parts.join(' ');
}
