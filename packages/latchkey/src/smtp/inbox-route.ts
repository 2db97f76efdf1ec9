// The inbox's mail route: `<agent name>[+tag]@<mail domain>` delivers to that agent's inbox.
import { RESERVED_AGENT_PREFIX } from '../modules/identity/identity-service.js';
import type { InboxService } from '../modules/inbox/inbox-service.js';
import type { MailRoute } from './routes.js';

/** Builds the route over the inbox service. */
export function inboxMailRoute(inbox: Pick<InboxService, 'findMailRecipient' | 'deliver'>): MailRoute {
  return {
    async accept(localPart) {
      // The relay's addresses: never an inbox, even if an agent with that name existed from before the rule.
      if (localPart.startsWith(RESERVED_AGENT_PREFIX)) return null;
      const recipient = await inbox.findMailRecipient(localPart);
      if (!recipient) return null;
      return async (mail) => {
        await inbox.deliver(recipient, {
          channel: 'email',
          receivedAt: mail.receivedAt,
          size: mail.size,
          from: mail.from ? { address: mail.from.address, name: mail.from.name || null } : null,
          to: mail.envelope.rcptTo,
          subject: mail.subject,
          body: {
            text: mail.text,
            html: mail.html,
            headers: mail.headers,
            messageId: mail.messageId,
            envelopeFrom: mail.envelope.mailFrom,
          },
          auth: { spf: mail.auth.spf, dkim: mail.auth.dkim, dmarc: mail.auth.dmarc, verdict: mail.auth.verdict },
          extraction: {
            extractedText: mail.extraction.extractedText,
            codes: mail.extraction.codes,
            links: mail.extraction.links,
          },
        });
      };
    },
  };
}
