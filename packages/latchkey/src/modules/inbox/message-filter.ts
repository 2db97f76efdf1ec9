// The filters an agent gives to list and wait: who sent it, what the subject says, what it carries. Pure, so the
// same rules apply to stored messages and to a message that has just arrived.
import type { ExtractedCode, ExtractedLink } from './extract/index.js';

/** What a filter looks at in an opened message. */
export interface Filterable {
  from: string | null;
  subject: string | null;
  codes: ExtractedCode[];
  links: ExtractedLink[];
}

export type WaitKind = 'code' | 'link' | 'any';

export interface MessageFilter {
  from?: string | undefined;
  subject?: string | undefined;
  kind?: WaitKind | undefined;
}

/** Phone numbers and sender ids compare without spacing and punctuation: `+1 (415) 555-0123` = `+14155550123`. */
function compact(value: string): string {
  return value.toLowerCase().replace(/[\s().-]/g, '');
}

/**
 * `from` matching: with an `@`, the whole address (case-insensitive); without one, a mail domain or any of its
 * subdomains (`github.com` matches `noreply@github.com` and `a@mail.github.com`, never `a@evilgithub.com`), or an
 * SMS sender number or id.
 */
export function fromMatches(from: string | null, filter: string): boolean {
  const want = filter.trim().toLowerCase();
  if (want === '' || from === null) return want === '';
  const have = from.trim().toLowerCase();
  if (want.includes('@')) return have === want;
  const at = have.lastIndexOf('@');
  if (at >= 0) {
    const domain = have.slice(at + 1);
    return domain === want || domain.endsWith(`.${want}`);
  }
  return compact(have) === compact(want);
}

/** `subject` matching: a case-insensitive substring. */
export function subjectMatches(subject: string | null, filter: string): boolean {
  return (subject ?? '').toLowerCase().includes(filter.toLowerCase());
}

/** The first link worth following (verify, login or reset), if any. */
export function actionLink(links: ExtractedLink[]): ExtractedLink | undefined {
  return links.find((l) => l.kind !== 'other');
}

/** True when the message passes every filter given. */
export function matchesFilter(message: Filterable, filter: MessageFilter): boolean {
  if (filter.from !== undefined && !fromMatches(message.from, filter.from)) return false;
  if (filter.subject !== undefined && !subjectMatches(message.subject, filter.subject)) return false;
  if (filter.kind === 'code' && message.codes.length === 0) return false;
  if (filter.kind === 'link' && actionLink(message.links) === undefined) return false;
  return true;
}
