// Audit endpoints (operators): list with filters and a cursor, and chain verification.
import { z } from 'zod';
import type { AuditService } from '../../modules/audit/audit-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { AuditEventSchema, AuditVerification, presentEvent } from '../schemas/audit.js';
import { Cursor, Since } from '../schemas/common.js';

const TAG = 'Audit';

/** The audit routes. */
export function auditRoutes(audit: AuditService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/audit',
      operationId: 'listAuditEvents',
      summary: "List your org's audit events, newest first (operators)",
      tag: TAG,
      auth: true,
      query: z.strictObject({
        agent: z.string().min(1).max(100).optional().meta({ description: 'Agent id or name' }),
        action: z
          .string()
          .regex(/^[a-z0-9_.]{1,64}$/)
          .optional()
          .meta({ description: 'Exact action, or a prefix ending in "." (e.g. "agent.")' }),
        since: Since.optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
        cursor: Cursor.optional(),
      }),
      status: 200,
      response: z.object({ events: z.array(AuditEventSchema), nextCursor: z.string().nullable() }),
      errors: ['AUDIT_CURSOR_INVALID', 'AGENT_NOT_FOUND'],
      handler: async ({ ctx, query }) => {
        const { since, ...rest } = query;
        const page = await audit.list(ctx, { ...rest, sinceMs: since });
        return { events: page.events.map(presentEvent), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/audit/verify',
      operationId: 'verifyAuditChain',
      summary: "Verify your org's hash chain; names the first broken link (operators)",
      tag: TAG,
      auth: true,
      status: 200,
      response: AuditVerification,
      handler: async ({ ctx }) => audit.verify(ctx),
    }),
  ];
}
