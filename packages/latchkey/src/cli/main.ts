// Entry point of the `latchkey` command: every command but `serve` and `mcp` is a thin client over the SDK.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerAgentCommands } from './commands/agent.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerInboxCommands } from './commands/inbox.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerRelayCommands } from './commands/relay.js';
import { registerServeCommand } from './commands/serve.js';
import { registerVaultCommands } from './commands/vault.js';
import { type Io, processIo } from './output.js';
import { createRunner } from './runner.js';

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function runCli(
  argv: string[],
  io: Io = processIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const runner = createRunner(io, env);
  const program = new Command('latchkey')
    .description('Identities, vault, TOTP, inbox and OTP relay for AI agents')
    .version(VERSION)
    .option('--json', 'print machine-readable JSON')
    .option('--url <url>', 'server URL (LATCHKEY_URL, default http://127.0.0.1:8420)')
    .option('--data <dir>', 'data folder (LATCHKEY_DATA_DIR, default ./latchkey-data); holds admin-token')
    .option('--token-file <file>', 'read the token from this file (else LATCHKEY_TOKEN, else DIR/admin-token)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerServeCommand(program, runner);
  registerAgentCommands(program, runner);
  registerAuditCommands(program, runner);
  registerVaultCommands(program, runner);
  registerKeysCommands(program, runner);
  registerInboxCommands(program, runner);
  registerRelayCommands(program, runner);
  registerMcpCommand(program, runner);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return runner.exitCode;
}
