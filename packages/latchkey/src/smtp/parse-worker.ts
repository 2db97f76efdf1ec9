// The parse worker: one message at a time, inside the sandbox's time and memory budget. DNS questions go back
// to the host over the task's port; the answer is plain data.
import { serveSandbox } from '../workers/serve.js';
import { portResolver } from './dns.js';
import { type ParsedMail, type ParseTask, parseMail } from './parse-mail.js';

serveSandbox<ParseTask, ParsedMail>(async (task) => {
  try {
    return await parseMail(task.raw, task.session, { mta: task.mta, resolver: portResolver(task.dns) });
  } finally {
    task.dns.close();
  }
});
