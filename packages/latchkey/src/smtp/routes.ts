// The SMTP receiver's extension point: routes decide, at RCPT time, who takes a recipient and what to do with
// the parsed message. The inbox and the OTP relay each register one, so neither knows the other.
import type { Extraction } from '../modules/inbox/extract/index.js';

/** Outcome of one authentication method, as mailauth reports it. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** SPF, DKIM and DMARC verdicts for a message, and the one-word summary agents can branch on. */
export interface MailAuth {
  spf: string;
  dkim: string;
  dmarc: string;
  /** `pass`: DMARC passed; `fail`: DMARC (or, without a policy, SPF and DKIM) failed; `neutral`: some
   * domain authenticated but not in line with the header From; `none`: nothing could be checked. */
  verdict: 'pass' | 'fail' | 'neutral' | 'none';
  /** The domain of the header From, which DMARC judged. */
  fromDomain: string | null;
}

/** A message that passed the receiver's limits, parsed and authenticated, for one recipient. */
export interface ReceivedMail {
  receivedAt: number;
  envelope: { mailFrom: string; rcptTo: string; remoteAddress: string; heloName: string };
  /** The header From. */
  from: { address: string; name: string } | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  headers: { key: string; value: string }[];
  messageId: string | null;
  /** Bytes as received (after dot-unstuffing). */
  size: number;
  /** From the SMTP session only: a `Received:` header the sender wrote is never trusted. */
  auth: MailAuth;
  extraction: Extraction;
}

/** Delivers one parsed message to the recipient a route accepted; a rejection makes the sender retry later. */
export type MailDelivery = (mail: ReceivedMail) => Promise<void>;

/** A set of addresses the receiver serves. */
export interface MailRoute {
  /** At RCPT time: a delivery function for this recipient, or null when it is not this route's (→ 550 if no route takes it). */
  accept(localPart: string, domain: string): Promise<MailDelivery | null>;
}
