// Tests for code scoring and ranking: keywords in many languages, layout signals, and decoys left alone.
import { describe, expect, it } from 'vitest';
import { rankCodes, scoreCodes } from './codes.js';

/** The codes of a one-part message, best first. */
function codes(text: string, options: { subject?: string; channel?: 'sms' | 'email' } = {}): string[] {
  const prefix = options.subject ? `${options.subject}\n\n\n` : '';
  const scored = scoreCodes({
    text: prefix + text,
    bodyStart: prefix.length,
    emphasis: [],
    channel: options.channel ?? 'sms',
  });
  return rankCodes(scored).map((c) => c.value);
}

describe('codes: keywords in many languages, before or after the code', () => {
  it.each([
    ['en', 'Your verification code is 482913.'],
    ['en, code first', '482913 is your login code'],
    ['de', 'Ihr Bestätigungscode lautet 482913'],
    ['fr', 'Votre code de vérification est : 482913'],
    ['es', 'Tu código de verificación es 482913'],
    ['pt', 'Seu código de acesso: 482913'],
    ['nl', 'Uw verificatiecode is 482913'],
    ['it', 'Il tuo codice di verifica è 482913'],
    ['ru', 'Ваш код подтверждения: 482913'],
    ['zh', '您的验证码为482913，5分钟内有效。'],
    ['ja', '認証コードは 482913 です。'],
    ['ko', '[Web발신] 인증번호 [482913]를 입력해주세요.'],
    ['tr', 'Doğrulama kodunuz: 482913'],
    ['ar', 'رمز التحقق الخاص بك هو 482913'],
    ['hi', 'आपका ओटीपी 482913 है।'],
    ['vi', '482913 la ma xac nhan cua ban'],
  ])('%s', (_lang, text) => {
    expect(codes(text)).toEqual(['482913']);
  });

  it('normalises Arabic-Indic and Devanagari digits in the value and keeps the display as written', () => {
    const scored = scoreCodes({ text: 'رمز التحقق: ٤٨٢٩١٣', bodyStart: 0, emphasis: [], channel: 'sms' });
    expect(rankCodes(scored)).toEqual([{ value: '482913', display: '٤٨٢٩١٣', confidence: expect.any(Number) }]);
    expect(codes('आपका सत्यापन कोड ४८२९१३ है')).toEqual(['482913']);
  });

  it('drops separators and letter prefixes from the value', () => {
    const scored = scoreCodes({
      text: 'G-412 157 is your Google verification code.',
      bodyStart: 0,
      emphasis: [],
      channel: 'sms',
    });
    expect(rankCodes(scored)[0]).toMatchObject({ value: '412157', display: 'G-412 157' });
    expect(codes('Your sign-in code: A7K-9QX')).toEqual(['A7K9QX']);
  });
});

describe('codes: layout', () => {
  it('finds a code alone on its line below the sentence that introduces it', () => {
    expect(
      codes('Enter the following code on the sign-in page.\n\n492057\n\nIt expires in 60 minutes.', {
        channel: 'email',
      }),
    ).toEqual(['492057']);
  });

  it('finds a code in the subject line', () => {
    expect(codes('Hello, see the app.', { subject: 'Use 530218 to log in', channel: 'email' })).toEqual(['530218']);
  });

  it('takes a message that is nothing but a code', () => {
    expect(codes('2715')).toEqual(['2715']);
    expect(codes('G-830829')).toEqual(['830829']);
  });

  it('ranks the anchored code above other numbers and merges repeats', () => {
    const scored = scoreCodes({
      text: 'Order 55512345 shipped. Your one-time code is 917364. Again: 917364',
      bodyStart: 0,
      emphasis: [],
      channel: 'email',
    });
    expect(rankCodes(scored).map((c) => c.value)).toEqual(['917364']);
  });

  it('puts the origin-bound code first', () => {
    const scored = scoreCodes({
      text: 'Code 111111\n\n@example.com #747723',
      bodyStart: 0,
      emphasis: [],
      channel: 'sms',
    });
    expect(rankCodes(scored, { code: '747723' })[0]).toMatchObject({ value: '747723', confidence: 0.99 });
  });
});

describe('codes: decoys', () => {
  it.each([
    ['dates and times', 'A failed login attempt on Jun 3, 2025, 10:42:17 AM from 198.51.100.7.'],
    ['years', 'Your verification settings changed in 2024.'],
    ['amounts', 'Your payment of $1299 was received. Verification complete.'],
    ['amounts after', 'Total: 4500 руб. Код не нужен.'],
    ['phone numbers', 'Call us at +14155550142 or (415) 555-0142 to verify.'],
    ['card endings', 'Your card ending in 4242 was verified.'],
    ['order numbers', 'Your order #10428355 has shipped.'],
    ['labelled order numbers', 'Order number: 10428355. Thanks for verifying your email.'],
    ['tracking numbers', 'Tracking number 94001118992233 — confirm delivery.'],
    ['invoice numbers', 'Invoice Number: 40912753'],
    ['postal codes', 'Ship to 1480 Mission Street, San Francisco, CA 94103'],
    ['validity periods', 'This code is valid for 10 minutes.'],
    ['2-step', '2-step verification is now deactivated on your account.'],
    ['promo codes', 'Use promo code SAVE2025 at checkout. Your Purchase Code is 39M4W'],
    ['postal code words', 'Code postal : 75011'],
    ['versions', 'Security update to version 12.4.1 is ready.'],
    ['CSS leftovers', 'width: 600px; color: #333333'],
    ['no keyword at all', 'See you at 1930 near gate 12.'],
    [
      'vouchers in mail without any sign-in context',
      'Members save 20% on the almanac with code SUMMER25 until June 30.',
    ],
  ])('leaves %s alone', (_what, text) => {
    expect(codes(text, { channel: 'email' })).toEqual([]);
  });
});
