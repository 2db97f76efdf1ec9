#!/usr/bin/env node
// Launcher for the compiled CLI (see src/cli/main.ts).
import { runCli } from '../dist/cli/main.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
