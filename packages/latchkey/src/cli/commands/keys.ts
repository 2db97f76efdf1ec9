// `latchkey keys …`: master key versions, rotation while the server runs, and retirement of old versions.
import type { KeyRotation, KeyringStatus } from '@latchkey/sdk';
import type { Command } from 'commander';
import { CliError, fields, type Io, json, table } from '../output.js';
import type { Runner } from '../runner.js';

function showStatus(io: Io, status: KeyringStatus): void {
  fields(io, [
    ['primary version', status.primaryVersion],
    ['key source', status.source],
    ['can add a version', status.canAddVersion ? 'yes' : 'no (add it where the key lives, restart, then rotate)'],
  ]);
  io.out('\n');
  table(
    io,
    ['VERSION', 'PRIMARY', 'HELD', 'DATA KEYS'],
    status.versions.map((v) => [v.version, v.primary ? 'yes' : '', v.held ? 'yes' : 'NO', v.dataKeys]),
  );
  io.out('\n');
  table(
    io,
    ['INSTANCE', 'PRIMARY', 'VERSIONS', 'SEEN'],
    status.instances.map((i) => [
      `${i.instanceId}${i.self ? ' (this)' : ''}`,
      i.primaryVersion,
      i.versions.join(','),
      i.seenAt,
    ]),
  );
}

function summary(r: KeyRotation): string {
  const head = `Rotation to master key version ${r.targetVersion}${r.addedVersion ? ' (new)' : ''}`;
  const counts = `${r.rewrapped} data keys rewrapped, ${r.current} already current, ${r.failed} failed`;
  return r.status === 'done' ? `${head} done: ${counts}.` : `${head} failed: ${counts}. ${r.error ?? ''}`.trim();
}

/** Registers the keys commands. */
export function registerKeysCommands(program: Command, runner: Runner): void {
  const keys = program.command('keys').description('Master key versions and rotation (operator token)');

  keys
    .command('status')
    .description('Show key versions, how many data keys each wraps, and the instances holding them')
    .action(
      runner.action(async ({ lk, io, asJson }) => {
        const status = await lk.keys.status();
        if (asJson) return json(io, status);
        showStatus(io, status);
      }),
    );

  keys
    .command('rotate')
    .description('Add a master key version (key file) and rewrap every data key under it while the server runs')
    .option('--rewrap-only', 'do not add a version: rewrap to the primary already configured')
    .action(
      runner.action(async ({ lk, io, asJson }, opts: { rewrapOnly?: boolean }) => {
        let rotation: KeyRotation | null = await lk.keys.rotate(opts.rewrapOnly ? { addVersion: false } : {});
        const tty = io.isTty && !asJson;
        while (rotation?.status === 'running') {
          if (tty) {
            const done = rotation.rewrapped + rotation.current + rotation.failed;
            const pct = rotation.total > 0 ? Math.min(100, Math.floor((done * 100) / rotation.total)) : 100;
            io.out(
              `\rRewrapping data keys under version ${rotation.targetVersion}: ${done}/${rotation.total} (${pct}%) `,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
          rotation = await lk.keys.rotation();
        }
        if (tty) io.out('\n');
        if (!rotation) throw new CliError('The server lost track of the rotation (did it restart?). Run it again.');
        if (asJson) json(io, rotation);
        else io.out(`${summary(rotation)}\n`);
        if (rotation.status !== 'done') runner.exitCode = 1;
      }),
    );

  keys
    .command('retire')
    .description('Retire a master key version once no data key uses it (refused otherwise)')
    .argument('<version>', 'the version number', (v) => Number.parseInt(v, 10))
    .action(
      runner.action(async ({ lk, io, asJson }, version: number) => {
        if (!Number.isInteger(version) || version < 1) throw new CliError('The version is a whole number from 1.', 2);
        const status = await lk.keys.retire(version);
        if (asJson) return json(io, status);
        io.out(`Retired master key version ${version}.`);
        io.out(
          status.source === 'environment' ? ' Remove it from LATCHKEY_MASTER_KEY before the next restart.\n' : '\n',
        );
      }),
    );
}
