// Wire shapes of the inbox: message summaries and details, wait results, phone numbers.
import { z } from 'zod';
import type { PhoneNumberRecord } from '../../modules/inbox/inbox-repo.js';
import type { MessageDetail, MessageView, WaitOutcome } from '../../modules/inbox/inbox-service.js';
import { iso, Timestamp } from './common.js';

export const MessageCode = z
  .object({
    value: z.string().meta({ description: 'What to type, separators removed (`G-412 157` → `412157`).' }),
    display: z.string().meta({ description: 'The code as the message wrote it.' }),
    confidence: z.number(),
  })
  .meta({ id: 'MessageCode' });

export const MessageLink = z
  .object({ url: z.string(), kind: z.enum(['verify', 'login', 'reset', 'other']) })
  .meta({ id: 'MessageLink' });

export const MessageAuth = z
  .object({
    spf: z.string(),
    dkim: z.string(),
    dmarc: z.string(),
    verdict: z.enum(['pass', 'fail', 'neutral', 'none']).meta({
      description:
        '`pass`: DMARC passed for the From domain; `fail`: it failed (or, without a DMARC policy, SPF or DKIM ' +
        'failed); `neutral`: some domain authenticated, not the From domain; `none`: nothing could be checked (SMS).',
    }),
  })
  .meta({ id: 'MessageAuth', description: 'Sender authentication, from the SMTP session only (never from headers).' });

const summaryShape = {
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  from: z.string().nullable().meta({ description: 'Header From address, or the SMS sender.' }),
  fromName: z.string().nullable(),
  to: z.string().meta({ description: 'The address (with its +tag) or number it was delivered to.' }),
  subject: z.string().nullable(),
  receivedAt: Timestamp,
  read: z.boolean(),
  size: z.number().int(),
  extractedText: z.string(),
  codes: z.array(MessageCode).meta({ description: 'Best first; empty when the message carries no code.' }),
  links: z.array(MessageLink).meta({ description: 'Best first; verify/login/reset links before others.' }),
  auth: MessageAuth,
};

export const MessageSummary = z.object(summaryShape).meta({ id: 'MessageSummary' });

export const Message = z
  .object({
    ...summaryShape,
    text: z.string().nullable(),
    html: z.string().nullable().meta({ description: 'Untrusted sender content: never render it unsanitised.' }),
    headers: z.array(z.object({ key: z.string(), value: z.string() })),
    messageId: z.string().nullable(),
    envelopeFrom: z.string().nullable().meta({ description: 'MAIL FROM of the SMTP session.' }),
  })
  .meta({ id: 'Message' });

export const WaitResult = z
  .object({
    status: z.enum(['received', 'timeout']),
    message: MessageSummary.optional(),
    code: MessageCode.optional().meta({ description: 'The code to type, when the message has one.' }),
    link: MessageLink.optional().meta({ description: 'The first verify, login or reset link, when there is one.' }),
  })
  .meta({ id: 'InboxWaitResult' });

export const PhoneNumber = z
  .object({ id: z.string(), agentId: z.string(), number: z.string(), createdAt: Timestamp })
  .meta({ id: 'PhoneNumber' });

/** Wire form of a message summary. */
export function presentSummary(m: MessageView): z.input<typeof MessageSummary> {
  return {
    id: m.id,
    channel: m.channel,
    from: m.from,
    fromName: m.fromName,
    to: m.to,
    subject: m.subject,
    receivedAt: iso(m.receivedAt),
    read: m.read,
    size: m.size,
    extractedText: m.extractedText,
    codes: m.codes.map((c) => ({ value: c.value, display: c.display, confidence: c.confidence })),
    links: m.links.map((l) => ({ url: l.url, kind: l.kind })),
    auth: m.auth,
  };
}

/** Wire form of a whole message. */
export function presentMessage(m: MessageDetail): z.input<typeof Message> {
  return {
    ...presentSummary(m),
    text: m.text,
    html: m.html,
    headers: m.headers,
    messageId: m.messageId,
    envelopeFrom: m.envelopeFrom,
  };
}

/** Wire form of a wait outcome. */
export function presentWait(outcome: WaitOutcome): z.input<typeof WaitResult> {
  if (outcome.status === 'timeout') return { status: 'timeout' };
  return {
    status: 'received',
    message: presentSummary(outcome.message),
    ...(outcome.code ? { code: outcome.code } : {}),
    ...(outcome.link ? { link: outcome.link } : {}),
  };
}

/** Wire form of a phone number mapping. */
export function presentPhoneNumber(p: PhoneNumberRecord): z.input<typeof PhoneNumber> {
  return { id: p.id, agentId: p.agentId, number: p.number, createdAt: iso(p.createdAt) };
}
