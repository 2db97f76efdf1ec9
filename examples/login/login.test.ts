// The autonomous login, end to end, on SQLite and on PostgreSQL: the built `latchkey serve` with its SMTP receiver,
// the Acme sample site mailing its codes to it over SMTP, and two agents with no human in the loop: one using the
// SDK (agent.js), one driving the MCP tools through the official MCP client over stdio (mcp-agent.js).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Latchkey } from '@latchkey/sdk';
import { describe, expect, it } from 'vitest';
import {
  dropSchema,
  freshSchema,
  pgAvailable,
  urlWithSchema,
} from '../../packages/latchkey/src/test-support/postgres.js';
import { startServer, tempDir } from '../../test/e2e/support.js';
import { logIn, signUp } from './agent.js';
import { connectStdio, signUpAndLogIn } from './mcp-agent.js';
import { startAcmeSite } from './site.js';

async function run(env: Record<string, string>) {
  const dir = tempDir();
  const server = await startServer(dir.dir, env, ['--smtp-port', '0']);
  const smtpPort = Number(server.start.smtp.split(':').pop());
  const acme = await startAcmeSite({ smtpHost: '127.0.0.1', smtpPort });
  try {
    const operator = new Latchkey({
      baseUrl: server.start.http,
      apiKey: readFileSync(server.start.adminTokenFile, 'utf8').trim(),
    });
    const sdkAgent = await operator.agents.create({ name: 'acme-sdk-bot' });
    const mcpAgent = await operator.agents.create({ name: 'acme-mcp-bot' });
    const lk = new Latchkey({ baseUrl: server.start.http, apiKey: sdkAgent.apiKey });

    // Both agents at once: each waits out the step its enrollment code used, so together they take one wait.
    const [viaSdk, viaMcp] = await Promise.all([
      (async () => {
        const enrolled = await signUp({ lk, siteUrl: acme.url });
        return logIn({ lk, siteUrl: acme.url, usedStep: enrolled.usedStep });
      })(),
      (async () => {
        const client = await connectStdio({ url: server.start.http, apiKey: mcpAgent.apiKey });
        try {
          return await signUpAndLogIn({ client, siteUrl: acme.url });
        } finally {
          await client.close();
        }
      })(),
    ]);

    expect(viaSdk.account).toMatchObject({ email: 'acme-sdk-bot@agents.localhost', signedIn: true });
    expect(viaSdk.emailedFrom).toBe('security@acme.example');
    expect(viaMcp.account).toMatchObject({ email: 'acme-mcp-bot@agents.localhost', signedIn: true });
    expect(viaMcp.calls).toEqual([
      'whoami',
      'vault_store',
      'vault_store',
      'vault_totp',
      'vault_get',
      'vault_totp',
      'mail_wait_for_code',
    ]);
    expect(acme.sent()).toBe(2);

    // Every release was audited against the agent that got it, with its delegation chain.
    for (const agent of [sdkAgent.agent, mcpAgent.agent]) {
      const { events } = await operator.audit.list({ agent: agent.id, limit: 100 });
      const actions = events.map((e) => e.action);
      for (const action of ['vault.get', 'vault.totp', 'inbox.wait']) expect(actions, agent.name).toContain(action);
      expect(events.every((e) => e.delegationChain.at(-1)?.id === agent.id)).toBe(true);
    }
    expect((await operator.audit.verify()).ok).toBe(true);
  } finally {
    await acme.close();
    await server.stop();
    dir.remove();
  }
}

describe.concurrent('an agent signs up to and signs in to a site behind a password, TOTP and an emailed code', () => {
  it('on SQLite', () => run({}), 120_000);

  it.skipIf(!pgAvailable)(
    'on PostgreSQL',
    async () => {
      const schema = freshSchema();
      try {
        await run({ DATABASE_URL: urlWithSchema(schema), LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') });
      } finally {
        await dropSchema(schema);
      }
    },
    120_000,
  );
});
