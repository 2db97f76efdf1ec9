// End to end: the OTP relay through the real binary and the real CLI. An agent asks from a shell (its private key
// goes to a 0600 file), the human lists and approves, a phone posts the SMS, the agent waits and reads the code once.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, http, startServer, tempDir } from './support.js';

describe('latchkey relay from the command line', () => {
  it('request, list, approve, wait, consume once; deny ends another', async () => {
    const { dir, remove } = tempDir();
    const keys = tempDir('latchkey-relay-keys-');
    try {
      const server = await startServer(dir);
      const url = server.start.http;
      const admin = { LATCHKEY_URL: url };
      const created = await cli(['--json', '--data', dir, 'agent', 'create', 'bank-bot'], admin);
      expect(created.code, created.stderr).toBe(0);
      const agentKey: string = JSON.parse(created.stdout).apiKey;
      const agent = { LATCHKEY_URL: url, LATCHKEY_TOKEN: agentKey, LATCHKEY_RELAY_KEY_DIR: keys.dir };

      const asked = await cli(
        [
          '--json',
          'relay',
          'request',
          '--reason',
          'log in to the bank',
          '--channel',
          'sms',
          '--sender',
          '+15550100199',
        ],
        agent,
      );
      expect(asked.code, asked.stderr).toBe(0);
      const request = JSON.parse(asked.stdout);
      expect(request).toMatchObject({ status: 'pending_approval', keyFile: join(keys.dir, `${request.id}.key`) });
      expect(request).not.toHaveProperty('privateKey');
      expect(statSync(request.keyFile).mode & 0o777).toBe(0o600);

      const listed = await cli(['--data', dir, 'relay', 'list', '--status', 'pending_approval'], admin);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^ID\s+AGENT\s+STATUS\s+SENDER\s+EXPIRES\s+REASON$/m);
      expect(listed.stdout).toMatch(new RegExp(`${request.id}\\s+bank-bot\\s+pending_approval\\s+\\+15550100199`));
      const approved = await cli(['--data', dir, 'relay', 'approve', request.id], admin);
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toMatch(/status\s+approved/);

      const adminToken = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
      const capture = await http(`${url}/v1/relay/settings/capture-token`, adminToken, { method: 'POST', body: {} });
      const waiting = cli(['relay', 'wait', request.id, '--timeout', '20'], agent);
      const sms = await fetch(`${url}/v1/relay/capture/sms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${capture.body.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+1 555 010 0199', body: 'Bank: 660312 is your code' }),
      });
      expect(sms.status).toBe(202);
      const waited = await waiting;
      expect(waited.code, waited.stderr).toBe(0);
      expect(waited.stdout).toBe('otp_received\n');

      const read = await cli(['relay', 'consume', request.id], agent);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toBe('660312\n');
      expect(existsSync(request.keyFile)).toBe(false);
      const again = await cli(['relay', 'consume', request.id], agent);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('No private key');

      const other = JSON.parse((await cli(['--json', 'relay', 'request', '--reason', 'not now'], agent)).stdout);
      expect((await cli(['--data', dir, 'relay', 'deny', other.id], admin)).code).toBe(0);
      const ended = await cli(['relay', 'wait', other.id, '--timeout', '5'], agent);
      expect(ended.code).toBe(1);
      expect(ended.stderr).toContain('ended as denied');
      const agentCannotApprove = await cli(['--json', 'relay', 'approve', other.id], agent);
      expect(JSON.parse(agentCannotApprove.stderr).error.code).toBe('OPERATOR_ONLY');

      expect(server.stderr()).not.toContain('660312');
      expect(await server.stop()).toBe(0);
    } finally {
      remove();
      keys.remove();
    }
  });
});
