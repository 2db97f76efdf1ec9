// `latchkey serve`: run the server until SIGTERM/SIGINT, then drain and exit 0.
import type { Command } from 'commander';
import type { ServeFlags } from '../../config/config.js';
import type { LatchkeyServer } from '../../main.js';
import { VERSION } from '../../version.js';
import type { Runner } from '../runner.js';

/** Registers `serve`. */
export function registerServeCommand(program: Command, runner: Runner): void {
  program
    .command('serve')
    .description('Run the Latchkey server (HTTP API, SMTP inbox, MCP endpoint)')
    .option('--database-url <url>', 'PostgreSQL URL (DATABASE_URL); default: SQLite in the data folder')
    .option('--host <host>', 'listen address (LATCHKEY_HOST, default 127.0.0.1)')
    .option('--http-port <port>', 'HTTP port, 0 = any free port (LATCHKEY_HTTP_PORT, default 8420)')
    .option('--smtp-port <port>', 'SMTP port, 0 = any free port, off = no SMTP (LATCHKEY_SMTP_PORT, default 2525)')
    .option('--mail-domain <domain>', 'domain of agent addresses (LATCHKEY_MAIL_DOMAIN, default agents.localhost)')
    .option('--public-url <url>', 'URL people use to reach this server (LATCHKEY_PUBLIC_URL)')
    .action(async (_flags: ServeFlags, command: Command) => {
      const { io, env } = runner;
      const flags = command.optsWithGlobals<ServeFlags & { json?: boolean }>();
      const asJson = Boolean(flags.json);
      // Loaded here, not at the top: every other command is a thin client and should start fast.
      const [{ ConfigError, loadServeConfig }, { MasterKeyError }, { createServer }] = await Promise.all([
        import('../../config/config.js'),
        import('../../crypto/keyring.js'),
        import('../../main.js'),
      ]);
      let server: LatchkeyServer;
      let addresses: { httpUrl: string; smtpAddress: string | null };
      try {
        const config = loadServeConfig({ ...flags, json: asJson }, env);
        server = await createServer(config);
        addresses = await server.listen().catch(async (err: unknown) => {
          await server.close();
          throw err;
        });
      } catch (err) {
        if (err instanceof ConfigError || err instanceof MasterKeyError) {
          io.err(`${err.message}\n`);
          runner.exitCode = 2;
          return;
        }
        throw err;
      }
      for (const notice of server.notices) io.err(`${notice}\n`);
      if (asJson) {
        io.out(
          `${JSON.stringify({ http: addresses.httpUrl, smtp: addresses.smtpAddress ?? 'off', mailDomain: server.config.mailDomain, adminTokenFile: server.adminTokenFile })}\n`,
        );
      } else {
        io.out(`Latchkey ${VERSION}\n`);
        io.out(`HTTP: ${addresses.httpUrl}\n`);
        io.out(`SMTP: ${addresses.smtpAddress ?? 'off'}\n`);
        io.out(`Mail domain: ${server.config.mailDomain}\n`);
        if (server.adminToken) {
          io.out(`Operator token (shown once; also saved to ${server.adminTokenFile}):\n${server.adminToken}\n`);
        }
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) {
            io.err(`Second ${signal}: exiting without draining.\n`);
            process.exit(1);
          }
          stopping = true;
          void server.close().then(resolve, (err: unknown) => {
            io.err(`Shutdown error: ${(err as Error).message}\n`);
            runner.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
