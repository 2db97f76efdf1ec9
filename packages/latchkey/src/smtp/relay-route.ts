// The relay's mail route: `relay-<human name>@<mail domain>` hands a message to OTP capture (SPEC §3 "OTP relay").
// Nothing of the message is stored: capture seals the code to the agent at once, or records why it did not match.
import type { RelayCapture } from '../modules/relay/relay-capture.js';
import type { MailRoute } from './routes.js';

/** Builds the route over the relay's capture. It claims only `relay-<name>` where exactly one human has that name. */
export function relayMailRoute(relay: Pick<RelayCapture, 'recipientOf' | 'captureMail'>): MailRoute {
  return {
    async accept(localPart) {
      const recipient = await relay.recipientOf(localPart);
      if (!recipient) return null;
      return async (mail) => {
        await relay.captureMail(recipient.humanId, mail);
      };
    },
  };
}
