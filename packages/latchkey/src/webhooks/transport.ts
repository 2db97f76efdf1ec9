// The relay's outbound webhook transport: registration checks and SSRF-safe delivery, with failures classified
// into those worth retrying (the receiver is down or slow) and those that are not (the URL itself is refused).
import type { WebhookAttempt, WebhookTransport } from '../modules/relay/relay-dispatcher.js';
import { type Resolver, type SafePostFailure, safePost } from './safe-post.js';
import { validateWebhookUrl, WebhookUrlError } from './validate-url.js';

/** Failures that another attempt cannot fix; the delivery is marked failed at once. */
const PERMANENT: readonly SafePostFailure[] = ['invalid_url', 'refused_address', 'redirect'];

/** Builds the transport. `allowedPrivateHosts` (host:port) is for development and tests only. */
export function createWebhookTransport(options: {
  allowedPrivateHosts: readonly string[];
  timeoutMs?: number;
  resolve?: Resolver;
}): WebhookTransport {
  return {
    check(url) {
      try {
        validateWebhookUrl(url, { field: 'url', allowedPrivateHosts: options.allowedPrivateHosts });
        return null;
      } catch (error) {
        if (error instanceof WebhookUrlError) return error.message;
        throw error;
      }
    },
    async post(url, request): Promise<WebhookAttempt> {
      const outcome = await safePost(url, {
        headers: request.headers,
        body: request.body,
        timeoutMs: options.timeoutMs ?? 10_000,
        maxResponseBytes: 4096,
        allowedPrivateHosts: options.allowedPrivateHosts,
        ...(options.resolve ? { resolve: options.resolve } : {}),
      });
      if (outcome.ok) return { ok: true, status: outcome.status };
      return {
        ok: false,
        retryable: !PERMANENT.includes(outcome.failure),
        error: outcome.message,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      };
    },
  };
}
