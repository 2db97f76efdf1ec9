// Messages for inbox tests, as a transport would hand them to the service (parsed and extracted for real).
import { extractMessage } from '../extract/index.js';
import type { IncomingMessage } from '../inbox-service.js';

/** An email from `from` with `subject` and `text`, run through the real extractor. */
export function incomingEmail(
  over: { from?: string; subject?: string; text?: string; to?: string; receivedAt?: number } = {},
): IncomingMessage {
  const from = over.from ?? 'accounts@example.com';
  const subject = over.subject ?? 'Your Example verification code';
  const text = over.text ?? 'Your Example verification code is 482913. It expires in 10 minutes.';
  const extraction = extractMessage({ channel: 'email', from, subject, text });
  return {
    channel: 'email',
    receivedAt: over.receivedAt ?? Date.now(),
    size: text.length + 200,
    from: { address: from, name: 'Example' },
    to: over.to ?? 'bot@agents.localhost',
    subject,
    body: {
      text,
      html: `<p>${text}</p>`,
      headers: [{ key: 'subject', value: subject }],
      messageId: '<test@example.com>',
      envelopeFrom: from,
    },
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', verdict: 'pass' },
    extraction: { extractedText: extraction.extractedText, codes: extraction.codes, links: extraction.links },
  };
}
