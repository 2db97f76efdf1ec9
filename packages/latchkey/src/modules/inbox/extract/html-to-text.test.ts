// Tests for HTML rendering: what a reader sees, block structure, links, emphasis and quoted replies.
import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-to-text.js';

const text = (html: string, keepQuotes = false): string => htmlToText(html, keepQuotes).text;

describe('htmlToText: hidden content', () => {
  it('drops head, script, style and every common hiding technique', () => {
    const html = `<html><head><title>T 111111</title><style>.pre{display:none}</style></head><body>
      <div class="pre">class hidden 222222</div>
      <span style="display:none">display 333333</span>
      <span style="visibility:hidden">visibility 444444</span>
      <span style="opacity:0">opacity 555555</span>
      <span style="font-size:0">font 666666</span>
      <div style="max-height:0;overflow:hidden;mso-hide:all">maxheight 777777</div>
      <p hidden>attribute 888888</p>
      <div class="preheader">preheader 999999</div>
      <script>var code = 121212;</script>
      <p>Visible</p></body></html>`;
    expect(text(html)).toBe('Visible');
  });

  it('keeps text whose font size a child sets again after a font-size:0 wrapper', () => {
    const html =
      '<td style="font-size:0;line-height:0"><table style="font-size:16px"><tr><td>Code: <b>617402</b></td></tr></table></td>';
    expect(text(html)).toBe('Code: 617402');
  });

  it('keeps content hidden only by a media query (desktop layout)', () => {
    const html = '<style>@media (max-width:600px){.desk{display:none}}</style><div class="desk">Shown on desktop</div>';
    expect(text(html)).toBe('Shown on desktop');
  });
});

describe('htmlToText: structure', () => {
  it('turns blocks into line breaks, paragraphs into blank lines, and decodes entities', () => {
    const html =
      '<h1>Title</h1><p>One&nbsp;two &amp; three</p><div>Line<br>break</div><table><tr><td>A</td><td>B</td></tr></table>';
    expect(text(html)).toBe('Title\n\nOne two & three\n\nLine\nbreak\n\nA B');
  });

  it('collapses whitespace except inside pre', () => {
    expect(text('<p>  lots   of\n\n space  </p><pre>a  b\n c</pre>')).toBe('lots of space\n\na  b\n c');
  });

  it('reports links with their label (image alt included) and position', () => {
    const r = htmlToText('<p>Click <a href="https://x.test/v?t=1">here <img alt="to verify"></a> now</p>', false);
    expect(r.anchors).toHaveLength(1);
    expect(r.anchors[0]?.href).toBe('https://x.test/v?t=1');
    expect(r.anchors[0]?.label).toBe('here to verify');
    expect(r.text.slice(r.anchors[0]?.start, r.anchors[0]?.end).trim()).toBe('here');
  });

  it('does not report links inside hidden elements', () => {
    expect(htmlToText('<div style="display:none"><a href="https://x.test/a">a</a></div>', false).anchors).toEqual([]);
  });

  it('marks big, bold and letter-spaced runs as emphasis', () => {
    const r = htmlToText('<p>Your code</p><div style="font-size:34px;letter-spacing:4px">204817</div>', false);
    expect(r.emphasis.map((e) => r.text.slice(e.start, e.end))).toEqual(['204817']);
  });
});

describe('htmlToText: quoted replies', () => {
  it('leaves out Gmail, Apple Mail and Thunderbird quotes and reports their start', () => {
    const html =
      '<div>Thanks!</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Alice wrote:</div><blockquote>Code 111111</blockquote></div><blockquote type="cite">Code 222222</blockquote>';
    const r = htmlToText(html, false);
    expect(r.text).toBe('Thanks!');
    expect(r.quoteHead).toContain('On Mon, Alice wrote:');
    expect(text(html, true)).toContain('Code 111111');
  });

  it('leaves out everything after an Outlook reply header', () => {
    const html =
      '<p>See below</p><div id="divRplyFwdMsg"><b>From:</b> Bob<br><b>Sent:</b> Monday</div><div>Old code 333333</div>';
    expect(text(html)).toBe('See below');
  });
});
