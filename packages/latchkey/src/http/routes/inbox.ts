// Inbox endpoints (SPEC §3 "Inbox"): list, read, mark read, delete, and wait for a message.
import { z } from 'zod';
import type { InboxService } from '../../modules/inbox/inbox-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { Cursor, EmptyBody, Since } from '../schemas/common.js';
import { Message, MessageSummary, presentMessage, presentSummary, presentWait, WaitResult } from '../schemas/inbox.js';

const TAG = 'Inbox';
const AgentRef = z
  .string()
  .min(1)
  .max(100)
  .meta({ description: 'Operators: the agent (id or name) whose inbox this is. Agents act on their own.' });
const Channel = z.enum(['email', 'sms']);
const From = z.string().min(1).max(320).meta({
  description: 'An address (exact), a domain (and its subdomains), or an SMS sender.',
});
const Subject = z.string().min(1).max(200).meta({ description: 'Case-insensitive substring of the subject.' });
const MessageRef = z.strictObject({ id: z.string().min(1).max(100) });
const AgentQuery = z.strictObject({ agent: AgentRef.optional() });

/** The inbox routes. */
export function inboxRoutes(inbox: InboxService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/inbox/messages',
      operationId: 'listMessages',
      summary: 'List messages, newest first, with filters',
      description: 'Codes are secrets: every list is audited. `nextCursor` continues the scan where it stopped.',
      tag: TAG,
      auth: true,
      query: z.strictObject({
        agent: AgentRef.optional(),
        channel: Channel.optional(),
        from: From.optional(),
        subject: Subject.optional(),
        since: Since.optional(),
        unread: z
          .enum(['true', 'false'])
          .transform((v) => v === 'true')
          .optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
        cursor: Cursor.optional(),
      }),
      status: 200,
      response: z.object({ messages: z.array(MessageSummary), nextCursor: z.string().nullable() }),
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED', 'INBOX_CURSOR_INVALID'],
      handler: async ({ ctx, query }) => {
        const page = await inbox.list(ctx, query);
        return { messages: page.messages.map(presentSummary), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/inbox/messages/:id',
      operationId: 'getMessage',
      summary: 'Read one message with its text, HTML and headers (audited)',
      tag: TAG,
      auth: true,
      params: MessageRef,
      query: AgentQuery,
      status: 200,
      response: Message,
      errors: ['MESSAGE_NOT_FOUND', 'AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query }) => presentMessage(await inbox.get(ctx, query.agent, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/inbox/messages/:id/read',
      operationId: 'markMessageRead',
      summary: 'Mark a message read',
      tag: TAG,
      auth: true,
      params: MessageRef,
      query: AgentQuery,
      body: EmptyBody,
      status: 200,
      response: MessageSummary,
      errors: ['MESSAGE_NOT_FOUND', 'AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query }) => presentSummary(await inbox.markRead(ctx, query.agent, params.id)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/inbox/messages/:id',
      operationId: 'deleteMessage',
      summary: 'Delete a message',
      tag: TAG,
      auth: true,
      params: MessageRef,
      query: AgentQuery,
      status: 204,
      response: null,
      errors: ['MESSAGE_NOT_FOUND', 'AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query }) => {
        await inbox.remove(ctx, query.agent, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/inbox/wait',
      operationId: 'waitForMessage',
      summary: 'Wait for a matching message (long poll)',
      description:
        'Answers as soon as a matching message is stored on any instance, or at once when one already arrived ' +
        'after `since` (default: now); the newest match wins. Otherwise `{status:"timeout"}` after `timeoutSeconds`.',
      tag: TAG,
      auth: true,
      query: z.strictObject({
        agent: AgentRef.optional(),
        channel: Channel.optional(),
        from: From.optional(),
        subject: Subject.optional(),
        since: Since.optional(),
        kind: z.enum(['code', 'link', 'any']).default('any'),
        timeoutSeconds: z.coerce.number().int().min(0).max(120).default(30),
      }),
      status: 200,
      response: WaitResult,
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, query, reply }) => {
        // A client that hangs up stops the wait and releases its subscription at once.
        const gone = new AbortController();
        const onClose = () => {
          if (!reply.raw.writableFinished) gone.abort();
        };
        reply.raw.on('close', onClose);
        try {
          const outcome = await inbox.wait(ctx, query, gone.signal);
          return outcome ? presentWait(outcome) : undefined;
        } finally {
          reply.raw.off('close', onClose);
        }
      },
    }),
  ];
}
