// Standard Webhooks signing (standardwebhooks.com), for callers that deliver to Latchkey's signed intake routes.
import { createHmac, randomBytes } from 'node:crypto';
import { LatchkeyError } from './errors.js';

/** The headers of one signed delivery of `body` (the exact bytes sent). */
export function standardWebhookHeaders(
  secret: string,
  body: string,
  options: { id?: string; timestamp?: number } = {},
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret.trim());
  const key = match?.[1] ? Buffer.from(match[1], 'base64') : undefined;
  if (!key || key.length < 24) {
    throw new LatchkeyError({
      code: 'CONFIGURATION',
      message: 'The webhook secret must be whsec_ followed by base64 of at least 24 bytes.',
      status: 0,
    });
  }
  const id = options.id ?? `msg_${randomBytes(16).toString('hex')}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  key.fill(0);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
