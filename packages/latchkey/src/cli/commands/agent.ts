// `latchkey agent …` and `latchkey agent key …`: manage agents and their API keys.
import type { Agent, AgentKey } from '@latchkey/sdk';
import type { Command } from 'commander';
import { fields, json, table } from '../output.js';
import type { Runner } from '../runner.js';

function showAgent(agent: Agent, run: Runner['io']): void {
  fields(run, [
    ['id', agent.id],
    ['name', agent.name],
    ['status', agent.status],
    ['description', agent.description],
    ['created by', agent.createdBy],
    ['created', agent.createdAt],
    ['updated', agent.updatedAt],
  ]);
}

function keyRows(keys: AgentKey[]) {
  return keys.map((k) => [k.id, k.status, k.createdAt, k.expiresAt, k.revokedAt]);
}

/** Registers the agent commands. */
export function registerAgentCommands(program: Command, runner: Runner): void {
  const agent = program.command('agent').description('Create and manage agents (operator token)');

  agent
    .command('create')
    .description('Create an agent and print its first API key (shown once)')
    .argument('<name>', 'slug: lowercase letters, digits, hyphens')
    .option('-d, --description <text>', 'what the agent is for')
    .action(
      runner.action(async ({ lk, io, asJson }, name: string, opts: { description?: string }) => {
        const created = await lk.agents.create({
          name,
          ...(opts.description ? { description: opts.description } : {}),
        });
        if (asJson) return json(io, created);
        showAgent(created.agent, io);
        io.out(`\nAPI key (shown once, store it now):\n${created.apiKey}\n`);
      }),
    );

  agent
    .command('list')
    .description('List agents')
    .option('--status <status>', 'active, suspended or revoked')
    .action(
      runner.action(async ({ lk, io, asJson }, opts: { status?: 'active' | 'suspended' | 'revoked' }) => {
        const agents: Agent[] = [];
        for await (const a of lk.agents.listAll(opts.status ? { status: opts.status } : {})) agents.push(a);
        if (asJson) return json(io, { agents });
        table(
          io,
          ['ID', 'NAME', 'STATUS', 'CREATED', 'DESCRIPTION'],
          agents.map((a) => [a.id, a.name, a.status, a.createdAt, a.description]),
        );
      }),
    );

  for (const [verb, what] of [
    ['show', 'Show one agent'],
    ['suspend', 'Suspend an agent: its keys are refused from the next request on'],
    ['resume', 'Resume a suspended agent'],
    ['revoke', 'Revoke an agent for good: all its keys stop working at once'],
  ] as const) {
    agent
      .command(verb)
      .description(what)
      .argument('<agent>', 'agent id or name')
      .action(
        runner.action(async ({ lk, io, asJson }, ref: string) => {
          const result =
            verb === 'show'
              ? await lk.agents.get(ref)
              : verb === 'suspend'
                ? await lk.agents.suspend(ref)
                : verb === 'resume'
                  ? await lk.agents.resume(ref)
                  : await lk.agents.revoke(ref);
          if (asJson) return json(io, result);
          showAgent(result, io);
          if (verb === 'show') {
            io.out('\nKeys:\n');
            table(io, ['KEY', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED'], keyRows(await lk.agents.keys.list(ref)));
          }
        }),
      );
  }

  const key = agent.command('key').description("Manage an agent's API keys");
  key
    .command('create')
    .description('Create another API key (shown once)')
    .argument('<agent>', 'agent id or name')
    .option('--expires-in <seconds>', 'lifetime in seconds (at least 60)', (v) => Number.parseInt(v, 10))
    .action(
      runner.action(async ({ lk, io, asJson }, ref: string, opts: { expiresIn?: number }) => {
        const created = await lk.agents.keys.create(
          ref,
          opts.expiresIn === undefined ? {} : { expiresInSeconds: opts.expiresIn },
        );
        if (asJson) return json(io, created);
        fields(io, [
          ['key', created.key.id],
          ['expires', created.key.expiresAt ?? 'never'],
        ]);
        io.out(`\nAPI key (shown once, store it now):\n${created.apiKey}\n`);
      }),
    );
  key
    .command('list')
    .description("List an agent's keys")
    .argument('<agent>', 'agent id or name')
    .action(
      runner.action(async ({ lk, io, asJson }, ref: string) => {
        const keys = await lk.agents.keys.list(ref);
        if (asJson) return json(io, { keys });
        table(io, ['KEY', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED'], keyRows(keys));
      }),
    );
  key
    .command('revoke')
    .description('Revoke one API key')
    .argument('<agent>', 'agent id or name')
    .argument('<keyId>', 'key id (key_…)')
    .action(
      runner.action(async ({ lk, io, asJson }, ref: string, keyId: string) => {
        const revoked = await lk.agents.keys.revoke(ref, keyId);
        if (asJson) return json(io, revoked);
        io.out(`Revoked ${revoked.id}.\n`);
      }),
    );
}
