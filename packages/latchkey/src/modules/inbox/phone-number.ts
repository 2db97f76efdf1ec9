// Phone numbers as the inbox stores and matches them: E.164 (`+` and 8 to 15 digits), spacing and punctuation
// removed, so `+1 (415) 555-0123` and `+14155550123` are one number.

const E164 = /^\+[1-9]\d{7,14}$/;

/** The E.164 form of `input`, or null when it is not a full international number. */
export function normalisePhoneNumber(input: string): string | null {
  if (input.length > 40) return null;
  const compact = input.trim().replace(/[\s().-]/g, '');
  return E164.test(compact) ? compact : null;
}
