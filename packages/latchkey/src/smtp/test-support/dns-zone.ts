// A DNS zone in memory for sender-authentication tests: answers like node:dns, including its error codes.
import { DnsError, type DnsResolver } from '../dns.js';

/** Records by name (lower case) and type: `{ 'example.com': { TXT: [['v=spf1 -all']] } }`. */
export type Zone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', unknown[]>>>;

/** A resolver answering from `zone`; `queries` records every question asked, in order. */
export function zoneResolver(zone: Zone): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const resolve = async (name: string, rrtype: string) => {
    queries.push(`${rrtype} ${name}`);
    const records = zone[name.toLowerCase()];
    if (!records) throw new DnsError('ENOTFOUND');
    const answer = records[rrtype as keyof typeof records];
    if (!answer) throw new DnsError('ENODATA');
    return answer;
  };
  return Object.assign(resolve, { queries });
}
