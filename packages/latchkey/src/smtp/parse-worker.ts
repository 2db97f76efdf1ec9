// The parse worker: one message at a time, inside the sandbox's time and memory budget. DNS questions go back
// to the host over the task's port; the answer is plain data.
import { serveSandbox } from '../workers/serve.js';
import { createDnsCache, portResolver } from './dns.js';
import { type ParsedMail, type ParseTask, parseMail } from './parse-mail.js';

// Kept for the worker's life: a repeat sender's records are answered here, without a round trip to the host.
const cache = createDnsCache();

serveSandbox<ParseTask, ParsedMail>(async (task) => {
  try {
    return await parseMail(task.raw, task.session, { mta: task.mta, resolver: cache.wrap(portResolver(task.dns)) });
  } finally {
    task.dns.close();
  }
});
