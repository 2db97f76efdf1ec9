// `latchkey vault …` and `latchkey totp`: an agent's credentials and its one-time codes, through the SDK.
import { readFileSync } from 'node:fs';
import type { OtpCode, TotpInput, VaultItem, VaultItemInput, VaultItemType } from '@latchkey/sdk';
import type { Command } from 'commander';
import { CliError, fields, type Io, json, table } from '../output.js';
import type { Runner } from '../runner.js';

/** Reads standard input to the end (a password or seed piped in stays out of argv and shell history). */
async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY)
    throw new CliError(`Pipe the ${what} into standard input (it is not read from a terminal).`, 2);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function totpSummary(item: VaultItem): string | null {
  if (!item.totp) return null;
  const t = item.totp;
  const label = [t.issuer, t.account].filter(Boolean).join(': ');
  const shape = t.kind === 'totp' ? `${t.digits} digits/${t.period}s` : `${t.digits} digits, counter ${t.counter}`;
  return `${t.kind} ${t.algorithm} ${shape}${t.encoder ? ` (${t.encoder})` : ''}${label ? ` — ${label}` : ''}`;
}

function showItem(io: Io, item: VaultItem): void {
  fields(io, [
    ['name', item.name],
    ['type', item.type],
    ['id', item.id],
    ['url', item.url],
    ['totp', totpSummary(item)],
    ['backup codes', item.backupCodes ? `${item.backupCodes.remaining} of ${item.backupCodes.total} left` : null],
    ['updated', item.updatedAt],
  ]);
}

interface PutOptions {
  type?: VaultItemType;
  otpauth?: string;
  secret?: string;
  qr?: string;
  username?: string;
  passwordStdin?: boolean;
  loginUrl?: string;
  field?: string[];
  backupCodesFile?: string;
  agent?: string;
}

async function totpInputOf(opts: PutOptions): Promise<TotpInput | undefined> {
  const given = [opts.otpauth, opts.secret, opts.qr].filter((v) => v !== undefined).length;
  if (given > 1) throw new CliError('Give one of --otpauth, --secret or --qr.', 2);
  if (opts.otpauth !== undefined) return { uri: opts.otpauth === '-' ? await readStdin('otpauth URI') : opts.otpauth };
  if (opts.secret !== undefined) return { secret: opts.secret === '-' ? await readStdin('secret') : opts.secret };
  if (opts.qr !== undefined) {
    try {
      return { qrImage: readFileSync(opts.qr).toString('base64') };
    } catch {
      throw new CliError(`Cannot read the QR image ${opts.qr}.`, 2);
    }
  }
  return undefined;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A live code with a countdown on a terminal; one line per new code when piped. Stops on SIGINT/SIGTERM. */
async function watch(io: Io, next: () => Promise<OtpCode>, asJson: boolean): Promise<void> {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The timer keeps the process alive between codes; a signal ends the wait at once.
  const pause = (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      stopped.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  try {
    for (;;) {
      const code = await next();
      if (code.kind !== 'totp')
        throw new CliError('--watch needs a time-based code: each HOTP code uses up a counter.');
      if (asJson) io.out(`${JSON.stringify(code)}\n`);
      else if (!io.isTty) io.out(`${code.code}\n`);
      const until = Date.parse(code.validUntil);
      for (;;) {
        const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
        if (io.isTty && !asJson) io.out(`\r${code.code}  ${String(left).padStart(2)}s left `);
        if (left === 0) break;
        if (await pause(Math.min(1000, until - Date.now()))) return;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (io.isTty && !asJson) io.out('\n');
  }
}

/** Registers `vault …` and `totp`. */
export function registerVaultCommands(program: Command, runner: Runner): void {
  const vault = program
    .command('vault')
    .description("An agent's vault: agents use their own (LATCHKEY_TOKEN=<agent key>); operators pass --agent");

  vault
    .command('put')
    .description('Create or replace an item; a TOTP seed given here can never be read back')
    .argument('<name>', 'item name')
    .option('--type <type>', 'login, totp or secret (default: totp with a TOTP credential alone, else login)')
    .option('--otpauth <uri>', 'an otpauth:// URI ("-" reads it from stdin)')
    .option('--secret <base32>', 'a base32 TOTP seed ("-" reads it from stdin; on argv it is visible to ps)')
    .option('--qr <file>', 'a PNG or JPEG of the enrollment QR code')
    .option('--username <username>', 'the login name')
    .option('--password-stdin', 'read the password from stdin')
    // Not --url: that global option names the Latchkey server.
    .option('--login-url <url>', 'where the credential is used (shown in listings)')
    .option('--field <name=value>', 'a custom secret field (repeatable)', collect)
    .option('--backup-codes-file <file>', 'backup codes, one per line')
    .option('--agent <agent>', 'the agent whose vault (operators)')
    .action(
      runner.action(async ({ lk, io, asJson }, name: string, opts: PutOptions) => {
        if (opts.passwordStdin && (opts.secret === '-' || opts.otpauth === '-')) {
          throw new CliError('Only one value can come from stdin.', 2);
        }
        const totp = await totpInputOf(opts);
        const bare = opts.username === undefined && !opts.passwordStdin && opts.field === undefined;
        const input: VaultItemInput = { type: opts.type ?? (totp && bare ? 'totp' : 'login') };
        if (totp) input.totp = totp;
        if (opts.username !== undefined) input.username = opts.username;
        if (opts.passwordStdin) input.password = await readStdin('password');
        if (opts.loginUrl !== undefined) input.url = opts.loginUrl;
        if (opts.field) {
          input.fields = Object.fromEntries(
            opts.field.map((f) => {
              const at = f.indexOf('=');
              if (at < 1) throw new CliError(`--field needs name=value (got one without "=").`, 2);
              return [f.slice(0, at), f.slice(at + 1)];
            }),
          );
        }
        if (opts.backupCodesFile !== undefined) {
          input.backupCodes = readFileSync(opts.backupCodesFile, 'utf8')
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l.length > 0);
        }
        const item = await lk.vault.store(name, input, opts.agent ? { agent: opts.agent } : {});
        if (asJson) return json(io, item);
        showItem(io, item);
      }),
    );

  vault
    .command('list')
    .description('List items (metadata only)')
    .option('--type <type>', 'login, totp or secret')
    .option('--agent <agent>', 'the agent whose vault (operators)')
    .action(
      runner.action(async ({ lk, io, asJson }, opts: { type?: VaultItemType; agent?: string }) => {
        const items: VaultItem[] = [];
        for await (const item of lk.vault.listAll({
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.agent ? { agent: opts.agent } : {}),
        })) {
          items.push(item);
        }
        if (asJson) return json(io, { items });
        table(
          io,
          ['NAME', 'TYPE', 'URL', 'TOTP', 'BACKUP CODES', 'UPDATED'],
          items.map((i) => [
            i.name,
            i.type,
            i.url,
            i.totp ? `${i.totp.kind}${i.totp.issuer ? ` ${i.totp.issuer}` : ''}` : null,
            i.backupCodes ? `${i.backupCodes.remaining}/${i.backupCodes.total}` : null,
            i.updatedAt,
          ]),
        );
      }),
    );

  vault
    .command('get')
    .description("Show an item and its secrets (the agent's own key only; audited). Never shows a TOTP seed")
    .argument('<name>', 'item name')
    .option('--agent <agent>', 'the agent whose vault (operators are refused: see `agent key create`)')
    .action(
      runner.action(async ({ lk, io, asJson }, name: string, opts: { agent?: string }) => {
        const { item, secrets } = await lk.vault.get(name, opts.agent ? { agent: opts.agent } : {});
        if (asJson) return json(io, { item, secrets });
        showItem(io, item);
        const pairs: [string, string | undefined][] = [
          ['username', secrets.username],
          ['password', secrets.password],
          ['notes', secrets.notes],
          ...Object.entries(secrets.fields ?? {}).map(([k, v]): [string, string] => [`field ${k}`, v]),
        ];
        const shown = pairs.filter(([, v]) => v !== undefined);
        if (shown.length > 0) {
          io.out('\n');
          fields(io, shown);
        }
      }),
    );

  vault
    .command('rm')
    .description('Delete an item')
    .argument('<name>', 'item name')
    .option('--agent <agent>', 'the agent whose vault (operators)')
    .action(
      runner.action(async ({ lk, io, asJson }, name: string, opts: { agent?: string }) => {
        await lk.vault.delete(name, opts.agent ? { agent: opts.agent } : {});
        if (asJson) return json(io, { deleted: name });
        io.out(`Deleted ${name}.\n`);
      }),
    );

  program
    .command('totp')
    .description('Print the current one-time code of an item (audited); --watch keeps a live code on screen')
    .argument('<name>', 'item name')
    .option('--min-valid <seconds>', 'never print a code that expires sooner: wait for the next one', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--watch', 'keep showing the current code with a countdown until interrupted')
    .option('--agent <agent>', 'the agent whose vault (operators)')
    .action(
      runner.action(
        async ({ lk, io, asJson }, name: string, opts: { minValid?: number; watch?: boolean; agent?: string }) => {
          const next = () =>
            lk.vault.totp(name, {
              ...(opts.agent ? { agent: opts.agent } : {}),
              ...(opts.minValid !== undefined ? { minValidSeconds: opts.minValid } : {}),
            });
          if (opts.watch) return watch(io, next, asJson);
          const code = await next();
          if (asJson) return json(io, code);
          io.out(`${code.code}\n`);
          if (io.isTty && code.kind === 'totp') io.err(`valid ${code.remainingSeconds}s more\n`);
        },
      ),
    );
}
