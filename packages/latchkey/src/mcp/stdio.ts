// `latchkey mcp`: the MCP server over stdio, for MCP clients that launch it (LATCHKEY_URL + LATCHKEY_API_KEY).
import { Latchkey } from '@latchkey/sdk';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createRelayKeyring } from './relay-keys.js';
import { createMcpServer } from './server.js';

/** Serves MCP on stdin/stdout until the client closes the stream. */
export async function runStdioMcp(options: { url: string; apiKey: string }): Promise<void> {
  const lk = new Latchkey({ baseUrl: options.url, apiKey: options.apiKey });
  const keys = createRelayKeyring();
  const server = createMcpServer(lk, keys);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
  keys.clear();
}
