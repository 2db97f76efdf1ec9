// Tests for the public entry point: the whole pipeline on realistic messages, and robustness to odd input.
import { describe, expect, it } from 'vitest';
import { type ExtractInput, extractMessage } from './index.js';

describe('extractMessage', () => {
  it('reads an HTML mail with a hidden preheader, a styled code and a verify button', () => {
    const html = `<html><head><style>.pre{display:none}</style></head><body>
      <div class="pre">Your code is 999999 (preview)</div>
      <table><tr><td>Enter this code to verify your email:</td></tr>
      <tr><td style="font-size:32px;letter-spacing:6px"><span>5</span><span>8</span><span>2</span><span>0</span><span>4</span><span>7</span></td></tr>
      <tr><td><a href="https://app.example.com/verify?token=Vq3nE8yZkR2mXc7TfL0p">Verify email</a> · <a href="https://app.example.com/unsubscribe?u=8c1f4e7a2b9d">Unsubscribe</a></td></tr>
      </table><p>© 2025 Example, 1480 Mission Street, San Francisco, CA 94103</p></body></html>`;
    const out = extractMessage({ channel: 'email', subject: 'Verify your email', html });
    expect(out.codes[0]).toMatchObject({ value: '582047', display: '582047' });
    expect(out.codes.map((c) => c.value)).not.toContain('999999');
    expect(out.links).toEqual([
      { url: 'https://app.example.com/verify?token=Vq3nE8yZkR2mXc7TfL0p', kind: 'verify' },
      { url: 'https://app.example.com/unsubscribe?u=8c1f4e7a2b9d', kind: 'other' },
    ]);
    expect(out.extractedText).not.toContain('999999');
    expect(out.extractedText).toContain('Enter this code to verify your email:');
  });

  it('leaves the quoted part of a reply out of text and codes', () => {
    const out = extractMessage({
      channel: 'email',
      subject: 'Re: your code',
      text: 'Thanks, that worked.\n\nOn Mon, Jun 2, 2025 at 10:42 AM Acme <no-reply@acme.example> wrote:\n> Your verification code is 123456',
    });
    expect(out.extractedText).toBe('Thanks, that worked.');
    expect(out.codes).toEqual([]);
  });

  it('reads a forwarded verification mail whole', () => {
    const out = extractMessage({
      channel: 'email',
      subject: 'Fwd: Your sign-in code',
      text: '---------- Forwarded message ---------\nFrom: Acme <no-reply@acme.example>\nDate: Mon, Jun 2, 2025 at 10:42 AM\nSubject: Your sign-in code\n\nYour sign-in code is 604271.',
    });
    expect(out.codes[0]?.value).toBe('604271');
  });

  it('reports the WICG origin line', () => {
    const out = extractMessage({
      channel: 'sms',
      text: '747723 is your ExampleCo code.\n\n@example.com #747723 @ecommerce.example',
    });
    expect(out.origin).toEqual({ domain: 'example.com', code: '747723' });
    expect(out.codes[0]).toMatchObject({ value: '747723', confidence: 0.99 });
  });

  it('falls back to the text part when the HTML renders to nothing', () => {
    const out = extractMessage({
      channel: 'email',
      text: 'Your code: 381502',
      html: '<div style="display:none">x</div>',
    });
    expect(out.extractedText).toBe('Your code: 381502');
    expect(out.codes[0]?.value).toBe('381502');
  });

  it('returns an empty result for empty or malformed input and never throws', () => {
    const odd: unknown[] = [
      {},
      { channel: 'sms' },
      { channel: 'email', text: null, html: null, subject: null },
      { channel: 'email', text: 42, html: { a: 1 }, subject: ['x'] },
      { channel: 'carrier-pigeon', text: 'Your code is 123456' },
      null,
      undefined,
    ];
    for (const input of odd) {
      const out = extractMessage(input as ExtractInput);
      expect(Array.isArray(out.codes)).toBe(true);
      expect(Array.isArray(out.links)).toBe(true);
      expect(typeof out.extractedText).toBe('string');
    }
    expect(
      extractMessage({ channel: 'carrier-pigeon', text: 'Your code is 123456' } as unknown as ExtractInput).codes[0]
        ?.value,
    ).toBe('123456');
  });
});
