// Finds the master keyring (SPEC §4): LATCHKEY_MASTER_KEY, LATCHKEY_MASTER_KEY_FILE, or DIR/master.key.
// A new store with none of them gets a generated DIR/master.key (0600); an existing store never does.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Keyring, type KeySource, MasterKeyError } from './keyring.js';

export interface MasterKeyOptions {
  masterKey?: string | undefined;
  masterKeyFile?: string | undefined;
  dataDir: string;
}

export interface LoadedMasterKey {
  keyring: Keyring;
  source: KeySource;
  /** The file the keyring lives in, when it lives in one (rotation may write a new version there). */
  file: string | null;
  /** True when this call generated the key. */
  generated: boolean;
}

/** The default key file of a data folder. */
export function defaultKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/**
 * Loads the keyring. `storeExists` decides what happens when no key is configured: a new store gets a
 * generated key file; an existing one refuses to start, naming the variables to set.
 * @throws MasterKeyError
 */
export function loadMasterKey(options: MasterKeyOptions, storeExists: boolean): LoadedMasterKey {
  if (options.masterKey) {
    return {
      keyring: Keyring.parse(options.masterKey, 'LATCHKEY_MASTER_KEY'),
      source: 'LATCHKEY_MASTER_KEY',
      file: null,
      generated: false,
    };
  }
  if (options.masterKeyFile) {
    return {
      keyring: readKeyFile(options.masterKeyFile, 'LATCHKEY_MASTER_KEY_FILE'),
      source: 'LATCHKEY_MASTER_KEY_FILE',
      file: options.masterKeyFile,
      generated: false,
    };
  }
  const file = defaultKeyFile(options.dataDir);
  if (existsSync(file)) {
    return { keyring: readKeyFile(file, 'generated key file'), source: 'generated key file', file, generated: false };
  }
  if (storeExists) {
    throw new MasterKeyError(
      `This store already holds data but no master key was given: set LATCHKEY_MASTER_KEY or LATCHKEY_MASTER_KEY_FILE ` +
        `(or restore ${file}). Nothing was changed.`,
    );
  }
  const keyring = Keyring.generate();
  writeKeyFile(file, keyring);
  return { keyring, source: 'generated key file', file, generated: true };
}

function readKeyFile(file: string, source: KeySource): Keyring {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MasterKeyError(`${source}: cannot read ${file}.`);
  }
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0 && process.platform !== 'win32') {
    throw new MasterKeyError(`${source}: ${file} is readable by other users; run chmod 600 on it.`);
  }
  return Keyring.parse(text, source);
}

/** Writes a keyring to a new file with mode 0600, refusing to replace an existing file. */
export function writeKeyFile(file: string, keyring: Keyring): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${keyring.serialize()}\n`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces a key file atomically: the new keyring goes to a temporary file (mode 0600) in the same folder, is
 * flushed to disk, then renamed over the old one, so a crash leaves either the old file or the new one, whole.
 */
export function replaceKeyFile(file: string, keyring: Keyring): void {
  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.master-key.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${keyring.serialize()}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  // The rename itself is durable only once the folder is flushed.
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
