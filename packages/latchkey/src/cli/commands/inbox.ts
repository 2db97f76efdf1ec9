// `latchkey inbox list|show|wait`: read an agent's messages and wait for the next code or link.
import type { MessageSummary } from '@latchkey/sdk';
import type { Command } from 'commander';
import { CliError, fields, json, table } from '../output.js';
import type { Runner } from '../runner.js';

interface FilterFlags {
  agent?: string;
  channel?: 'email' | 'sms';
  from?: string;
  subject?: string;
  since?: string;
}

function filters(opts: FilterFlags) {
  return {
    ...(opts.agent ? { agent: opts.agent } : {}),
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.subject ? { subject: opts.subject } : {}),
    ...(opts.since ? { since: opts.since } : {}),
  };
}

function withFilters(command: Command): Command {
  return command
    .option('--agent <agent>', 'operators: the agent (id or name) whose inbox to read')
    .option('--channel <channel>', 'email or sms')
    .option('--from <sender>', 'an address, a domain (and its subdomains) or an SMS sender')
    .option('--subject <text>', 'subject contains this (case-insensitive)')
    .option('--since <time>', 'ISO time; only messages received since');
}

const positive = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`not a whole number of seconds: ${v}`, 2);
  return n;
};

/** Registers the inbox commands. */
export function registerInboxCommands(program: Command, runner: Runner): void {
  const inbox = program.command('inbox').description("Read an agent's email and SMS, and wait for codes");

  withFilters(inbox.command('list').description('List messages, newest first'))
    .option('--unread', 'only unread messages')
    .option('--limit <n>', 'at most this many (default 50)', (v) => Number.parseInt(v, 10))
    .action(
      runner.action(async ({ lk, io, asJson }, opts: FilterFlags & { unread?: boolean; limit?: number }) => {
        const page = await lk.mail.listMessages({
          ...filters(opts),
          ...(opts.unread ? { unread: true } : {}),
          ...(opts.limit ? { limit: opts.limit } : {}),
        });
        if (asJson) return json(io, page);
        table(
          io,
          ['ID', 'RECEIVED', 'CHANNEL', 'FROM', 'SUBJECT', 'CODE', 'AUTH', 'READ'],
          page.messages.map((m: MessageSummary) => [
            m.id,
            m.receivedAt,
            m.channel,
            m.from,
            m.subject ?? m.extractedText.slice(0, 40),
            m.codes[0]?.value,
            m.auth.verdict,
            m.read ? 'yes' : 'no',
          ]),
        );
        if (page.nextCursor) io.err('(more messages: narrow the filters or raise --limit)\n');
      }),
    );

  inbox
    .command('show')
    .description('Show one message: codes, links, sender authentication and text')
    .argument('<id>', 'message id (msg_…)')
    .option('--agent <agent>', 'operators: the agent whose inbox it is')
    .option('--html', 'print the HTML part instead of the text (untrusted: do not open it in a browser)')
    .action(
      runner.action(async ({ lk, io, asJson }, id: string, opts: { agent?: string; html?: boolean }) => {
        const m = await lk.mail.getMessage(id, opts.agent ? { agent: opts.agent } : {});
        if (asJson) return json(io, m);
        fields(io, [
          ['id', m.id],
          ['received', m.receivedAt],
          ['channel', m.channel],
          ['from', m.fromName ? `${m.fromName} <${m.from}>` : m.from],
          ['to', m.to],
          ['subject', m.subject],
          ['auth', `${m.auth.verdict} (spf=${m.auth.spf} dkim=${m.auth.dkim} dmarc=${m.auth.dmarc})`],
          ['codes', m.codes.map((c) => c.value).join(', ')],
          ['links', m.links.map((l) => `${l.kind} ${l.url}`).join('\n       ')],
        ]);
        io.out(`\n${(opts.html ? m.html : (m.text ?? m.extractedText)) ?? ''}\n`);
      }),
    );

  withFilters(inbox.command('wait').description('Wait for the next message with a code (or link) and print it'))
    .option('--kind <kind>', 'code (default), link or any', 'code')
    .option('--timeout <seconds>', 'give up after this long (default 120)', positive, 120)
    .action(
      runner.action(
        async ({ lk, io, asJson }, opts: FilterFlags & { kind: 'code' | 'link' | 'any'; timeout: number }) => {
          if (!['code', 'link', 'any'].includes(opts.kind)) throw new CliError('--kind must be code, link or any', 2);
          // Progress goes to stderr and only on a terminal: piped, stdout carries just the code.
          if (io.isTty && !asJson)
            io.err(`Waiting up to ${opts.timeout} s for a ${opts.kind === 'any' ? 'message' : opts.kind}…\n`);
          const result = await lk.mail.wait({ ...filters(opts), kind: opts.kind, timeoutSeconds: opts.timeout });
          if (asJson) {
            json(io, result);
            if (result.status === 'timeout') throw new CliError('no matching message arrived in time');
            return;
          }
          if (result.status === 'timeout' || !result.message) {
            throw new CliError(`No matching message arrived within ${opts.timeout} s.`);
          }
          if (opts.kind === 'code' && result.code) io.out(`${result.code.value}\n`);
          else if (opts.kind === 'link' && result.link) io.out(`${result.link.url}\n`);
          else io.out(`${result.message.id}\n`);
        },
      ),
    );
}
