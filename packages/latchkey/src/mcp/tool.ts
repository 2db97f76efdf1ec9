// How MCP tools are defined: a zod input and output schema, a description written for a model, and a handler
// that calls the HTTP API through the SDK (so audit, policy and limits apply exactly as for any client).
import type { Latchkey } from '@latchkey/sdk';
import { LatchkeyError } from '@latchkey/sdk';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { RelayKeyring } from './relay-keys.js';

/** What a tool handler can use: the SDK client of the calling agent, the session's relay keys and its memory. */
export interface ToolContext {
  lk: Latchkey;
  relayKeys: RelayKeyring;
  session: SessionState;
}

/** What one MCP session remembers between calls. */
export interface SessionState {
  /** When the session began (ms): a wait never hands out a message from before it. */
  startedAt: number;
  /** When the newest message `mail_wait_for_code` handed out was received (ms), so it is not handed out twice. */
  lastWaitReceivedAt: number | null;
}

/** A fresh session's memory. */
export function newSessionState(now = Date.now()): SessionState {
  return { startedAt: now, lastWaitReceivedAt: null };
}

/** One MCP tool. */
export interface ToolDef<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  /** For the model: what it returns, when to use it, what to watch out for. */
  description: string;
  input: I;
  output: O;
  /** Read-only tools let clients skip confirmation prompts. */
  readOnly: boolean;
  handler(ctx: ToolContext, input: z.infer<z.ZodObject<I>>): Promise<z.infer<z.ZodObject<O>>>;
}

/** Identity function keeping a tool's types inferred. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

// biome-ignore lint/suspicious/noExplicitAny: the erased form of ToolDef; each tool is checked where it is defined.
export type AnyTool = ToolDef<any, any>;

/** How often a call still running tells a client that asked for progress (`_meta.progressToken`) that it is alive. */
export const PROGRESS_INTERVAL_MS = 5_000;

/**
 * Registers tools on an MCP server; API errors become tool errors the model can read, never exceptions. A call
 * that waits (for a code, an approval) sends progress notifications when the client asked for them, so clients
 * that reset their timeout on progress can wait longer than their per-call limit.
 */
export function registerTools(server: McpServer, tools: AnyTool[], ctx: ToolContext): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { readOnlyHint: tool.readOnly, openWorldHint: false },
      },
      async (input: unknown, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => {
        const token = extra._meta?.progressToken;
        let beats = 0;
        const heartbeat =
          token === undefined
            ? undefined
            : setInterval(() => {
                beats += 1;
                const params = { progressToken: token, progress: beats, message: 'Still waiting.' };
                void extra.sendNotification({ method: 'notifications/progress', params }).catch(() => undefined);
              }, PROGRESS_INTERVAL_MS);
        try {
          const result = await tool.handler(ctx, input as never);
          return { structuredContent: result, content: [{ type: 'text' as const, text: JSON.stringify(result) }] };
        } catch (err) {
          const message =
            err instanceof LatchkeyError
              ? `${err.code} (HTTP ${err.status}): ${err.message}${err.details.map((d) => ` [${d.path}: ${d.message}]`).join('')}`
              : `Tool failed: ${err instanceof Error ? err.message : String(err)}`;
          return { isError: true, content: [{ type: 'text' as const, text: message }] };
        } finally {
          clearInterval(heartbeat);
        }
      },
    );
  }
}

/** `T` with its optional-or-undefined properties made truly optional (what the SDK's option types expect). */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops the properties whose value is undefined (zod's optional fields), typed for the SDK's options. */
export function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
