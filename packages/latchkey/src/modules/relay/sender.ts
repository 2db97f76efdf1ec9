// Who a code may come from: parsing an agent's `expectedSender` and matching it against a captured message's sender.
// Email senders are the header From (the address DMARC authenticates), never the envelope sender.

/** A parsed `expectedSender`; `value` is the normalised form that is stored and compared. */
export type ExpectedSender =
  | { kind: 'address'; value: string; domain: string }
  | { kind: 'domain'; value: string }
  | { kind: 'phone'; value: string }
  | { kind: 'sender_id'; value: string };

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{4,253}$)(?:${LABEL}\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`);
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const PHONE = /^\+?[0-9][0-9 ().-]{1,24}$/;
const SENDER_ID = /^[a-z0-9][a-z0-9 ._&-]{1,15}$/;

/**
 * Parses an expected sender: an email address (`no-reply@bank.example`), a domain (`bank.example`: the address's
 * domain or a subdomain of it), a phone number (`+1 555 010 0199`: compared by digits) or an SMS sender id
 * (`MYBANK`: compared without case or spaces). Returns null when the text is none of these.
 */
export function parseExpectedSender(raw: string): ExpectedSender | null {
  const text = raw.trim().toLowerCase().replace(/\.$/, '');
  if (text.length === 0 || text.length > 254) return null;
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const local = text.slice(0, at);
    const domain = text.slice(at + 1);
    return LOCAL_PART.test(local) && DOMAIN.test(domain) ? { kind: 'address', value: text, domain } : null;
  }
  if (DOMAIN.test(text)) return { kind: 'domain', value: text };
  if (PHONE.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length >= 3 && digits.length <= 15)
      return { kind: 'phone', value: `${text.startsWith('+') ? '+' : ''}${digits}` };
    return null;
  }
  if (SENDER_ID.test(text)) return { kind: 'sender_id', value: text.replace(/\s+/g, '') };
  return null;
}

/** The domain of an email address, lower-cased; null when `address` is not one. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}

/** True when `domain` is `parent` or one of its subdomains. */
export function isDomainOrSubdomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

/** True when a captured sender (header From address, or SMS sender) is the expected one. */
export function senderMatches(expected: ExpectedSender, channel: 'email' | 'sms', from: string): boolean {
  const sender = from.trim().toLowerCase();
  if (channel === 'email') {
    if (expected.kind === 'address') return sender === expected.value;
    if (expected.kind === 'domain') {
      const domain = domainOf(sender);
      return domain !== null && isDomainOrSubdomain(domain, expected.value);
    }
    return false;
  }
  if (expected.kind === 'phone') {
    const digits = sender.replace(/\D/g, '');
    return digits.length >= 3 && /^\+?[0-9 ().-]+$/.test(sender) && digits === expected.value.replace(/\D/g, '');
  }
  if (expected.kind === 'sender_id') return sender.replace(/\s+/g, '') === expected.value;
  return false;
}

/**
 * True when DMARC passed for the header From's domain. Together with {@link senderMatches} this proves the message
 * comes from the expected sender's domain: DMARC binds the visible From to SPF or DKIM of that domain, and survives
 * automatic forwarding through DKIM.
 */
export function dmarcPassesFor(from: string, auth: { dmarc: string; fromDomain: string | null } | null): boolean {
  if (auth?.dmarc !== 'pass' || auth.fromDomain === null) return false;
  return domainOf(from) === auth.fromDomain.toLowerCase().replace(/\.$/, '');
}
