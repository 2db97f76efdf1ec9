// `latchkey mcp`: run the MCP server over stdio for an MCP client (Claude Desktop, Cursor, …).
import type { Command } from 'commander';
import type { Runner } from '../runner.js';

/** Registers `mcp`. */
export function registerMcpCommand(program: Command, runner: Runner): void {
  program
    .command('mcp')
    .description('Serve the Latchkey MCP tools over stdio (needs LATCHKEY_URL and LATCHKEY_API_KEY, an agent key)')
    .action(async (_opts: unknown, command: Command) => {
      const { env, io } = runner;
      const url = command.optsWithGlobals<{ url?: string }>().url ?? env.LATCHKEY_URL ?? 'http://127.0.0.1:8420';
      const apiKey = env.LATCHKEY_API_KEY;
      if (!apiKey) {
        io.err('Set LATCHKEY_API_KEY to the agent key the MCP tools should act as.\n');
        runner.exitCode = 2;
        return;
      }
      const { runStdioMcp } = await import('../../mcp/stdio.js');
      await runStdioMcp({ url, apiKey });
    });
}
