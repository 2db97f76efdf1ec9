// MCP tools over the agent's own vault: list, read a login, store, and get a TOTP code. A TOTP seed can be stored
// here but never comes back out: no tool returns it, in any form.
import type { OtpCode, TotpInput } from '@latchkey/sdk';
import { z } from 'zod';
import { VaultItem as ItemMeta, ItemName, ItemType } from '../../http/schemas/vault.js';
import { defined, defineTool } from '../tool.js';

// What a model sees of an item is the API's metadata, which never holds a secret; names follow the API's rule.
const Name = ItemName.describe('The item name, e.g. "github" or "acme-login".');

export const vaultList = defineTool({
  name: 'vault_list',
  title: 'List vault items',
  description:
    'Lists the items in your Latchkey vault: name, type (login, totp, secret), the site URL, whether it can make ' +
    'one-time codes (and their digits and period) and how many backup codes are left. Never returns a password ' +
    'or a seed. Use it to find the item name to pass to vault_get or vault_totp.',
  input: {
    type: ItemType.optional().describe('Only items of this type.'),
    cursor: z.string().optional().describe('nextCursor from a previous call, for the next page.'),
  },
  output: { items: z.array(ItemMeta), nextCursor: z.string().nullable() },
  readOnly: true,
  async handler({ lk }, input) {
    const page = await lk.vault.list({ limit: 100, ...defined(input) });
    return { items: page.items, nextCursor: page.nextCursor };
  },
});

export const vaultGet = defineTool({
  name: 'vault_get',
  title: 'Read a login',
  description:
    'Returns the username, password, notes and custom fields stored under an item name, to type into a sign-in ' +
    'form. The read is recorded in the audit trail. Use it only at the moment you must enter the credential, ' +
    'and never repeat the password back in chat, logs or files. For a one-time code use vault_totp instead: ' +
    'TOTP seeds are never returned.',
  input: { name: Name },
  output: {
    item: ItemMeta,
    username: z.string().optional(),
    password: z.string().optional(),
    notes: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  },
  readOnly: true,
  async handler({ lk }, { name }) {
    const { item, secrets } = await lk.vault.get(name);
    return { item, ...secrets };
  },
});

const TotpEnrollment = z
  .object({
    uri: z.string().optional().describe('An otpauth://totp/… or otpauth://hotp/… URI, as a site shows it.'),
    secret: z.string().optional().describe('The base32 secret, when the site shows it as text.'),
    algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).optional(),
    digits: z.number().int().min(6).max(8).optional(),
    period: z.number().int().min(1).optional().describe('Seconds per code (default 30).'),
    issuer: z.string().optional(),
    account: z.string().optional(),
    qrImage: z.string().optional().describe('The QR code image the site shows, as base64 PNG or JPEG.'),
  })
  .describe('Exactly one of uri, secret (with its options) or qrImage.');

function totpInput(t: z.infer<typeof TotpEnrollment>): TotpInput {
  const given = [t.uri, t.secret, t.qrImage].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error('Give exactly one of totp.uri, totp.secret or totp.qrImage.');
  if (t.uri !== undefined) return { uri: t.uri };
  if (t.qrImage !== undefined) return { qrImage: t.qrImage };
  const { uri: _u, qrImage: _q, secret, ...options } = t;
  return { secret: secret as string, ...defined(options) };
}

export const vaultStore = defineTool({
  name: 'vault_store',
  title: 'Store a credential',
  description:
    'Creates or replaces a vault item: a login (username, password, url), a TOTP authenticator (when a site ' +
    'shows a QR code or a setup key during 2FA enrollment) or another secret. Store the TOTP secret here the ' +
    'moment a site shows it, then use vault_totp for the confirmation code; the secret can never be read back. ' +
    'Returns the item metadata. Replacing an item discards its old values.',
  input: {
    name: Name,
    type: ItemType.describe('login: a username and password; totp: only an authenticator; secret: anything else.'),
    username: z.string().optional(),
    password: z.string().optional(),
    url: z.string().optional().describe('The site, shown in listings; put no credentials in it.'),
    notes: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional().describe('Other secret values, e.g. {"apiKey": "…"}.'),
    backupCodes: z.array(z.string()).optional().describe('Recovery codes the site gave you.'),
    totp: TotpEnrollment.optional(),
  },
  output: { item: ItemMeta },
  readOnly: false,
  async handler({ lk }, { name, totp, ...rest }) {
    const item = await lk.vault.store(name, { ...defined(rest), ...(totp ? { totp: totpInput(totp) } : {}) });
    return { item };
  },
});

const Code = z.object({
  code: z.string().describe('The code to type.'),
  kind: z.enum(['totp', 'hotp']),
  digits: z.number(),
  remainingSeconds: z.number().nullable().describe('Seconds this code stays valid (null for counter codes).'),
  validUntil: z.string().nullable(),
  period: z.number().nullable(),
  step: z.number().nullable().describe('The time step of the code; a site accepts each step once.'),
  serverTime: z.string(),
});

function code(otp: OtpCode): z.infer<typeof Code> {
  return otp.kind === 'totp'
    ? {
        code: otp.code,
        kind: 'totp',
        digits: otp.digits,
        remainingSeconds: otp.remainingSeconds,
        validUntil: otp.validUntil,
        period: otp.period,
        step: otp.step,
        serverTime: otp.serverTime,
      }
    : {
        code: otp.code,
        kind: 'hotp',
        digits: otp.digits,
        remainingSeconds: null,
        validUntil: null,
        period: null,
        step: null,
        serverTime: otp.serverTime,
      };
}

export const vaultTotp = defineTool({
  name: 'vault_totp',
  title: 'Get a one-time code',
  description:
    'Returns the current 2FA code of a vault item (what an authenticator app would show) and how many seconds ' +
    'it stays valid. Use minValidSeconds when you still have to type and submit the code: a code that would ' +
    'expire sooner is not returned, and the call waits (at most one period) for the next one. 10 is a good ' +
    'value for a form. Counter-based (HOTP) items use up a code on every call.',
  input: {
    name: Name,
    minValidSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_399)
      .optional()
      .describe('Return a code valid for at least this many more seconds; less than the item period.'),
  },
  output: Code.shape,
  readOnly: false,
  async handler({ lk }, { name, minValidSeconds }) {
    return code(await lk.vault.totp(name, minValidSeconds === undefined ? {} : { minValidSeconds }));
  },
});
