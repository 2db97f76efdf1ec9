// Public shapes of the verification-code and link extractor: what goes in, what an agent gets back.

/** One received message, as the inbox stores it. Every field except `channel` may be missing. */
export interface ExtractInput {
  channel: 'email' | 'sms';
  from?: string | null;
  subject?: string | null;
  text?: string | null;
  html?: string | null;
}

/** A code an agent can type. `value` has separators, letter prefixes and non-ASCII digits normalised away. */
export interface ExtractedCode {
  /** What to type: `G-412 157` → `412157`; Arabic-Indic or Devanagari digits become ASCII. */
  value: string;
  /** The code as the message wrote it. */
  display: string;
  /** 0..1; how sure the extractor is that this is the verification code. */
  confidence: number;
}

/** What following a link does: confirm an address, sign in, reset a credential, or anything else. */
export type LinkKind = 'verify' | 'login' | 'reset' | 'other';

/** A link found in a message, with what it is for. */
export interface ExtractedLink {
  url: string;
  kind: LinkKind;
}

/** Everything the extractor found in one message. */
export interface Extraction {
  /** Readable text: HTML rendered to text without hidden elements, quoted replies removed. */
  extractedText: string;
  /** Best first; the first is the one to type. Empty when the message carries no verification code. */
  codes: ExtractedCode[];
  /** Best first; verify/login/reset links before the rest. No such kind when the message has no such link. */
  links: ExtractedLink[];
  /** From a WICG origin-bound last line `@example.com #123456` (sms-one-time-codes). */
  origin?: { domain: string; code: string };
}
