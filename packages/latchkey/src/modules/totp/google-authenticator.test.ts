// End-to-end against Google's own PAM module: google-authenticator makes the seed and URI, we enroll the URI and
// compute the code, and pamtester checks that pam_google_authenticator.so accepts it. Needs root (it writes a
// PAM service under /etc/pam.d) and libpam-google-authenticator, pamtester installed; CI provides both.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from './base32.js';
import { enrollOtp } from './enroll.js';
import { hotp, totpAt, verifyTotp } from './otp.js';
import { TotpError } from './totp-errors.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface Enrolment {
  /** The otpauth URI google-authenticator printed (inside its chart URL). */
  printedUri: string;
  /** The secret file: first line the base32 seed, then `" OPTION value` lines. */
  secretFile: string;
  seed: string;
  options: Map<string, string>;
}

/** Runs google-authenticator non-interactively in a throw-away HOME and reads back what it made. */
function googleAuthenticator(flags: string[]): Enrolment {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-ga-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const secretFile = join(home, '.google_authenticator');
  // -Q UTF8: with -Q NONE the tool prints no URL at all. -C: no confirmation prompt. -f: no questions.
  const stdout = execFileSync(
    'google-authenticator',
    ['-f', '-C', '-Q', 'UTF8', '-s', secretFile, '-l', 'agent@latchkey', '-i', 'Latchkey Test', ...flags],
    { encoding: 'utf8', env: { ...process.env, HOME: home } },
  );
  // It prints https://www.google.com/chart?…&chl=<the otpauth URI, URL-encoded once>.
  const chart = /chl=(\S+)/.exec(stdout);
  if (chart?.[1] === undefined) throw new Error('google-authenticator printed no otpauth URL');
  const [seed = '', ...lines] = readFileSync(secretFile, 'utf8').split('\n');
  const options = new Map(
    lines
      .filter((line) => line.startsWith('" '))
      .map((line) => {
        const [name = '', ...value] = line.slice(2).trim().split(' ');
        return [name, value.join(' ')] as const;
      }),
  );
  return { printedUri: decodeURIComponent(chart[1]), secretFile, seed, options };
}

/** Installs a one-off PAM service that authenticates with the given secret file. */
function pamService(secretFile: string): string {
  const name = `latchkey-totp-test-${process.pid}-${cleanups.length}`;
  const path = join('/etc/pam.d', name);
  writeFileSync(path, `auth required pam_google_authenticator.so secret=${secretFile} user=root\n`);
  cleanups.push(() => rmSync(path, { force: true }));
  return name;
}

/** Answers pamtester's "Verification code:" prompt on stdin; true when PAM authenticated. */
function pamAccepts(service: string, code: string): boolean {
  const result = spawnSync('pamtester', ['-v', service, 'root', 'authenticate'], {
    input: `${code}\n`,
    encoding: 'utf8',
  });
  if (result.error !== undefined) throw result.error;
  return result.status === 0 && /successfully authenticated/.test(`${result.stdout}${result.stderr}`);
}

/** A code that matches none of the given ones, same length. */
function wrongCode(valid: string[]): string {
  let n = Number(valid[0]);
  let candidate = '';
  do {
    n = (n + 1) % 1_000_000;
    candidate = String(n).padStart(6, '0');
  } while (valid.includes(candidate));
  return candidate;
}

describe('pam_google_authenticator accepts our codes', () => {
  it('TOTP: enrolls the printed otpauth URI, and PAM accepts our code and refuses a wrong one', () => {
    const made = googleAuthenticator(['-t', '-d', '-r', '3', '-R', '30', '-w', '3']);
    expect(made.printedUri).toMatch(/^otpauth:\/\/totp\//);
    const params = enrollOtp({ uri: made.printedUri });
    expect(params).toMatchObject({ kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Latchkey Test' });
    expect(params.account).toBe('agent@latchkey');
    const seed = decodeBase32(made.seed);
    expect(seed.ok && seed.bytes.equals(params.secret)).toBe(true);
    expect(encodeBase32(params.secret)).toBe(made.seed);

    const service = pamService(made.secretFile);
    const now = Date.now();
    const { code, step } = totpAt(params, now);
    expect(verifyTotp(params, code, now)).toEqual({ step });
    const window = [step - 1, step, step + 1].map((s) => hotp(params, s));
    expect(pamAccepts(service, wrongCode(window))).toBe(false);
    expect(pamAccepts(service, totpAt(params, Date.now()).code)).toBe(true);
  });

  it('TOTP with a 60 s step: the URI built from the secret file, as the tool builds its own, is accepted', () => {
    const made = googleAuthenticator(['-t', '-d', '-u', '-w', '3', '-S', '60']);
    expect(made.options.get('STEP_SIZE')).toBe('60');
    // google-authenticator 20191231 leaves period out of the URL it prints, so an app scanning it would use
    // 30 s; the file is the authority. We add period=60 to the label and issuer the tool chose.
    const uri = `${made.printedUri}&period=${made.options.get('STEP_SIZE')}`;
    const params = enrollOtp({ uri });
    expect(params.period).toBe(60);
    const service = pamService(made.secretFile);
    expect(pamAccepts(service, totpAt(params, Date.now()).code)).toBe(true);
  });

  it('HOTP: the printed URI lacks the required counter and is refused; with the file counter PAM accepts our code', () => {
    const made = googleAuthenticator(['-c', '-u', '-w', '3']);
    expect(made.printedUri).toMatch(/^otpauth:\/\/hotp\//);
    let refusal: unknown;
    try {
      enrollOtp({ uri: made.printedUri });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(TotpError);
    expect((refusal as TotpError).details[0]?.path).toBe('totp.uri.counter');

    const counter = made.options.get('HOTP_COUNTER');
    expect(counter).toBe('1');
    const params = enrollOtp({ uri: `${made.printedUri}&counter=${counter}` });
    expect(params).toMatchObject({ kind: 'hotp', counter: 1 });
    const service = pamService(made.secretFile);
    expect(pamAccepts(service, hotp(params, params.counter ?? Number.NaN))).toBe(true);
    // PAM advanced its counter past the one used, so the same code does not work twice.
    expect(pamAccepts(service, hotp(params, 1))).toBe(false);
  });
});
