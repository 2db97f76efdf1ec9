// Tests for the CSS facts the renderer uses: hiding, font-size inheritance, emphasis, hidden classes.
import { describe, expect, it } from 'vitest';
import { declarationsEmphasise, declarationsHide, fontSizeState, hiddenSelectors, parseDeclarations } from './css.js';

const hides = (style: string): boolean => declarationsHide(parseDeclarations(style));

describe('declarationsHide', () => {
  it('recognises the ways mail hides content', () => {
    expect(hides('display:none')).toBe(true);
    expect(hides('DISPLAY: none !important')).toBe(true);
    expect(hides('visibility:hidden')).toBe(true);
    expect(hides('opacity:0')).toBe(true);
    expect(hides('opacity: 0.0')).toBe(true);
    expect(hides('mso-hide:all')).toBe(true);
    expect(hides('max-height:0px; overflow:hidden')).toBe(true);
    expect(hides('width:0;overflow:hidden')).toBe(true);
  });

  it('leaves visible styles alone', () => {
    expect(hides('display:block; color:#333333; font-size:16px')).toBe(false);
    expect(hides('max-height:0')).toBe(false);
    expect(hides('opacity:0.9')).toBe(false);
    expect(hides('font-size:0')).toBe(false);
  });
});

describe('fontSizeState', () => {
  it('reports zero, visible or unset, so that children can set a size again', () => {
    expect(fontSizeState(parseDeclarations('font-size:0'))).toBe('zero');
    expect(fontSizeState(parseDeclarations('font-size: 1px'))).toBe('zero');
    expect(fontSizeState(parseDeclarations('font-size:16px'))).toBe('visible');
    expect(fontSizeState(parseDeclarations('font-size:inherit'))).toBe('visible');
    expect(fontSizeState(parseDeclarations('color:red'))).toBeUndefined();
  });
});

describe('declarationsEmphasise', () => {
  it('sees large, bold, letter-spaced and monospaced text', () => {
    const emph = (s: string): boolean => declarationsEmphasise(parseDeclarations(s));
    expect(emph('font-size: 34px')).toBe(true);
    expect(emph('font-weight: 700')).toBe(true);
    expect(emph('letter-spacing: 3.4px')).toBe(true);
    expect(emph("font-family: 'Courier New', monospace")).toBe(true);
    expect(emph('font-size: 14px; font-weight: 400')).toBe(false);
  });
});

describe('hiddenSelectors', () => {
  it('collects classes and ids hidden by top-level rules only', () => {
    const css = `/* preheader */ .preheader { display:none !important; }
      #hidden-id{visibility:hidden} p, .visible { color: red }
      @media only screen and (max-width:600px) { .desktop { display:none } }
      div.mobile-only{mso-hide:all}`;
    const hidden = hiddenSelectors(css);
    expect([...hidden].sort()).toEqual(['#hidden-id', '.mobile-only', '.preheader']);
  });

  it('survives unterminated and hostile style sheets in linear time', () => {
    const start = performance.now();
    expect(hiddenSelectors('{'.repeat(200_000)).size).toBe(0);
    expect(hiddenSelectors('@media {'.repeat(50_000)).size).toBe(0);
    expect(hiddenSelectors('/*'.repeat(100_000)).size).toBe(0);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
