// Asserts that nothing reachable from an error (message, stack, details, JSON, inspect) contains a secret.

import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Every textual view of `error` that a log line, an HTTP response or a crash report could show. */
export function renderings(error: unknown): string[] {
  const views = [
    String(error),
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(error),
  ];
  if (error instanceof Error) {
    views.push(error.message, error.stack ?? '', JSON.stringify({ ...error }));
    views.push(inspect(error.cause, { depth: Number.POSITIVE_INFINITY }));
  }
  return views;
}

/**
 * Fails if any rendering of `error` contains one of `secrets` (compared case-insensitively, since base32 is
 * case-insensitive) or an otpauth query.
 */
export function expectNoSecret(error: unknown, secrets: readonly string[]): void {
  const texts = renderings(error).map((text) => text.toLowerCase());
  for (const secret of secrets) {
    if (secret.length < 6) throw new Error('a leak check needs a distinctive secret of 6+ characters');
    for (const text of texts) expect(text.includes(secret.toLowerCase()), `error leaks "${secret}"`).toBe(false);
  }
  // A URI's query is where its seed lives; messages may name otpauth:// but never quote a query.
  for (const text of texts) expect(text.includes('secret=')).toBe(false);
}
