// Composition root: load config → open storage → build services → start transports.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ServeConfig } from './config/config.js';
import { type Clock, systemClock } from './core/clock.js';
import { pinTickObjectShape } from './core/tick-shape.js';
import { createEnvelope } from './crypto/envelope.js';
import { createKeyedHasher } from './crypto/keyed-hash.js';
import { type LoadedMasterKey, loadMasterKey, replaceKeyFile } from './crypto/master-key-source.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { auditRoutes } from './http/routes/audit.js';
import { identityRoutes } from './http/routes/identity.js';
import { inboxRoutes } from './http/routes/inbox.js';
import { keysRoutes } from './http/routes/keys.js';
import { relayRoutes } from './http/routes/relay.js';
import { smsRoutes } from './http/routes/sms.js';
import { vaultRoutes } from './http/routes/vault.js';
import { registerMcpHttp } from './mcp/http.js';
import { createAuditLog } from './modules/audit/audit-log.js';
import { createAuditService } from './modules/audit/audit-service.js';
import { createAuthenticator } from './modules/identity/authenticate.js';
import { bootstrapIdentity } from './modules/identity/bootstrap.js';
import { createIdentityService } from './modules/identity/identity-service.js';
import { extractMessage } from './modules/inbox/extract/index.js';
import { createInboxService, type InboxService } from './modules/inbox/inbox-service.js';
import { messageKeys } from './modules/inbox/message-keys.js';
import { startSweeper } from './modules/inbox/retention.js';
import { createSmsService } from './modules/inbox/sms-service.js';
import { createKeysService } from './modules/keys/keys-service.js';
import type { WrappedKeyStore } from './modules/keys/wrapped-key-store.js';
import { relayWrappedKeyStores } from './modules/relay/relay-keys.js';
import { createRelayService, type RelayService } from './modules/relay/relay-service.js';
import { vaultItemKeys } from './modules/vault/vault-keys.js';
import { createVaultService } from './modules/vault/vault-service.js';
import { type DnsResolver, systemResolver } from './smtp/dns.js';
import { inboxMailRoute } from './smtp/inbox-route.js';
import { createMailParser } from './smtp/mail-parser.js';
import { createSmtpMetrics } from './smtp/metrics.js';
import { createSmtpReceiver } from './smtp/receiver.js';
import { relayMailRoute } from './smtp/relay-route.js';
import type { MailRoute } from './smtp/routes.js';
import { type DatabaseTarget, postgresTarget, sqliteFileOf } from './storage/database.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/store.js';
import { storeSecret, storeSecretKeys } from './storage/store-secrets.js';
import { VERSION } from './version.js';
import { createWebhookTransport } from './webhooks/transport.js';
import { createQrDecoder } from './workers/qr-decoder.js';

/** How often an instance reports its key versions; reports older than three intervals count as gone. */
const KEY_REPORT_INTERVAL_MS = 30_000;

/** A built server: storage open, services wired, transports ready to listen. */
export interface LatchkeyServer {
  config: ServeConfig;
  app: FastifyInstance;
  store: Store;
  adminTokenFile: string;
  /** The OTP relay (tests drive its sweeper and webhook dispatcher directly). */
  relay: RelayService;
  /** Set only on the start that created the admin: the operator token, in clear, this once. */
  adminToken: string | null;
  /** Things the operator must know about this start (a generated key file, …). */
  notices: string[];
  /** The inbox, for in-process callers (tests, benchmarks) that need to see inside a running server. */
  inbox: InboxService;
  /** Starts listening; resolves to the addresses actually bound. */
  listen(): Promise<{ httpUrl: string; smtpAddress: string | null }>;
  /** Drains requests and sessions, then closes storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where logs go (default stderr, so stdout carries only the start lines). */
  logStream?: Writable;
  /** Time source (tests pass a fake clock). */
  clock?: Clock;
  /** Check every response against its zod schema as well as serializing through it (tests). */
  validateResponses?: boolean;
  /** DNS for sender authentication (tests pass a zone of their own; default: the system resolver). */
  dnsResolver?: DnsResolver;
}

/** The database a configuration points at. */
export function targetOf(config: ServeConfig): DatabaseTarget {
  return config.databaseUrl
    ? postgresTarget(config.databaseUrl)
    : { kind: 'sqlite', file: sqliteFileOf(config.dataDir) };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Opens the store and wires every service and transport (not yet listening). */
export async function createServer(config: ServeConfig, options: StartOptions = {}): Promise<LatchkeyServer> {
  // Keeps every request on Node's fast nextTick path after an idle spell (ADR 0053).
  await pinTickObjectShape();
  const clock = options.clock ?? systemClock;
  let master: LoadedMasterKey | undefined;
  const keyringFor = (exists: boolean) => {
    master ??= loadMasterKey(config, exists);
    return { keyring: master.keyring, sourceName: master.source };
  };
  const { store } = await openStore(targetOf(config), keyringFor, clock);
  const notices: string[] = [];
  if (master?.generated && master.file) {
    notices.push(
      `Generated a new master key in ${master.file} (mode 0600). Back it up: without it the store cannot be read.`,
    );
  }

  try {
    // Rotation swaps the keyring while the server runs; everything reads it through this holder.
    const keys = { current: master ? master.keyring : keyringFor(true).keyring };
    const envelope = createEnvelope(() => keys.current);
    const keyedHash = createKeyedHasher(await storeSecret(store, envelope, 'keyed-hash', clock.now()));
    const audit = createAuditLog({ clock });
    const identity = createIdentityService({ store, audit, clock });
    const authenticator = createAuthenticator({ store, audit, clock });
    const auditService = createAuditService({ store });
    const boot = await bootstrapIdentity({ store, audit, clock });
    const qrDecoder = createQrDecoder();
    const vault = createVaultService({ store, identity, audit, envelope, clock, decodeQr: qrDecoder.decode });
    // Every table of wrapped data keys, so rotation rewraps them all: a module that stores data keys adds one line.
    const wrappedKeyStores: WrappedKeyStore[] = [
      vaultItemKeys(store),
      messageKeys(store),
      storeSecretKeys(store),
      ...relayWrappedKeyStores(store),
    ];
    const keyFile = master?.file ?? null;
    const keysService = createKeysService({
      store,
      audit,
      clock,
      keys,
      envelope,
      wrappedKeyStores,
      keyFile: keyFile ? { path: keyFile, write: (keyring) => replaceKeyFile(keyFile, keyring) } : null,
      sharedStore: store.dialect === 'postgres',
      instanceId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    });
    await keysService.report();
    notices.push(...(await keysService.peerWarnings()));
    let heartbeat: NodeJS.Timeout | undefined;
    // Until listen() knows the bound port, the configured one stands in (SPEC §2: default http://HOST:PORT).
    let boundHttpUrl = `http://${hostForUrl(config.host)}:${config.httpPort}`;
    const publicUrl = () => config.publicUrl ?? boundHttpUrl;
    const relay = createRelayService({
      store,
      audit,
      identity,
      clock,
      envelope,
      notifier: store.notifier,
      transport: createWebhookTransport({ allowedPrivateHosts: config.webhookAllowPrivateHosts }),
      extract: extractMessage,
      // Approval links use the public URL; without one, the address actually bound (known once listening).
      publicUrl: () => publicUrl().replace(/\/+$/, ''),
      mailDomain: config.mailDomain,
    });

    const adminTokenFile = join(config.dataDir, 'admin-token');
    if (boot.operatorToken) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(adminTokenFile, `${boot.operatorToken}\n`, { mode: 0o600 });
      chmodSync(adminTokenFile, 0o600);
    }

    const inbox = createInboxService({
      store,
      notifier: store.notifier,
      identity,
      audit,
      envelope,
      clock,
      retentionMs: config.messageRetentionMs,
    });
    const sms = createSmsService({
      store,
      inbox,
      identity,
      audit,
      keyedHash,
      clock,
      twilioAuthToken: config.twilioAuthToken,
      smsWebhookSecret: config.smsWebhookSecret,
    });
    // Each mail route claims its own recipients at RCPT time (ADR 0024); the relay's `relay-<human>` first (ADR 0034).
    const mailRoutes: MailRoute[] = [relayMailRoute(relay), inboxMailRoute(inbox)];

    const metrics = createMetrics();
    const countSmtp = createSmtpMetrics(metrics.registry, () => inbox.waiting());
    const app = buildApp({
      routes: [
        ...identityRoutes(identity, { mailDomain: config.mailDomain }),
        ...auditRoutes(auditService),
        ...vaultRoutes(vault),
        ...keysRoutes(keysService),
        ...inboxRoutes(inbox),
        ...smsRoutes(sms, publicUrl),
        ...relayRoutes(relay),
      ],
      authenticator,
      metrics,
      ready: () => store.ping(),
      logLevel: config.logLevel,
      version: VERSION,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      ...(options.logStream ? { logStream: options.logStream } : {}),
      ...(options.validateResponses ? { validateResponses: true } : {}),
    });

    const smtpLog = app.log.child({ component: 'smtp' });
    const parser =
      config.smtpPort === 'off'
        ? null
        : createMailParser({
            mta: config.mailDomain,
            resolver: options.dnsResolver ?? systemResolver(),
            workers: config.smtpParseWorkers,
            timeoutMs: config.smtpParseTimeoutMs,
            // DNS gets at most half the budget, so a sender's slow DNS cannot starve the parse itself.
            dnsBudgetMs: Math.floor(config.smtpParseTimeoutMs / 2),
            memoryMb: config.smtpParseMemoryMb,
            maxQueue: config.smtpMaxClients,
          });
    const receiver = parser
      ? createSmtpReceiver(
          {
            routes: mailRoutes,
            mailDomain: config.mailDomain,
            parser,
            now: () => clock.now(),
            log: smtpLog,
            count: countSmtp,
          },
          {
            maxMessageBytes: config.smtpMaxMessageBytes,
            maxBufferedBytes: config.smtpMaxBufferedBytes,
            maxClients: config.smtpMaxClients,
            maxConnectionsPerIp: config.smtpMaxConnectionsPerIp,
            maxRecipients: config.smtpMaxRecipients,
            idleTimeoutMs: config.smtpIdleTimeoutMs,
            closeTimeoutMs: 10_000,
          },
        )
      : null;
    let stopSweeper: (() => Promise<void>) | null = null;

    const closeMcp = registerMcpHttp(app, {
      authenticate: (header, requestId) => authenticator.authenticate(header, requestId),
    });

    return {
      config,
      app,
      store,
      relay,
      adminTokenFile,
      adminToken: boot.operatorToken,
      notices,
      inbox,
      async listen() {
        await app.listen({ host: config.host, port: config.httpPort });
        // Tells other instances which key versions this one holds (rotation refuses to outrun them).
        heartbeat = setInterval(() => void keysService.report().catch(() => undefined), KEY_REPORT_INTERVAL_MS);
        heartbeat.unref();
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : config.httpPort;
        const host = hostForUrl(config.host);
        boundHttpUrl = `http://${host}:${port}`;
        let smtpAddress: string | null = null;
        if (receiver && config.smtpPort !== 'off') {
          const bound = await receiver.listen(config.host, config.smtpPort);
          smtpAddress = `${host}:${bound.port}`;
          void parser?.warm();
        }
        stopSweeper = startSweeper(
          () => inbox.sweep(),
          Math.min(60_000, config.messageRetentionMs),
          (err) => app.log.warn({ err: (err as Error).name }, 'retention sweep failed'),
        );
        relay.start();
        return { httpUrl: boundHttpUrl, smtpAddress };
      },
      async close() {
        clearInterval(heartbeat);
        // SMTP first: sessions in DATA finish and their deliveries are stored before storage closes.
        await receiver?.close();
        await parser?.close();
        await stopSweeper?.();
        // Pending relay waits answer at once, so draining requests does not wait for them.
        await relay.stop();
        await closeMcp();
        await app.close();
        await keysService.shutdown();
        await qrDecoder.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
