// Capture: a message reaches a human's forwarding address or SMS capture endpoint; if it matches one of that human's
// approved requests, its code is sealed to the agent's key at once and only the ciphertext is stored.
import { appError } from '../../core/app-error.js';
import { sealRelayPayload } from '../../crypto/hpke.js';
import { hashSecret, parseCaptureToken, secretMatches } from '../../crypto/tokens.js';
import { type CaptureMessage, type MismatchReason, matchRequest } from './capture-match.js';
import { appendRequestEvent, chainOfRequest, publishStatuses, type RelayDeps } from './relay-deps.js';
import { captureContext } from './relay-keys.js';
import type { RelayRequestRecord } from './relay-repo.js';

/**
 * A received email as the relay needs it: a structural subset of the SMTP receiver's `ReceivedMail`, so the
 * receiver's value can be passed as is. Nothing of it is stored.
 */
export interface RelayMail {
  receivedAt: number;
  from: { address: string } | null;
  subject: string | null;
  text: string | null;
  auth: { dmarc: string; fromDomain: string | null };
  extraction: {
    extractedText: string;
    codes: readonly { value: string }[];
    links: readonly { url: string; kind: string }[];
  };
}

/** An SMS posted by a human's phone (a shortcut or forwarder app). */
export interface RelaySms {
  from: string;
  body: string;
  receivedAt?: number | undefined;
}

export type CaptureOutcome = { captured: true; requestId: string } | { captured: false; reason: CaptureFailure };

export type CaptureFailure = MismatchReason | 'no_approved_request' | 'no_code';

export interface RelayCapture {
  /** The human a relay address (`relay-<human name>`) belongs to, or null (then the receiver answers 550). */
  recipientOf(localPart: string): Promise<{ humanId: string } | null>;
  /** Captures an email that reached `humanId`'s forwarding address. */
  captureMail(humanId: string, mail: RelayMail): Promise<CaptureOutcome>;
  /**
   * Captures an SMS posted with a human's capture token (`Authorization: Bearer lk_cap_…`).
   * @throws AppError UNAUTHENTICATED for a missing, malformed, unknown or wrong token.
   */
  captureSms(authorization: string | undefined, sms: RelaySms, requestId: string): Promise<CaptureOutcome>;
}

const RELAY_PREFIX = 'relay-';
/** Candidates examined per message; a human has few approved requests at a time. */
const MAX_CANDIDATES = 20;
const SYSTEM = { type: 'system' as const, id: 'latchkey', name: 'relay-capture' };
// Compared against when the human is unknown or has no token, so every path does the same work.
const DUMMY_HASH = hashSecret('latchkey-dummy-capture-secret');

/** The link worth relaying: one that verifies, signs in or resets; "other" links are not what an OTP flow needs. */
function bestLink(links: readonly { url: string; kind: string }[]): string | undefined {
  return links.find((l) => l.kind === 'verify' || l.kind === 'login' || l.kind === 'reset')?.url;
}

/** Builds the capture part of the relay service. */
export function createRelayCapture(deps: RelayDeps): RelayCapture {
  const { store, audit, clock, envelope } = deps;

  async function refuse(
    human: { id: string; name: string; orgId: string; orgName: string },
    first: RelayRequestRecord | undefined,
    reason: CaptureFailure,
    requestId: string | null,
  ): Promise<CaptureOutcome> {
    await store.write((tx) =>
      audit.append(tx, {
        orgId: human.orgId,
        actor: SYSTEM,
        delegationChain: first
          ? chainOfRequest(first)
          : [
              { type: 'human', id: human.id, name: human.name },
              { type: 'org', id: human.orgId, name: human.orgName },
            ],
        action: 'relay.capture',
        target: first ? { type: 'relay_request', id: first.id } : { type: 'human', id: human.id, name: human.name },
        outcome: 'denied',
        agentId: first?.agentId ?? null,
        reason,
        requestId,
      }),
    );
    return { captured: false, reason };
  }

  async function capture(
    human: { id: string; name: string; orgId: string; orgName: string },
    message: CaptureMessage & { receivedAt: number; code: string | undefined; link: string | undefined },
    requestId: string | null,
  ): Promise<CaptureOutcome> {
    const now = clock.now();
    const candidates = await store.read.relay.captureCandidates(human.id, message.channel, now, MAX_CANDIDATES);
    if (message.code === undefined && message.link === undefined)
      return refuse(human, candidates[0], 'no_code', requestId);
    let firstReason: CaptureFailure = 'no_approved_request';
    for (const candidate of candidates) {
      let reason: MismatchReason | null;
      try {
        reason = matchRequest(candidate, message);
      } catch {
        // Filters were checked when the request was made; one that no longer compiles matches nothing.
        reason = 'filter_pattern_mismatch';
      }
      if (reason !== null) {
        if (firstReason === 'no_approved_request') firstReason = reason;
        continue;
      }
      const from = message.from ?? '';
      // Sealed here, before anything is written: the code exists in this process only until this line.
      const sealed = sealRelayPayload(candidate.publicKey, {
        ...(message.code !== undefined ? { code: message.code } : {}),
        ...(message.link !== undefined ? { link: message.link } : {}),
        channel: message.channel,
        from,
        receivedAt: new Date(message.receivedAt).toISOString(),
        requestId: candidate.id,
      });
      const { dataKey, wrapped } = envelope.newDataKey(
        captureContext(candidate.orgId, candidate.agentId, candidate.id),
      );
      const sealedFrom = dataKey.seal('from', from);
      const capturedAt = clock.now();
      const recorded = await store.write(async (tx) => {
        const u = await tx.relay.recordCapture(candidate.orgId, candidate.id, {
          ...sealed,
          sealedFrom,
          wrappedKey: wrapped,
          channel: message.channel,
          receivedAt: message.receivedAt,
          capturedAt,
        });
        if (!u) return undefined;
        await appendRequestEvent(deps, tx, u, {
          actor: SYSTEM,
          action: 'relay.capture',
          outcome: 'success',
          reason: message.channel,
          requestId,
        });
        return u;
      });
      if (recorded) {
        await publishStatuses(deps, [recorded]);
        return { captured: true, requestId: recorded.id };
      }
      // Cancelled, denied or expired meanwhile: a message captures at most one request, so try the next one.
    }
    return refuse(human, candidates[0], firstReason, requestId);
  }

  return {
    async recipientOf(localPart) {
      const lower = localPart.toLowerCase();
      if (!lower.startsWith(RELAY_PREFIX)) return null;
      const name = lower.slice(RELAY_PREFIX.length);
      if (name.length === 0) return null;
      // Relay addresses name a human, not an org: an ambiguous name delivers nowhere rather than to the wrong person.
      const humans = await store.read.relay.findHumansByName(name, 2);
      const only = humans.length === 1 ? humans[0] : undefined;
      return only ? { humanId: only.id } : null;
    },

    async captureMail(humanId, mail) {
      const human = await store.read.relay.findHuman(humanId);
      if (!human) return { captured: false, reason: 'no_approved_request' };
      const text = [mail.subject ?? '', mail.extraction.extractedText || mail.text || ''].join('\n');
      return capture(
        human,
        {
          channel: 'email',
          from: mail.from?.address ?? null,
          text,
          auth: mail.auth,
          receivedAt: mail.receivedAt,
          code: mail.extraction.codes[0]?.value,
          link: bestLink(mail.extraction.links),
        },
        null,
      );
    },

    async captureSms(authorization, sms, requestId) {
      const match = authorization ? /^Bearer ([^\s]+)$/i.exec(authorization.trim()) : null;
      const parsed = match?.[1] ? parseCaptureToken(match[1]) : null;
      if (!parsed) throw appError('UNAUTHENTICATED');
      const cred = await store.read.relay.findCaptureCredential(parsed.humanId);
      if (!cred) {
        secretMatches(parsed.secret, DUMMY_HASH);
        throw appError('UNAUTHENTICATED');
      }
      const human = { id: cred.human.id, name: cred.human.name, orgId: cred.org.id, orgName: cred.org.name };
      if (!secretMatches(parsed.secret, cred.tokenHash)) {
        await store.write((tx) =>
          audit.append(tx, {
            orgId: human.orgId,
            actor: { type: 'human', id: human.id, name: human.name },
            delegationChain: [
              { type: 'human', id: human.id, name: human.name },
              { type: 'org', id: human.orgId, name: human.orgName },
            ],
            action: 'auth.authenticate',
            target: { type: 'capture_token', id: human.id },
            outcome: 'denied',
            reason: 'bad_secret',
            requestId,
          }),
        );
        throw appError('UNAUTHENTICATED');
      }
      const now = clock.now();
      const extraction = deps.extract({ channel: 'sms', from: sms.from, text: sms.body });
      return capture(
        human,
        {
          channel: 'sms',
          from: sms.from,
          text: sms.body,
          auth: null,
          // A phone's clock may be ahead; a code is never received in our future.
          receivedAt: Math.min(sms.receivedAt ?? now, now),
          code: extraction.codes[0]?.value,
          link: bestLink(extraction.links),
        },
        requestId,
      );
    },
  };
}
