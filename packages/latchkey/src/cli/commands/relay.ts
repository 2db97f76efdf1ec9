// `latchkey relay …`: ask for a code that reaches your human, approve or deny, wait, and read it once. The private
// key of a request made from a shell lives in a 0600 file named after the request, read and removed by `consume`.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RelayChannel, RelayHandle, type RelayRequest, type RelayStatus } from '@latchkey/sdk';
import type { Command } from 'commander';
import { CliError, fields, json, table } from '../output.js';
import type { Runner } from '../runner.js';

const REQUEST_ID = /^rly_[0-9a-z]{26}$/;

/** Where request keys are kept: `--key-dir`, else LATCHKEY_RELAY_KEY_DIR, else ~/.latchkey/relay-keys. */
function keyDir(option: string | undefined, env: Record<string, string | undefined>): string {
  return resolve(option ?? env.LATCHKEY_RELAY_KEY_DIR ?? join(homedir(), '.latchkey', 'relay-keys'));
}

function keyFileOf(dir: string, id: string): string {
  if (!REQUEST_ID.test(id)) throw new CliError(`Not a relay request id: ${id}`, 2);
  return join(dir, `${id}.key`);
}

function showRequest(io: Runner['io'], r: RelayRequest): void {
  fields(io, [
    ['id', r.id],
    ['status', r.status],
    ['agent', r.agent.name],
    ['reason', r.reason],
    ['sender', r.expectedSender],
    ['channel', r.channel],
    ['approver', r.approver.name],
    ['decided by', r.decidedBy?.name],
    ['expires', r.expiresAt],
    ['approval URL', r.approvalUrl],
  ]);
}

/** Registers the relay commands. */
export function registerRelayCommands(program: Command, runner: Runner): void {
  const relay = program.command('relay').description('OTP relay: codes that reach a human, released with approval');

  relay
    .command('request')
    .description('Ask for a code (agent key); the private key is written to a 0600 file for `relay consume`')
    .requiredOption('--reason <text>', 'shown to the approving human')
    .option('--sender <sender>', 'expected sender: email address, domain, phone number or SMS sender id')
    .option('--channel <channel>', 'email, sms or any (default any)')
    .option('--from <glob>', 'glob the sender must match')
    .option('--pattern <regex>', 'regular expression the message must match')
    .option('--ttl <seconds>', 'lifetime, 30-3600 (default 300)', (v) => Number.parseInt(v, 10))
    .option('--key-dir <dir>', 'where to keep the private key (LATCHKEY_RELAY_KEY_DIR, default ~/.latchkey/relay-keys)')
    .option('--print-key', 'also print the private key (whoever has it can read the code)')
    .action(
      runner.action(
        async (
          { lk, io, asJson },
          opts: {
            reason: string;
            sender?: string;
            channel?: RelayChannel;
            from?: string;
            pattern?: string;
            ttl?: number;
            keyDir?: string;
            printKey?: boolean;
          },
        ) => {
          const filter = {
            ...(opts.from !== undefined ? { from: opts.from } : {}),
            ...(opts.pattern !== undefined ? { pattern: opts.pattern } : {}),
          };
          const handle = await lk.relay.requestOtp({
            reason: opts.reason,
            ...(opts.sender !== undefined ? { expectedSender: opts.sender } : {}),
            ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
            ...(Object.keys(filter).length > 0 ? { filter } : {}),
            ...(opts.ttl !== undefined ? { ttlSeconds: opts.ttl } : {}),
          });
          const dir = keyDir(opts.keyDir, runner.env);
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          const keyFile = keyFileOf(dir, handle.id);
          writeFileSync(keyFile, `${handle.exportPrivateKey()}\n`, { mode: 0o600 });
          chmodSync(keyFile, 0o600);
          const privateKey = opts.printKey ? handle.exportPrivateKey() : undefined;
          handle.wipe();
          if (asJson) return json(io, { ...handle.toJSON(), keyFile, ...(privateKey ? { privateKey } : {}) });
          fields(io, [
            ['id', handle.id],
            ['status', handle.status],
            ['expires', handle.expiresAt],
            ['approval URL', handle.approvalUrl],
            ['key file', keyFile],
          ]);
          if (privateKey) io.out(`\nPrivate key (whoever has it can read the code):\n${privateKey}\n`);
        },
      ),
    );

  relay
    .command('list')
    .description('List relay requests (an agent sees its own; an operator its org)')
    .option('--status <status>', 'e.g. pending_approval')
    .option('--agent <agent>', 'agent id or name (operators)')
    .action(
      runner.action(async ({ lk, io, asJson }, opts: { status?: RelayStatus; agent?: string }) => {
        const requests: RelayRequest[] = [];
        let cursor: string | undefined;
        do {
          const page = await lk.relay.list({ ...opts, limit: 200, ...(cursor ? { cursor } : {}) });
          requests.push(...page.requests);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (asJson) return json(io, { requests });
        table(
          io,
          ['ID', 'AGENT', 'STATUS', 'SENDER', 'EXPIRES', 'REASON'],
          requests.map((r) => [r.id, r.agent.name, r.status, r.expectedSender, r.expiresAt, r.reason]),
        );
      }),
    );

  for (const [verb, what] of [
    ['approve', 'Approve a pending request (the approving human)'],
    ['deny', 'Deny a request, or withdraw an approval before a code arrives'],
  ] as const) {
    relay
      .command(verb)
      .description(what)
      .argument('<id>', 'relay request id (rly_…)')
      .action(
        runner.action(async ({ lk, io, asJson }, id: string) => {
          const r = verb === 'approve' ? await lk.relay.approve(id) : await lk.relay.deny(id);
          if (asJson) return json(io, r);
          showRequest(io, r);
        }),
      );
  }

  relay
    .command('wait')
    .description('Wait until the code arrives or the request ends; exits 1 if it ends without a code')
    .argument('<id>', 'relay request id (rly_…)')
    .option('--timeout <seconds>', 'give up after this long (default 300)', (v) => Number.parseInt(v, 10))
    .action(
      runner.action(async ({ lk, io, asJson }, id: string, opts: { timeout?: number }) => {
        if (io.isTty && !asJson) io.err(`Waiting for ${id}…\n`);
        const r = await lk.relay.wait(id, { timeoutSeconds: opts.timeout ?? 300 });
        if (asJson) json(io, r);
        else if (io.isTty) io.err(`Status: ${r.status}\n`);
        else io.out(`${r.status}\n`);
        if (r.status === 'otp_received') return;
        throw new CliError(
          r.status === 'pending_approval' || r.status === 'approved'
            ? `Still ${r.status} after the timeout.`
            : `The request ended as ${r.status}; there is no code to read.`,
        );
      }),
    );

  relay
    .command('consume')
    .description('Read the code once (agent key): prints the code, or the link when there is no code')
    .argument('<id>', 'relay request id (rly_…)')
    .option('--key-file <file>', 'the private key file (default: <key dir>/<id>.key)')
    .option('--key-dir <dir>', 'where `relay request` kept the key')
    .action(
      runner.action(async ({ lk, io, asJson }, id: string, opts: { keyFile?: string; keyDir?: string }) => {
        const file = opts.keyFile ? resolve(opts.keyFile) : keyFileOf(keyDir(opts.keyDir, runner.env), id);
        let key: string;
        try {
          key = readFileSync(file, 'utf8');
        } catch {
          throw new CliError(
            `No private key for ${id} at ${file}. It was made by \`relay request\` on this machine.`,
            2,
          );
        }
        const otp = await lk.relay.consume(RelayHandle.restore(id, key));
        // Read once: the key has nothing left to open.
        rmSync(file, { force: true });
        if (asJson) return json(io, otp);
        io.out(`${otp.code ?? otp.link ?? ''}\n`);
        if (io.isTty) io.err(`from ${otp.from} (${otp.channel}) at ${otp.receivedAt}\n`);
      }),
    );
}
