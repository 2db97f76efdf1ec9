// Builds the SDK client the commands use, from flags and environment.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Latchkey } from '@latchkey/sdk';
import { CliError, type GlobalOptions } from './output.js';

/** The server URL and token: `--url`/LATCHKEY_URL, then LATCHKEY_TOKEN or the data folder's admin-token. */
export function clientFrom(options: GlobalOptions, env: Record<string, string | undefined>): Latchkey {
  const baseUrl = options.url ?? env.LATCHKEY_URL ?? 'http://127.0.0.1:8420';
  let token = env.LATCHKEY_TOKEN;
  if (!token || options.tokenFile) {
    const file =
      options.tokenFile ?? join(resolve(options.data ?? env.LATCHKEY_DATA_DIR ?? './latchkey-data'), 'admin-token');
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch {
      throw new CliError(
        `No token: set LATCHKEY_TOKEN, or pass --data DIR (or --token-file) pointing at an admin-token file. Tried ${file}.`,
        2,
      );
    }
  }
  return new Latchkey({ baseUrl, apiKey: token });
}
