// `latchkey audit …`: read and verify the hash-chained audit trail.
import type { Command } from 'commander';
import { CliError, json, table } from '../output.js';
import type { Runner } from '../runner.js';

/** Registers the audit commands. */
export function registerAuditCommands(program: Command, runner: Runner): void {
  const audit = program.command('audit').description('Read and verify the audit trail (operator token)');
  audit
    .command('list')
    .description('List audit events, newest first')
    .option('--agent <agent>', 'only events about this agent (id or name)')
    .option('--action <action>', 'exact action, or a prefix ending in "."')
    .option('--since <time>', 'ISO timestamp')
    .option('--limit <n>', 'how many (1-500)', (v) => Number.parseInt(v, 10))
    .option('--cursor <cursor>', 'continue from a previous page')
    .action(
      runner.action(
        async (
          { lk, io, asJson },
          opts: { agent?: string; action?: string; since?: string; limit?: number; cursor?: string },
        ) => {
          const page = await lk.audit.list(opts);
          if (asJson) return json(io, page);
          table(
            io,
            ['SEQ', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'REASON'],
            page.events.map((e) => [
              e.seq,
              e.at,
              `${e.actor.type}:${e.actor.name ?? e.actor.id}`,
              e.action,
              `${e.target.type}${e.target.id ? `:${e.target.name ?? e.target.id}` : ''}`,
              e.outcome,
              e.reason,
            ]),
          );
          if (page.nextCursor) io.out(`\nMore: --cursor ${page.nextCursor}\n`);
        },
      ),
    );
  audit
    .command('verify')
    .description('Verify the hash chain; exits 1 and names the first broken link if it was tampered with')
    .action(
      runner.action(async ({ lk, io, asJson }) => {
        const result = await lk.audit.verify();
        if (asJson) json(io, result);
        else if (result.ok) io.out(`Audit chain intact: ${result.checked} events verified.\n`);
        if (!result.ok) {
          throw new CliError(
            `Audit chain broken at event ${result.firstBrokenSeq} (${result.checked} events checked).`,
          );
        }
      }),
    );
}
