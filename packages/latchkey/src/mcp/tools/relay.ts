// MCP tools over the OTP relay: ask your human for a code that only reaches their phone or mailbox, wait for their
// approval and the code, and read it once. The key pair is made and kept in this process (the session's keyring);
// the server stores only ciphertext sealed to its public half.
import type { RelayRequest } from '@latchkey/sdk';
import { z } from 'zod';
import { defined, defineTool } from '../tool.js';

const ENDED = new Set(['consumed', 'denied', 'expired', 'cancelled']);

const NEXT: Record<string, string> = {
  pending_approval: 'Waiting for your human to approve: call relay_wait again.',
  approved: 'Approved. Trigger the code now (e.g. submit the form that sends it), then call relay_wait.',
  otp_received: 'The code arrived: call relay_consume_otp to read it (you can read it once).',
  consumed: 'The code was already read.',
  denied: 'Your human denied the request. Do not ask again without new information.',
  expired: 'The request expired. Make a new one if you still need a code.',
  cancelled: 'The request was cancelled.',
};

const Status = {
  requestId: z.string(),
  status: z.enum(['pending_approval', 'approved', 'otp_received', 'consumed', 'denied', 'expired', 'cancelled']),
  next: z.string().describe('What to do next.'),
  expiresAt: z.string(),
};

function status(r: Pick<RelayRequest, 'id' | 'status' | 'expiresAt'>) {
  return { requestId: r.id, status: r.status, next: NEXT[r.status] ?? '', expiresAt: r.expiresAt };
}

export const relayRequestOtp = defineTool({
  name: 'relay_request_otp',
  title: 'Ask your human for a code',
  description:
    'Asks the human responsible for you to relay a one-time code that a service can only send to their phone or ' +
    'mailbox (a bank, a government portal). They are notified and approve or deny; approved codes are captured ' +
    'from their forwarding address or SMS and sealed so only this session can read them. Use it only for ' +
    'codes that cannot come to your own inbox (for those, use mail_wait_for_code). Then trigger the code, call ' +
    'relay_wait, and read the code with relay_consume_otp.',
  input: {
    reason: z.string().min(1).max(500).describe('Shown to your human: what you are doing and why you need the code.'),
    expectedSender: z
      .string()
      .optional()
      .describe('Who sends the code: an email address or domain (DMARC must pass for it), or an SMS sender.'),
    channel: z.enum(['email', 'sms', 'any']).optional().describe('Where the code arrives (default any).'),
    filterFrom: z.string().optional().describe('Glob on the sender, e.g. "*@bank.example".'),
    filterPattern: z.string().optional().describe('A regular expression the message must match (ignores case).'),
    ttlSeconds: z.number().int().min(30).max(3600).optional().describe('How long the request lives (default 300).'),
  },
  output: { ...Status, approvalUrl: z.string() },
  readOnly: false,
  async handler({ lk, relayKeys }, { filterFrom, filterPattern, ...rest }) {
    const filter = {
      ...(filterFrom !== undefined ? { from: filterFrom } : {}),
      ...(filterPattern !== undefined ? { pattern: filterPattern } : {}),
    };
    const handle = await lk.relay.requestOtp({ ...defined(rest), ...(Object.keys(filter).length ? { filter } : {}) });
    relayKeys.put(handle);
    return { ...status(handle), approvalUrl: handle.approvalUrl };
  },
});

export const relayWait = defineTool({
  name: 'relay_wait',
  title: 'Wait for a relayed code',
  description:
    'Waits until your human decides, the code is captured, or the request ends, and returns its status and ' +
    'what to do next. "otp_received" means relay_consume_otp will return the code. Returns the current ' +
    'status when timeoutSeconds pass; call it again while the status is pending_approval or approved.',
  input: {
    requestId: z.string().describe('The requestId from relay_request_otp.'),
    timeoutSeconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .optional()
      .describe(
        'How long to wait (default 45: most MCP clients give a call 60 seconds, longer if they follow progress).',
      ),
  },
  output: { ...Status, decidedBy: z.string().nullable() },
  readOnly: true,
  async handler({ lk, relayKeys }, { requestId, timeoutSeconds }) {
    const request = await lk.relay.wait(requestId, { timeoutSeconds: timeoutSeconds ?? 45 });
    if (ENDED.has(request.status)) relayKeys.forget(request.id);
    return { ...status(request), decidedBy: request.decidedBy?.name ?? null };
  },
});

export const relayConsumeOtp = defineTool({
  name: 'relay_consume_otp',
  title: 'Read a relayed code',
  description:
    'Returns the relayed code (or link) and who sent it, exactly once: the server erases it as you read it, ' +
    'and a second read alarms your human. Call it once relay_wait says "otp_received", right before you type ' +
    'the code. Works only in the session that made the request (it holds the only key that opens the code).',
  input: { requestId: z.string().describe('The requestId from relay_request_otp.') },
  output: {
    code: z.string().optional(),
    link: z.string().optional(),
    channel: z.enum(['email', 'sms']),
    from: z.string(),
    receivedAt: z.string(),
  },
  readOnly: false,
  async handler({ lk, relayKeys }, { requestId }) {
    const handle = relayKeys.get(requestId);
    if (!handle || handle.spent) {
      throw new Error(
        'This session holds no key for that request: either it was read already or another session made it.',
      );
    }
    try {
      const otp = await lk.relay.consume(handle);
      return {
        ...(otp.code !== undefined ? { code: otp.code } : {}),
        ...(otp.link !== undefined ? { link: otp.link } : {}),
        channel: otp.channel,
        from: otp.from,
        receivedAt: otp.receivedAt,
      };
    } finally {
      if (handle.spent) relayKeys.forget(requestId);
    }
  },
});
