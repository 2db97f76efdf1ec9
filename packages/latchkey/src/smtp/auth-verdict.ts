// Sums up mailauth's SPF, DKIM and DMARC results into the `auth` an agent sees: one word per method and a verdict.
import type { MailAuth } from './routes.js';

/** The parts of mailauth's results this summary reads (plain data, so it can be tested without mailauth). */
export interface AuthFindings {
  spf: { status: { result: string } } | false | undefined;
  dkim: { results: { status: { result: string; aligned?: string | boolean } }[] };
  dmarc: { status: { result: string }; domain?: string } | false | undefined;
  /** Addresses of the header From, as mailauth read them. */
  headerFrom: string[];
}

const KNOWN = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

/** mailauth spells a few results differently in different places; everything else becomes `none`. */
function normalise(result: string | undefined): string {
  if (result === 'temperr') return 'temperror';
  return result !== undefined && KNOWN.has(result) ? result : 'none';
}

/** The DKIM result of a message with several signatures: an aligned pass, else any pass, else the first failure. */
function dkimSummary(results: AuthFindings['dkim']['results']): string {
  const statuses = results.map((r) => ({ result: normalise(r.status.result), aligned: Boolean(r.status.aligned) }));
  if (statuses.some((s) => s.result === 'pass')) return 'pass';
  return statuses.find((s) => s.result !== 'none')?.result ?? 'none';
}

/**
 * The verdict: DMARC decides when the From domain publishes a policy. Without one, a pass by SPF or DKIM proves
 * only that *some* domain sent the mail (`neutral`), a hard failure of either is `fail`, and nothing is `none`.
 */
export function summariseAuth(findings: AuthFindings): MailAuth {
  const spf = normalise(findings.spf ? findings.spf.status.result : undefined);
  const dkim = dkimSummary(findings.dkim.results);
  const dmarc = normalise(findings.dmarc ? findings.dmarc.status.result : undefined);
  const fromAddress = findings.headerFrom[0];
  const fromDomain =
    (findings.dmarc ? findings.dmarc.domain : undefined) ??
    (fromAddress?.includes('@') ? (fromAddress.split('@').pop() ?? '').toLowerCase() : null);
  let verdict: MailAuth['verdict'];
  if (dmarc === 'pass') verdict = 'pass';
  else if (dmarc === 'fail') verdict = 'fail';
  else if (spf === 'pass' || dkim === 'pass') verdict = 'neutral';
  else if (spf === 'fail' || dkim === 'fail') verdict = 'fail';
  else verdict = 'none';
  return { spf, dkim, dmarc, verdict, fromDomain: fromDomain || null };
}

/** The auth of a message nobody could check (an SMS, a message refused before authentication). */
export const NO_AUTH: MailAuth = { spf: 'none', dkim: 'none', dmarc: 'none', verdict: 'none', fromDomain: null };
