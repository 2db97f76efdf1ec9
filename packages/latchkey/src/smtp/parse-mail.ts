// Turns the raw bytes of one message into plain data: MIME parsed by postal-mime, SPF/DKIM/DMARC checked by
// mailauth against the SMTP session (never against headers the sender wrote), codes and links extracted.
// Runs inside the parse worker; hostile input is bounded here as well as by the worker's budgets.
import type { MessagePort } from 'node:worker_threads';
import { authenticate, type DNSResolver } from 'mailauth';
import PostalMime, { type Address } from 'postal-mime';
import { extractMessage } from '../modules/inbox/extract/index.js';
import { type AuthFindings, summariseAuth } from './auth-verdict.js';
import type { DnsResolver } from './dns.js';
import type { ReceivedMail } from './routes.js';

/** What the SMTP session knows about a message, before its bytes are read. */
export interface SessionFacts {
  /** MAIL FROM; empty for the null sender (bounces). */
  mailFrom: string;
  remoteAddress: string;
  heloName: string;
}

/** One task of the parse worker: the message bytes (transferred), what the session knows, the port for DNS. */
export interface ParseTask {
  raw: Uint8Array;
  session: SessionFacts;
  mta: string;
  dns: MessagePort;
}

/** The parsed message, without what only the receiver knows (recipient, time, size). */
export type ParsedMail = Omit<ReceivedMail, 'receivedAt' | 'envelope' | 'size'>;

/** Limits on what one parsed message may carry out of the worker. */
export const PARSE_LIMITS = {
  /** Deeper MIME trees are refused (a nested-multipart bomb). */
  maxNestingDepth: 32,
  maxHeadersSize: 256 * 1024,
  /** Text and HTML kept per message; extraction still reads the start of the whole part. */
  maxBodyChars: 512 * 1024,
  maxHeaders: 200,
  maxHeaderValueChars: 4096,
  maxAddresses: 100,
} as const;

function clip(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  return value.length > max ? value.slice(0, max) : value;
}

function mailboxes(list: Address[] | undefined): string[] {
  const out: string[] = [];
  for (const entry of list ?? []) {
    if (entry.address !== undefined) out.push(entry.address);
    else for (const member of entry.group) out.push(member.address);
    if (out.length >= PARSE_LIMITS.maxAddresses) break;
  }
  return out.slice(0, PARSE_LIMITS.maxAddresses);
}

function firstMailbox(address: Address | undefined): { address: string; name: string } | null {
  if (!address) return null;
  if (address.address !== undefined) return { address: address.address, name: address.name };
  const first = address.group[0];
  return first ? { address: first.address, name: first.name } : null;
}

/**
 * Parses and authenticates one message. `mta` names this receiver in Authentication-Results. Throws when the
 * MIME structure is beyond the limits (the worker reports that as a refusal with the message).
 */
export async function parseMail(
  raw: Uint8Array,
  session: SessionFacts,
  options: { mta: string; resolver: DnsResolver },
): Promise<ParsedMail> {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // mailauth declares TXT-shaped answers only; MX and A answers pass through unchanged, as from node:dns.
  const resolver: DNSResolver = (name, rrtype) => options.resolver(name, rrtype) as ReturnType<DNSResolver>;
  // Parsing and authentication read the same bytes independently; running them together overlaps the parse
  // with the DNS round trips of authentication.
  const [email, auth] = await Promise.all([
    PostalMime.parse(bytes, {
      maxNestingDepth: PARSE_LIMITS.maxNestingDepth,
      maxHeadersSize: PARSE_LIMITS.maxHeadersSize,
      attachmentEncoding: 'arraybuffer',
    }),
    authenticate(bytes, {
      // Only what this server saw: a forged Received or Return-Path header must not change the verdict.
      trustReceived: false,
      sender: session.mailFrom,
      ip: session.remoteAddress,
      helo: session.heloName,
      mta: options.mta,
      resolver,
      disableArc: true,
      disableBimi: true,
    }),
  ]);
  const from = firstMailbox(email.from);
  const subject = clip(email.subject, PARSE_LIMITS.maxHeaderValueChars);
  const extraction = extractMessage({
    channel: 'email',
    from: from?.address ?? null,
    subject,
    text: email.text ?? null,
    html: email.html ?? null,
  });
  const findings: AuthFindings = {
    spf: auth.spf,
    dkim: { results: auth.dkim.results ?? [] },
    dmarc: auth.dmarc,
    headerFrom: auth.dkim.headerFrom ?? [],
  };
  return {
    from,
    to: mailboxes(email.to),
    subject,
    text: clip(email.text, PARSE_LIMITS.maxBodyChars),
    html: clip(email.html, PARSE_LIMITS.maxBodyChars),
    headers: email.headers
      .slice(0, PARSE_LIMITS.maxHeaders)
      .map((h) => ({ key: h.key, value: h.value.slice(0, PARSE_LIMITS.maxHeaderValueChars) })),
    messageId: clip(email.messageId, 998),
    auth: summariseAuth(findings),
    extraction,
  };
}
