// Schemas shared by every route: the error envelope, timestamps, pagination.
import { z } from 'zod';

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'UPPER_SNAKE error code; stable, safe to branch on.' }),
      message: z.string(),
      requestId: z.string(),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'Field-level problems; `path` names the field as sent.' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every error response has this shape.' });

/** An ISO 8601 timestamp in UTC. */
export const Timestamp = z.iso.datetime();

// Most timestamps on the wire are the same few (an agent's createdAt on every /v1/me): formatting is remembered.
const ISO_CACHE_SIZE = 4096;
const isoCache = new Map<number, string>();

/** Converts epoch milliseconds to the wire format. */
export function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear();
    isoCache.set(ms, text);
  }
  return text;
}

/** Converts nullable epoch milliseconds to the wire format. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** `limit` for list endpoints. */
export const Limit = z.coerce.number().int().min(1).max(500);

/** A page cursor, opaque to clients. */
export const Cursor = z.string().min(1).max(200);

/** `since` filters: an ISO timestamp. */
export const Since = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** An empty JSON object body (for POST actions that take no input). */
export const EmptyBody = z.strictObject({}).optional();
