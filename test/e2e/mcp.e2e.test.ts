// The MCP server driven by the official MCP client, over stdio (`latchkey mcp`) and Streamable HTTP (`/mcp`).
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, http, type ServerProcess, startServer, tempDir } from './support.js';

let server: ServerProcess;
let dir: { dir: string; remove: () => void };
let agentKey: string;
let opToken: string;

beforeAll(async () => {
  dir = tempDir();
  server = await startServer(dir.dir);
  opToken = readFileSync(server.start.adminTokenFile, 'utf8').trim();
  const created = await http(`${server.start.http}/v1/agents`, opToken, { method: 'POST', body: { name: 'mcp-bot' } });
  agentKey = created.body.apiKey as string;
});

afterAll(async () => {
  await server?.stop();
  dir?.remove();
});

async function exercise(client: Client) {
  const { tools } = await client.listTools();
  const whoami = tools.find((t) => t.name === 'whoami');
  expect(whoami?.description).toMatch(/delegation chain/);
  expect(whoami?.annotations?.readOnlyHint).toBe(true);
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  expect(result.isError).toBeFalsy();
  const structured = result.structuredContent as { agent: { name: string }; delegationChain: { type: string }[] };
  expect(structured.agent.name).toBe('mcp-bot');
  expect(structured.delegationChain.map((l) => l.type)).toEqual(['human', 'org', 'agent']);
}

describe('MCP', () => {
  it('serves the tools over Streamable HTTP at /mcp with an agent key', async () => {
    const client = new Client({ name: 'latchkey-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.start.http}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${agentKey}` } },
    });
    await client.connect(transport);
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  it('serves the same tools over stdio with `latchkey mcp`', async () => {
    const client = new Client({ name: 'latchkey-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: { ...(process.env as Record<string, string>), LATCHKEY_URL: server.start.http, LATCHKEY_API_KEY: agentKey },
    });
    await client.connect(transport);
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  it('refuses missing credentials, operator tokens, and sessions opened by another key', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    const post = (token: string | null, headers: Record<string, string> = {}) =>
      fetch(`${server.start.http}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify(init),
      });
    expect((await post(null)).status).toBe(401);
    expect((await post(opToken)).status).toBe(403);
    const opened = await post(agentKey);
    expect(opened.status).toBe(200);
    const sessionId = opened.headers.get('mcp-session-id') ?? '';
    expect(sessionId).not.toBe('');
    const other = await http(`${server.start.http}/v1/agents/mcp-bot/keys`, opToken, { method: 'POST' });
    const stolen = await post(other.body.apiKey as string, { 'mcp-session-id': sessionId });
    expect(stolen.status).toBe(404);
  });
});
