// Type tests of the main results: identity, inbox, relay and audit. A change to a public shape fails here.
import { describe, expectTypeOf, it } from 'vitest';
import { Latchkey } from './client.js';
import type { LatchkeyError } from './errors.js';
import type { ReceivedCode, ReceivedLink } from './mail.js';
import type { RelayHandle } from './relay.js';
import type {
  AgentKey,
  AuditEvent,
  AuditVerification,
  ChainLink,
  CreatedAgent,
  InboxWaitResult,
  Me,
  Message,
  MessageSummary,
  RelayOtp,
  RelayRequest,
  RelaySealedPayload,
} from './types.js';

const lk = new Latchkey({ apiKey: 'lk_agent_x' });

describe('identity', () => {
  it('types me, agents and keys', () => {
    expectTypeOf(lk.me()).toEqualTypeOf<Promise<Me>>();
    expectTypeOf<Me['delegationChain']>().toEqualTypeOf<ChainLink[]>();
    expectTypeOf<ChainLink['type']>().toEqualTypeOf<'human' | 'org' | 'agent'>();
    expectTypeOf<NonNullable<Me['inbox']>['address']>().toBeString();
    expectTypeOf(lk.agents.create({ name: 'bot' })).toEqualTypeOf<Promise<CreatedAgent>>();
    expectTypeOf<CreatedAgent['apiKey']>().toBeString();
    expectTypeOf(lk.agents.keys.list('bot')).toEqualTypeOf<Promise<AgentKey[]>>();
  });
});

describe('lk.mail', () => {
  it('types lists, messages and waits', () => {
    expectTypeOf(lk.mail.listMessages({ from: 'github.com', unread: true })).toEqualTypeOf<
      Promise<{ messages: MessageSummary[]; nextCursor: string | null }>
    >();
    expectTypeOf(lk.mail.getMessage('msg_1')).toEqualTypeOf<Promise<Message>>();
    expectTypeOf(lk.mail.wait({ kind: 'any' })).toEqualTypeOf<Promise<InboxWaitResult>>();
    expectTypeOf(lk.mail.waitForCode({ from: 'github.com', timeoutSeconds: 30 })).toEqualTypeOf<
      Promise<ReceivedCode>
    >();
    expectTypeOf<ReceivedCode['code']['value']>().toBeString();
    expectTypeOf(lk.mail.waitForLink()).toEqualTypeOf<Promise<ReceivedLink>>();
    expectTypeOf<ReceivedLink['link']['kind']>().toEqualTypeOf<'verify' | 'login' | 'reset' | 'other'>();
    expectTypeOf<MessageSummary['auth']['verdict']>().toEqualTypeOf<'pass' | 'fail' | 'neutral' | 'none'>();
    // @ts-expect-error waitForCode sets the kind itself
    lk.mail.waitForCode({ kind: 'link' });
  });
});

describe('lk.relay', () => {
  it('types requestOtp, wait and consume', () => {
    expectTypeOf(lk.relay.requestOtp({ reason: 'bank', channel: 'sms' })).toEqualTypeOf<Promise<RelayHandle>>();
    expectTypeOf(lk.relay.wait('rly_1', { timeoutSeconds: 60 })).toEqualTypeOf<Promise<RelayRequest>>();
    expectTypeOf<RelayRequest['status']>().toEqualTypeOf<
      'pending_approval' | 'approved' | 'otp_received' | 'consumed' | 'denied' | 'expired' | 'cancelled'
    >();
    expectTypeOf(lk.relay.consumeSealed('rly_1')).toEqualTypeOf<Promise<RelaySealedPayload>>();
    expectTypeOf(lk.relay.captureSms({ from: '+1555', body: 'x' })).toEqualTypeOf<Promise<{ captured: boolean }>>();
    // @ts-expect-error consume needs the handle (it holds the private key), not an id
    lk.relay.consume('rly_1');
    // @ts-expect-error a request needs a reason for the human
    lk.relay.requestOtp({ channel: 'email' });
  });

  it('types the opened payload', async () => {
    const handle = await lk.relay.requestOtp({ reason: 'bank' });
    expectTypeOf(lk.relay.consume(handle)).toEqualTypeOf<Promise<RelayOtp>>();
    expectTypeOf<RelayOtp['channel']>().toEqualTypeOf<'email' | 'sms'>();
    expectTypeOf<RelayOtp['code']>().toEqualTypeOf<string | undefined>();
  });
});

describe('lk.audit and errors', () => {
  it('types events, verification and LatchkeyError', () => {
    expectTypeOf(lk.audit.list({ action: 'vault.get' })).toEqualTypeOf<
      Promise<{ events: AuditEvent[]; nextCursor: string | null }>
    >();
    expectTypeOf(lk.audit.verify()).toEqualTypeOf<Promise<AuditVerification>>();
    expectTypeOf<LatchkeyError['code']>().toBeString();
    expectTypeOf<LatchkeyError['status']>().toBeNumber();
    expectTypeOf<LatchkeyError['requestId']>().toEqualTypeOf<string | undefined>();
  });
});
