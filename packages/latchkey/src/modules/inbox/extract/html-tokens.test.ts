// Tests for the bounded HTML event walker: structure, implied end tags, entities and linear time.
import { describe, expect, it } from 'vitest';
import { walkHtml } from './html-tokens.js';

function events(html: string): string[] {
  const out: string[] = [];
  walkHtml(html, {
    open: (name, attrs) => out.push(`<${name}${Object.keys(attrs).length ? JSON.stringify(attrs) : ''}>`),
    close: (name) => out.push(`</${name}>`),
    text: (t) => out.push(t),
  });
  return out;
}

describe('walkHtml', () => {
  it('reports elements, lower-cased attributes and decoded text in order', () => {
    expect(events('<P Class="x">a &amp; b</P>')).toEqual(['<p{"class":"x"}>', 'a ', '&', ' b', '</p>']);
  });

  it('closes void and self-closing elements at once and implies end tags', () => {
    expect(events('<br><img src=x /><td>1<td>2')).toEqual([
      '<br>',
      '</br>',
      '<img{"src":"x"}>',
      '</img>',
      '<td>',
      '1',
      '</td>',
      '<td>',
      '2',
      '</td>',
    ]);
  });

  it('ignores end tags that match nothing open and closes what is left at the end', () => {
    expect(events('<div><span>x</i></div>')).toEqual(['<div>', '<span>', 'x', '</span>', '</div>']);
    expect(events('<div><p>x')).toEqual(['<div>', '<p>', 'x', '</p>', '</div>']);
  });

  it('gives every open exactly one close', () => {
    let depth = 0;
    walkHtml('<a><b><c></b><d><e></a></x><y>', {
      open: () => depth++,
      close: () => depth--,
      text: () => {},
    });
    expect(depth).toBe(0);
  });

  it('stays linear on deep nesting and on runs of unmatched end tags', () => {
    const deep = '<div>'.repeat(100_000) + '</span>'.repeat(100_000);
    const start = performance.now();
    let opens = 0;
    walkHtml(deep, { open: () => opens++, close: () => {}, text: () => {} });
    // The stack is capped, so deeper elements fold into their ancestor.
    expect(opens).toBeLessThanOrEqual(256);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('treats script and style content as raw text', () => {
    expect(events('<script>if (a<b) x()</script>')).toEqual(['<script>', 'if (a<b) x()', '</script>']);
  });
});
