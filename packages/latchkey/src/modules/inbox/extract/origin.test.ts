// Tests for the WICG origin-bound one-time code line.
import { describe, expect, it } from 'vitest';
import { parseOriginBound } from './origin.js';

describe('parseOriginBound', () => {
  it('reads the last line', () => {
    expect(parseOriginBound('747723 is your ExampleCo authentication code.\n\n@example.com #747723')).toEqual({
      domain: 'example.com',
      code: '747723',
    });
  });

  it('accepts an embedded origin with @ or % and ignores what follows', () => {
    expect(parseOriginBound('@example.com #747723 @ecommerce.example')?.domain).toBe('example.com');
    expect(parseOriginBound('@a.com #123 %b.com')).toEqual({ domain: 'a.com', code: '123' });
    expect(parseOriginBound('@example.com #747723 @ecommerce.example $future')?.code).toBe('747723');
  });

  it('tolerates trailing blank lines but not other last lines', () => {
    expect(parseOriginBound('Code\n@auth.example.com #530218\n\n')?.code).toBe('530218');
    expect(parseOriginBound('@example.com #747723\nThanks')).toBeUndefined();
    expect(parseOriginBound('Mail me @alice #1')).toBeUndefined();
    expect(parseOriginBound('@localhost #42')).toEqual({ domain: 'localhost', code: '42' });
    expect(parseOriginBound('@nodot #42')).toBeUndefined();
  });
});
