// Tests for plain-text quote removal in several languages, and for keeping forwarded mail whole.
import { describe, expect, it } from 'vitest';
import { looksForwarded, quoteCut, stripQuotedText } from './quotes.js';

describe('stripQuotedText', () => {
  it('removes > lines', () => {
    expect(stripQuotedText('New code below is wrong\n> Your code is 111111\n> old')).toBe('New code below is wrong');
  });

  it.each([
    ['en', 'On Mon, Jun 2, 2025 at 10:42 AM Alice <alice@example.com> wrote:'],
    ['de', 'Am 02.06.2025 um 10:42 schrieb Alice <alice@example.com>:'],
    ['fr', 'Le lun. 2 juin 2025 à 10:42, Alice <alice@example.com> a écrit :'],
    ['es', 'El lun, 2 jun 2025 a las 10:42, Alice (<alice@example.com>) escribió:'],
    ['pt', 'Em seg., 2 de jun. de 2025 às 10:42, Alice <alice@example.com> escreveu:'],
    ['nl', 'Op ma 2 jun 2025 om 10:42 schreef Alice <alice@example.com>:'],
    ['it', 'Il giorno lun 2 giu 2025 alle ore 10:42 Alice <alice@example.com> ha scritto:'],
    ['ru', 'пн, 2 июн. 2025 г. в 10:42, Alice <alice@example.com>:\nAlice пишет:'],
    ['zh', 'Alice <alice@example.com> 于2025年6月2日周一 10:42写道：'],
  ])('cuts at the %s attribution', (_lang, attribution) => {
    const out = stripQuotedText(`Reply text\n\n${attribution}\nYour code is 111111`);
    expect(out).toBe('Reply text');
  });

  it('cuts at a wrapped two-line Gmail attribution', () => {
    expect(
      stripQuotedText('Thanks\n\nOn Mon, Jun 2, 2025 at 10:42 AM Alice Martin <\nalice@example.com> wrote:\n> x'),
    ).toBe('Thanks');
  });

  it('cuts at Outlook separators and header blocks', () => {
    expect(stripQuotedText('Hi\n-----Original Message-----\nFrom: a\ncode 1')).toBe('Hi');
    expect(
      stripQuotedText('Hi\n________________________________\nFrom: Bob\nSent: Monday\nTo: Alice\nSubject: x\n\nold'),
    ).toBe('Hi');
    expect(stripQuotedText('Hallo\nVon: Bob\nGesendet: Montag\nAn: Alice\nBetreff: x\nalt')).toBe('Hallo');
  });

  it('keeps forwarded mail whole, by subject or by marker', () => {
    const fwd =
      '---------- Forwarded message ---------\nFrom: Google <no-reply@accounts.google.com>\nDate: Mon\nSubject: code\nTo: me\n\nG-412157 is your code';
    expect(stripQuotedText(fwd)).toBe(fwd);
    expect(looksForwarded('Fwd: Your code', '')).toBe(true);
    expect(stripQuotedText('From: Bob\nSent: Monday\nTo: Alice\n\ncode 123456', 'FW: code')).toContain('123456');
  });

  it('keeps a message that is nothing but a quote', () => {
    expect(stripQuotedText('> only quoted\n> lines')).toBe('> only quoted\n> lines');
    expect(quoteCut('On Mon Alice wrote:\nbody')).toBe('On Mon Alice wrote:\nbody'.length);
  });

  it('does not cut a security notice that lists From and Date', () => {
    const notice = 'New sign-in\nFrom: Chrome on Windows\nDate: June 3\nLocation: Berlin';
    expect(stripQuotedText(notice)).toBe(notice);
  });
});
