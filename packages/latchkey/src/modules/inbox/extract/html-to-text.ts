// Renders mail HTML to the text a reader sees: hidden and non-rendered content dropped, blocks as line breaks,
// quoted replies set aside; also reports the links and the emphasised (big, bold, spaced) runs of text.
import { declarationsEmphasise, declarationsHide, fontSizeState, hiddenSelectors, parseDeclarations } from './css.js';
import { walkHtml } from './html-tokens.js';
import { cleanInvisible } from './normalize.js';

/** A link as it appears in the rendered text. Offsets are into `HtmlRendering.text`. */
export interface HtmlAnchor {
  href: string;
  /** The visible anchor text, with the `alt` of any image inside it. */
  label: string;
  start: number;
  end: number;
}

/** A run of rendered text shown large, bold, letter-spaced or monospaced. */
export interface TextRange {
  start: number;
  end: number;
}

/** The result of rendering one HTML body. */
export interface HtmlRendering {
  text: string;
  anchors: HtmlAnchor[];
  emphasis: TextRange[];
  /** The first characters of any quoted part that was left out (used to recognise forwarded mail). */
  quoteHead: string;
}

/** Only the start of an HTML body is read: enough for any real mail, bounded for hostile ones. */
const MAX_HTML_CHARS = 512 * 1024;
const MAX_TEXT_CHARS = 256 * 1024;
const MAX_ANCHORS = 300;
const MAX_EMPHASIS = 500;
const MAX_QUOTE_HEAD = 2000;
/** CSS read from all `<style>` blocks together. */
const MAX_STYLE_TOTAL = 128 * 1024;
const MAX_LABEL = 500;

/** Elements whose content is never rendered as text. */
const NOT_RENDERED = new Set([
  'head',
  'title',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'object',
  'iframe',
  'audio',
  'video',
  'canvas',
  'xml',
  'select',
  'datalist',
]);

/** Blocks separated by a blank line. */
const PARAGRAPH = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'blockquote',
  'ul',
  'ol',
  'dl',
  'pre',
  'hr',
  'figure',
  'address',
]);

/** Blocks separated by a line break. */
const BLOCK = new Set([
  'html',
  'body',
  'article',
  'aside',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dt',
  'fieldset',
  'figcaption',
  'footer',
  'form',
  'header',
  'hgroup',
  'li',
  'main',
  'menu',
  'nav',
  'section',
  'summary',
  'tr',
  'tbody',
  'thead',
  'tfoot',
  'caption',
  'legend',
  'option',
]);

const EMPHASIS_TAGS = new Set(['b', 'strong', 'h1', 'h2', 'h3', 'code', 'kbd', 'samp', 'tt', 'big', 'pre']);

/** Class names that mark quoted replies in the markup of common mail clients. */
const QUOTE_CLASSES = new Set(['gmail_quote', 'yahoo_quoted', 'protonmail_quote', 'moz-cite-prefix', 'gmail_attr']);
/** Ids after which everything is the quoted original (Outlook puts the quote after this header block). */
const QUOTE_TAIL_IDS = new Set(['divrplyfwdmsg', 'x_divrplyfwdmsg', 'appendonsend', 'x_appendonsend']);

interface Frame {
  hidden: boolean;
  /** The inherited "font size is zero" state to restore when this element closes. */
  zeroFontBefore: boolean;
  quote: boolean;
  emph: boolean;
  pre: boolean;
  anchor: boolean;
  block: 0 | 1 | 2;
  cell: boolean;
}

/** Accumulates rendered text with collapsed whitespace and at most one blank line between blocks. */
class TextWriter {
  private readonly parts: string[] = [];
  length = 0;
  private pendingBreaks = 0;
  private pendingSpace = false;
  private atLineStart = true;
  full = false;

  breakLine(count: number): void {
    this.pendingBreaks = Math.min(2, Math.max(this.pendingBreaks, count));
    this.pendingSpace = false;
  }

  addBreak(): void {
    this.pendingBreaks = Math.min(2, this.pendingBreaks + 1);
    this.pendingSpace = false;
  }

  space(): void {
    if (this.pendingBreaks === 0) this.pendingSpace = true;
  }

  /** Appends already-collapsed content; returns the offsets it occupies, or undefined when nothing was written. */
  content(s: string): TextRange | undefined {
    if (s === '' || this.full) return undefined;
    if (this.length > 0) {
      if (this.pendingBreaks > 0) this.push('\n'.repeat(this.pendingBreaks));
      else if (this.pendingSpace && !this.atLineStart) this.push(' ');
    }
    this.pendingBreaks = 0;
    this.pendingSpace = false;
    const start = this.length;
    this.push(s);
    this.atLineStart = s.endsWith('\n');
    if (this.length >= MAX_TEXT_CHARS) this.full = true;
    return { start, end: this.length };
  }

  private push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function classList(attrs: Readonly<Record<string, string>>): string[] {
  const cls = attrs.class;
  if (cls === undefined || cls === '') return [];
  return cls.toLowerCase().split(/\s+/).slice(0, 32);
}

/**
 * Renders `html` (only its first 512 KiB) to readable text. With `keepQuotes` false, quoted replies
 * (Gmail, Apple Mail, Thunderbird, Outlook, Yahoo, Proton markup) are left out and their start is returned
 * in `quoteHead`. Linear in the input; never throws on malformed markup.
 */
export function htmlToText(html: string, keepQuotes: boolean): HtmlRendering {
  const source = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  const writer = new TextWriter();
  const frames: Frame[] = [];
  const anchors: HtmlAnchor[] = [];
  const emphasis: TextRange[] = [];
  let hiddenDepth = 0;
  let zeroFont = false;
  let quoteDepth = 0;
  let emphDepth = 0;
  let preDepth = 0;
  let quoteTail = false;
  let quoteHead = '';
  // Each <style> block is parsed once, when it closes; all blocks together get one budget of characters,
  // so a mail with thousands of style blocks costs no more than one long block.
  let styleBlock = '';
  let styleBudget = MAX_STYLE_TOTAL;
  let inStyle = 0;
  const hiddenClasses = new Set<string>();
  let anchor: { href: string; label: string; start: number } | undefined;

  const quoted = (): boolean => !keepQuotes && (quoteDepth > 0 || quoteTail);

  const isHidden = (name: string, attrs: Readonly<Record<string, string>>, classes: string[]): boolean => {
    if (NOT_RENDERED.has(name)) return true;
    if (Object.hasOwn(attrs, 'hidden')) return true;
    if (name === 'input' && attrs.type?.toLowerCase() === 'hidden') return true;
    const style = attrs.style;
    if (style !== undefined && style !== '' && declarationsHide(parseDeclarations(style))) return true;
    if (classes.some((c) => c.includes('preheader') || hiddenClasses.has(`.${c}`))) return true;
    const id = attrs.id?.toLowerCase();
    return id !== undefined && hiddenClasses.has(`#${id}`);
  };

  const writeText = (raw: string): void => {
    if (inStyle > 0) {
      if (styleBlock.length < styleBudget) styleBlock += raw.slice(0, styleBudget - styleBlock.length);
      return;
    }
    if (hiddenDepth > 0 || zeroFont) return;
    const cleaned = cleanInvisible(raw);
    if (quoted()) {
      if (quoteHead.length < MAX_QUOTE_HEAD) quoteHead += cleaned.replace(/\s+/g, ' ');
      return;
    }
    let range: TextRange | undefined;
    if (preDepth > 0) {
      range = writer.content(cleaned);
    } else {
      const collapsed = cleaned.replace(/[ \t\n\f\r]+/g, ' ');
      if (collapsed === ' ') {
        writer.space();
        return;
      }
      if (collapsed.startsWith(' ')) writer.space();
      range = writer.content(collapsed.trim());
      if (collapsed.endsWith(' ')) writer.space();
    }
    if (range === undefined) return;
    if (anchor !== undefined && anchor.label.length < MAX_LABEL)
      anchor.label += `${anchor.label === '' ? '' : ' '}${cleaned.trim()}`;
    if (emphDepth > 0 && emphasis.length < MAX_EMPHASIS) {
      const last = emphasis[emphasis.length - 1];
      if (last !== undefined && range.start - last.end <= 1) last.end = range.end;
      else emphasis.push(range);
    }
  };

  walkHtml(source, {
    open(name, attrs) {
      const classes = classList(attrs);
      const frame: Frame = {
        hidden: false,
        zeroFontBefore: zeroFont,
        quote: false,
        emph: false,
        pre: false,
        anchor: false,
        block: 0,
        cell: false,
      };
      if (name === 'style') inStyle++;
      if (isHidden(name, attrs, classes)) {
        frame.hidden = true;
        hiddenDepth++;
      }
      if (!keepQuotes) {
        const id = attrs.id?.toLowerCase() ?? '';
        if (
          (name === 'blockquote' && attrs.type?.toLowerCase() === 'cite') ||
          classes.some((c) => QUOTE_CLASSES.has(c))
        ) {
          frame.quote = true;
          quoteDepth++;
        }
        if (QUOTE_TAIL_IDS.has(id)) quoteTail = true;
      }
      const style = attrs.style;
      if (style !== undefined && style !== '') {
        const size = fontSizeState(parseDeclarations(style));
        if (size !== undefined) zeroFont = size === 'zero';
      }
      if (EMPHASIS_TAGS.has(name) || (style !== undefined && declarationsEmphasise(parseDeclarations(style)))) {
        frame.emph = true;
        emphDepth++;
      }
      if (name === 'pre') {
        frame.pre = true;
        preDepth++;
      }
      if (PARAGRAPH.has(name)) frame.block = 2;
      else if (BLOCK.has(name)) frame.block = 1;
      if (frame.block > 0) writer.breakLine(frame.block);
      if (name === 'td' || name === 'th') {
        frame.cell = true;
        writer.space();
      }
      if (name === 'br') writer.addBreak();
      if (name === 'img' && anchor !== undefined && hiddenDepth === 0 && !zeroFont) {
        const alt = cleanInvisible(attrs.alt ?? '').trim();
        if (alt !== '' && anchor.label.length < MAX_LABEL) anchor.label += `${anchor.label === '' ? '' : ' '}${alt}`;
      }
      if (name === 'a' && anchor === undefined && hiddenDepth === 0 && !zeroFont && !quoted()) {
        const href = (attrs.href ?? '').trim();
        if (href !== '' && anchors.length < MAX_ANCHORS) {
          anchor = { href, label: '', start: writer.length };
          frame.anchor = true;
        }
      }
      frames.push(frame);
    },
    close(name) {
      const frame = frames.pop();
      if (frame === undefined) return;
      if (name === 'style') {
        inStyle = Math.max(0, inStyle - 1);
        styleBudget -= styleBlock.length;
        for (const selector of hiddenSelectors(styleBlock)) {
          if (hiddenClasses.size < 256) hiddenClasses.add(selector);
        }
        styleBlock = '';
      }
      if (frame.anchor && anchor !== undefined) {
        anchors.push({ href: anchor.href, label: anchor.label.trim(), start: anchor.start, end: writer.length });
        anchor = undefined;
      }
      if (frame.hidden) hiddenDepth--;
      zeroFont = frame.zeroFontBefore;
      if (frame.quote) quoteDepth--;
      if (frame.emph) emphDepth--;
      if (frame.pre) preDepth--;
      if (frame.block > 0) writer.breakLine(frame.block);
      if (frame.cell) writer.space();
    },
    text: writeText,
  });

  return { text: writer.toString(), anchors, emphasis, quoteHead };
}
