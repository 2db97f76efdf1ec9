// Canary codes and messages go through the whole relay (by SMS and over real SMTP), on both stores, with logging at its most verbose; afterwards
// neither the code, the message text, the sender nor the agent's private key appears in the database files (SQLite
// file and WAL), in a pg_dump of the schema, or in the logs. The payload opens with the agent's key and no other.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateKeyPair, toBase64Url } from '@latchkey/sdk';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { createServer } from '../../main.js';
import { zoneResolver } from '../../smtp/test-support/dns-zone.js';
import { TEST_DATABASE_URL } from '../../test-support/postgres.js';
import { injectJson, openPayload } from '../../test-support/relay.js';
import { newSite, storeKinds } from '../../test-support/stores.js';

function logSink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Every place a secret could have been written, as one haystack per place. */
function haystacks(kind: string, dir: string, schema: string | undefined, logs: string): Record<string, Buffer> {
  const places: Record<string, Buffer> = { logs: Buffer.from(logs) };
  if (kind === 'sqlite') {
    for (const file of ['latchkey.db', 'latchkey.db-wal', 'latchkey.db-shm']) {
      const path = join(dir, file);
      if (existsSync(path)) places[file] = readFileSync(path);
    }
  } else {
    const url = new URL(TEST_DATABASE_URL);
    places.pg_dump = execFileSync('pg_dump', ['-n', schema ?? 'public', url.toString()], {
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return places;
}

describe('a canary code leaves no trace', () => {
  for (const kind of storeKinds) {
    it(`in the ${kind} store or the logs, and opens only with the agent key`, async () => {
      const site = newSite(kind);
      const logs = logSink();
      const config = loadServeConfig(
        { data: site.dir, httpPort: '0', smtpPort: '0' },
        { LATCHKEY_LOG_LEVEL: 'trace', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}) },
      );
      const server = await createServer(config, { logStream: logs.stream, dnsResolver: zoneResolver({}) });
      const { smtpAddress } = await server.listen();
      try {
        const code = String(randomInt(10_000_000, 99_999_999));
        const marker = `canary-body-${randomInt(1e9, 9e9)}`;
        const sender = `+1555${randomInt(1_000_000, 9_999_999)}`;
        const admin = server.adminToken ?? '';
        const agent = (await injectJson(server, 'POST', '/v1/agents', admin, { name: 'canary-bot' })).body;
        const keys = generateKeyPair();
        const privateB64 = toBase64Url(keys.privateKey);
        const req = await injectJson(server, 'POST', '/v1/relay/requests', agent.apiKey, {
          reason: 'canary',
          channel: 'sms',
          publicKey: toBase64Url(keys.publicKey),
        });
        expect(req.status).toBe(202);
        await injectJson(server, 'POST', `/v1/relay/requests/${req.body.id}/approve`, admin);
        const capture = (await injectJson(server, 'POST', '/v1/relay/settings/capture-token', admin)).body.token;
        const sms = await injectJson(server, 'POST', '/v1/relay/capture/sms', capture, {
          from: sender,
          body: `Your verification code is ${code}. ${marker}`,
        });
        expect(sms.body).toEqual({ captured: true });
        // The same through the SMTP receiver: a mail forwarded to the human's relay address.
        const mailCode = String(randomInt(10_000_000, 99_999_999));
        const mailMarker = `canary-mail-${randomInt(1e9, 9e9)}`;
        const mailKeys = generateKeyPair();
        const mailReq = await injectJson(server, 'POST', '/v1/relay/requests', agent.apiKey, {
          reason: 'canary by mail',
          channel: 'email',
          publicKey: toBase64Url(mailKeys.publicKey),
        });
        await injectJson(server, 'POST', `/v1/relay/requests/${mailReq.body.id}/approve`, admin);
        const smtp = nodemailer.createTransport({
          host: '127.0.0.1',
          port: Number(smtpAddress?.split(':').pop()),
          secure: false,
          ignoreTLS: true,
        });
        await smtp
          .sendMail({
            envelope: { from: 'otp@bank.example', to: ['relay-admin@agents.localhost'] },
            raw: `From: otp@bank.example\r\nTo: relay-admin@agents.localhost\r\nSubject: ${mailMarker}\r\n\r\nYour verification code is ${mailCode}. ${mailMarker}\r\n`,
          })
          .finally(() => smtp.close());
        expect((await injectJson(server, 'GET', `/v1/relay/requests/${mailReq.body.id}`, admin)).body.status).toBe(
          'otp_received',
        );

        const schema = site.databaseUrl
          ? (new URL(site.databaseUrl).searchParams.get('schema') ?? undefined)
          : undefined;
        const secrets = {
          code,
          marker,
          sender,
          privateKey: privateB64,
          privateHex: Buffer.from(keys.privateKey).toString('hex'),
        };
        const assertClean = (when: string) => {
          const places = haystacks(kind, site.dir, schema, logs.text());
          // Control: the haystacks do hold this flow's rows (the request id and its sealed payload's row).
          const stored = Object.entries(places).filter(([place]) => place !== 'logs');
          expect(stored.some(([, bytes]) => bytes.includes(Buffer.from(req.body.id)))).toBe(true);
          for (const [place, bytes] of Object.entries(places)) {
            for (const [name, secret] of Object.entries(secrets)) {
              expect({ when, place, name, found: bytes.includes(Buffer.from(secret)) }).toEqual({
                when,
                place,
                name,
                found: false,
              });
            }
            expect({ when, place, found: bytes.includes(Buffer.from(keys.privateKey)) }).toEqual({
              when,
              place,
              found: false,
            });
          }
        };
        // Between capture and the read, the store holds only the sealed payload.
        assertClean('captured');

        const consumed = await injectJson(server, 'POST', `/v1/relay/requests/${req.body.id}/consume`, agent.apiKey);
        expect(consumed.status).toBe(200);
        expect(openPayload(keys.privateKey, consumed.body)).toMatchObject({
          code,
          from: sender,
          requestId: req.body.id,
        });
        const byMail = await injectJson(server, 'POST', `/v1/relay/requests/${mailReq.body.id}/consume`, agent.apiKey);
        expect(openPayload(mailKeys.privateKey, byMail.body)).toMatchObject({ code: mailCode, channel: 'email' });
        const stranger = generateKeyPair();
        expect(() => openPayload(stranger.privateKey, consumed.body)).toThrow(/could not be opened/);
        assertClean('consumed');
        expect(logs.text()).toContain('/v1/relay/requests/:id/consume');
      } finally {
        await server.close();
        await site.cleanup();
      }
    });
  }
});
