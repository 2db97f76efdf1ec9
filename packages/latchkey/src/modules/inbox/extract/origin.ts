// Parses the WICG origin-bound one-time code line (sms-one-time-codes): "@example.com #123456", optionally
// followed by the embedding origin ("@ecommerce.example", or "%ecommerce.example" in the early drafts).

/** The origin a code is bound to, as the message states it. Both fields come from the sender: untrusted. */
export interface OriginBound {
  domain: string;
  code: string;
}

/**
 * The format's last line. Host and code are bounded runs of their character classes, anchored at the line
 * start: linear. Anything after the optional embedded host is ignored, as the draft specifies.
 */
const ORIGIN_LINE = /^@([a-z0-9](?:[a-z0-9.-]{0,252})) #([^#\s]{1,32})(?: [@%][a-z0-9.-]{1,253})?(?:\s|$)/i;

/** Reads the origin-bound line of a message, if its last non-empty line is one. */
export function parseOriginBound(text: string): OriginBound | undefined {
  const trimmed = text.trimEnd();
  const last = trimmed.slice(trimmed.lastIndexOf('\n') + 1).trim();
  const m = ORIGIN_LINE.exec(last.slice(0, 600));
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const domain = m[1].toLowerCase().replace(/\.$/, '');
  if (!domain.includes('.') && domain !== 'localhost') return undefined;
  return { domain, code: m[2] };
}
