// The SMTP receiver (an MX for the mail domain, never a relay): limits enforced before any byte is stored,
// recipients checked at RCPT time through the routes, each message parsed off the main thread, delivered, and
// acknowledged only once every recipient's delivery is durable.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { MailParser } from './mail-parser.js';
import { ParseRefused } from './mail-parser.js';
import type { SmtpOutcome } from './metrics.js';
import type { MailDelivery, MailRoute } from './routes.js';

/** Limits of the receiver; every one of them is enforced, not only advertised. */
export interface ReceiverLimits {
  /** Largest message accepted (SIZE); bigger ones get 552 and are discarded as they stream in. */
  maxMessageBytes: number;
  /**
   * Message bytes held at once across all sessions; a message that would pass it gets 452 (try later). Without it
   * a crowd of clients each sending a message just under the size limit could exhaust memory.
   */
  maxBufferedBytes: number;
  /** Connections at once, from everyone (421 beyond). */
  maxClients: number;
  /** Connections at once from one address (421 beyond). */
  maxConnectionsPerIp: number;
  /** Recipients of one message (452 beyond). */
  maxRecipients: number;
  /** A client silent this long is disconnected with 421. */
  idleTimeoutMs: number;
  /** On shutdown, sessions still open after this long are closed with 421. */
  closeTimeoutMs: number;
}

/** Where the receiver reports what it refused (never a message's content). */
export interface ReceiverLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ReceiverDeps {
  routes: MailRoute[];
  /** The only domain accepted in RCPT TO. */
  mailDomain: string;
  parser: MailParser;
  now: () => number;
  log: ReceiverLog;
  /** Counts what happened to each connection, recipient and message (metrics). */
  count?: (outcome: SmtpOutcome) => void;
}

export interface SmtpReceiver {
  /** Starts listening; resolves to the bound address. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Stops accepting, lets sessions finish (421 after the close timeout), then waits for in-flight deliveries. */
  close(): Promise<void>;
}

type Accepted = { rcpt: string; deliver: MailDelivery };

/** An error smtp-server turns into a reply with this code. */
function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Splits `local@domain`, lower-casing both (agent names and the mail domain are lower case). */
function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/** Builds the receiver (not listening). */
export function createSmtpReceiver(deps: ReceiverDeps, limits: ReceiverLimits): SmtpReceiver {
  const { log } = deps;
  const count = deps.count ?? (() => undefined);
  // Recipients accepted in the current transaction, keyed by the session's envelope object, which smtp-server
  // replaces at every new transaction, so state never leaks from one message to the next.
  const accepted = new WeakMap<object, Accepted[]>();
  const perIp = new Map<string, number>();
  const counted = new Set<string>();
  // Message bytes held across all sessions (streaming in, or waiting for and in a parse worker).
  let buffered = 0;
  const inFlight = new Set<Promise<unknown>>();

  function recipientsOf(session: SMTPServerSession): Accepted[] {
    let list = accepted.get(session.envelope);
    if (!list) {
      list = [];
      accepted.set(session.envelope, list);
    }
    return list;
  }

  async function acceptRecipient(address: string, session: SMTPServerSession): Promise<void> {
    const parts = splitAddress(address);
    if (!parts) throw reply(553, 'Recipient address is not valid');
    if (parts.domain !== deps.mailDomain) {
      count('relay_denied');
      throw reply(550, 'Relaying denied: this server only accepts its own domain');
    }
    const list = recipientsOf(session);
    const rcpt = `${parts.local}@${parts.domain}`;
    if (list.some((a) => a.rcpt === rcpt)) return;
    for (const route of deps.routes) {
      const deliver = await route.accept(parts.local, parts.domain);
      if (deliver) {
        list.push({ rcpt, deliver });
        return;
      }
    }
    count('unknown_recipient');
    log.info({ smtp: 'rcpt', remote: session.remoteAddress }, 'unknown recipient refused');
    throw reply(550, 'No such recipient here');
  }

  async function receive(
    raw: Uint8Array<ArrayBuffer>,
    size: number,
    receivedAt: number,
    session: SMTPServerSession,
  ): Promise<string> {
    const recipients = [...recipientsOf(session)];
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const facts = { mailFrom, remoteAddress: session.remoteAddress, heloName: session.hostNameAppearsAs || '' };
    let parsed: Awaited<ReturnType<MailParser['parse']>>;
    try {
      parsed = await deps.parser.parse(raw, facts);
    } catch (err) {
      if (err instanceof ParseRefused) {
        count(err.reason);
        log.warn({ smtp: 'data', remote: session.remoteAddress, reason: err.reason }, 'message refused');
        if (err.transient) throw reply(451, 'Busy, try again later');
        throw reply(554, `Message refused: it could not be parsed within limits (${err.reason})`);
      }
      throw err;
    }
    await Promise.all(
      recipients.map((r) =>
        r.deliver({
          ...parsed,
          receivedAt,
          size,
          envelope: { mailFrom, rcptTo: r.rcpt, remoteAddress: facts.remoteAddress, heloName: facts.heloName },
        }),
      ),
    );
    count('accepted');
    return 'Message accepted';
  }

  function onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (err?: Error | null, message?: string) => void,
  ) {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let refusal: 'oversized' | 'no_room' | null = null;
    const release = () => {
      buffered -= held;
      held = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refusal) return;
      if (size > limits.maxMessageBytes) refusal = 'oversized';
      else if (buffered + chunk.length > limits.maxBufferedBytes) refusal = 'no_room';
      if (refusal) {
        // Enforced as the bytes arrive: what is over a limit is never held, only counted and dropped.
        chunks.length = 0;
        release();
        return;
      }
      chunks.push(chunk);
      held += chunk.length;
      buffered += chunk.length;
    });
    let handedOff = false;
    // A client that hangs up mid-message: smtp-server destroys the stream without an 'end'.
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (!handedOff) release();
    });
    stream.on('end', () => {
      handedOff = true;
      const receivedAt = deps.now();
      if (refusal === 'oversized' || stream.sizeExceeded) {
        count('oversized');
        log.info({ smtp: 'data', remote: session.remoteAddress, bytes: size }, 'oversized message refused');
        done(reply(552, `Message exceeds the maximum size of ${limits.maxMessageBytes} bytes`));
        return;
      }
      if (refusal === 'no_room') {
        count('busy');
        log.warn({ smtp: 'data', remote: session.remoteAddress, bytes: size }, 'too many bytes in flight');
        done(reply(452, 'Insufficient system storage right now, try again later'));
        return;
      }
      // A buffer of its own (not Buffer.concat, which may hand out a slice of a shared pool) so it can be moved.
      const raw = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        raw.set(chunk, offset);
        offset += chunk.length;
      }
      chunks.length = 0;
      const task = receive(raw, size, receivedAt, session)
        .then(
          (message) => done(null, message),
          (err: unknown) => {
            if ((err as { responseCode?: number }).responseCode) return done(err as Error);
            count('temporary_failure');
            log.warn({ smtp: 'data', err: (err as Error).name }, 'delivery failed');
            done(reply(451, 'Temporary failure storing the message, try again later'));
          },
        )
        // The bytes count against the budget until the worker is done with them.
        .finally(release);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    });
  }

  const server = new SMTPServer({
    name: deps.mailDomain,
    // No version and no software name in the banner: nothing for a scanner to match.
    banner: undefined,
    size: limits.maxMessageBytes,
    rejectOversized: true,
    maxClients: limits.maxClients,
    maxRecipients: limits.maxRecipients,
    socketTimeout: limits.idleTimeoutMs,
    closeTimeout: limits.closeTimeoutMs,
    // An MX takes mail for its own domain from anyone; it never authenticates senders or relays for them.
    disabledCommands: ['AUTH', 'STARTTLS'],
    // A reverse lookup per connection costs a DNS round trip and proves nothing.
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    logger: false,
    onConnect(session, callback) {
      const ip = session.remoteAddress;
      const open = perIp.get(ip) ?? 0;
      if (open >= limits.maxConnectionsPerIp) {
        count('too_many_connections');
        log.info({ smtp: 'connect', remote: ip }, 'too many connections from one address');
        callback(reply(421, 'Too many connections from your address, try again later'));
        return;
      }
      perIp.set(ip, open + 1);
      counted.add(session.id);
      callback();
    },
    onClose(session) {
      if (!counted.delete(session.id)) return;
      const ip = session.remoteAddress;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    },
    onMailFrom(_address, session, callback) {
      accepted.delete(session.envelope);
      callback();
    },
    onRcptTo(address, session, callback) {
      acceptRecipient(address.address, session).then(
        () => callback(),
        (err: unknown) => {
          if ((err as { responseCode?: number }).responseCode) return callback(err as Error);
          count('temporary_failure');
          log.warn({ smtp: 'rcpt', err: (err as Error).name }, 'recipient lookup failed');
          callback(reply(451, 'Temporary failure checking the recipient, try again later'));
        },
      );
    },
    onData,
  });
  server.on('error', (err: Error & { code?: string }) => {
    log.info({ smtp: 'error', code: err.code ?? err.name }, 'connection error');
  });

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const address = server.server.address() as AddressInfo;
          resolve({ host, port: address.port });
        });
      });
    },
    async close() {
      if (server.server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
