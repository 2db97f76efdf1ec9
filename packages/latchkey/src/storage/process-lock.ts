// One process per SQLite store. In-process caches (credentials, the audit head) are exact only if every change
// goes through this process, so a second `latchkey serve` on the same data folder is refused at start.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Thrown when another live process holds the store. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `file` as this process's lock, replacing a lock left by a process that no longer runs.
 * @returns a function that releases it. @throws StoreLockedError
 */
export function acquireProcessLock(file: string, what: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      return () => {
        if (held) rmSync(file, { force: true });
        held = false;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = Number.NaN;
      try {
        pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      } catch {
        // vanished meanwhile: try again
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        const who = pid === process.pid ? 'this process already' : `another Latchkey process (pid ${pid})`;
        throw new StoreLockedError(`${what} is in use: ${who} has it open (${file}).`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new StoreLockedError(`${what}: could not take the lock ${file}.`);
}
