// Sealing and opening messages: one data key per message, two sealed fields (the summary lists need, the body
// only a single read needs), each bound to the org, agent, message and field it belongs to.
import type { Envelope, EnvelopeContext } from '../../crypto/envelope.js';
import type { ExtractedCode, ExtractedLink } from './extract/index.js';
import type { MessageRow, MessageWithBody } from './inbox-repo.js';

/** What lists show: who, to which address, about what, and what was extracted. */
export interface SummaryContent {
  from: string | null;
  fromName: string | null;
  /** The address or number it was delivered to (with its `+tag`). */
  to: string;
  subject: string | null;
  extractedText: string;
  codes: ExtractedCode[];
  links: ExtractedLink[];
}

/** What only a single read shows. */
export interface BodyContent {
  text: string | null;
  html: string | null;
  headers: { key: string; value: string }[];
  messageId: string | null;
  /** MAIL FROM of the SMTP session (empty for bounces), null for SMS. */
  envelopeFrom: string | null;
}

/** The envelope context of a message's data key. */
export function messageContext(orgId: string, agentId: string, id: string): EnvelopeContext {
  return { scope: 'message', orgId, ownerId: agentId, objectId: id };
}

/** Seals a new message's content under a fresh data key. */
export function sealMessage(
  envelope: Envelope,
  at: { orgId: string; agentId: string; id: string },
  content: { summary: SummaryContent; body: BodyContent },
): { wrappedKey: Buffer; summary: Buffer; body: Buffer } {
  const { dataKey, wrapped } = envelope.newDataKey(messageContext(at.orgId, at.agentId, at.id));
  return {
    wrappedKey: wrapped,
    summary: dataKey.seal('summary', JSON.stringify(content.summary)),
    body: dataKey.seal('body', JSON.stringify(content.body)),
  };
}

/** Opens a message's summary. @throws AppError CIPHERTEXT_INVALID when the row was tampered with or moved. */
export function openSummary(envelope: Envelope, row: MessageRow): SummaryContent {
  const key = envelope.openDataKey(row.wrappedKey, messageContext(row.orgId, row.agentId, row.id));
  return JSON.parse(key.openText('summary', row.summary)) as SummaryContent;
}

/** Opens a message's summary and body. */
export function openMessage(envelope: Envelope, row: MessageWithBody): { summary: SummaryContent; body: BodyContent } {
  const key = envelope.openDataKey(row.wrappedKey, messageContext(row.orgId, row.agentId, row.id));
  return {
    summary: JSON.parse(key.openText('summary', row.summary)) as SummaryContent,
    body: JSON.parse(key.openText('body', row.body)) as BodyContent,
  };
}
