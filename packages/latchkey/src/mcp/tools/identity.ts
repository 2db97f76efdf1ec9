// MCP tools about the calling agent itself.
import { z } from 'zod';
import { defineTool } from '../tool.js';

const Link = z.object({ type: z.enum(['human', 'org', 'agent']), id: z.string(), name: z.string() });

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description:
    'Returns your own Latchkey identity: your agent id and name, your email address (give it to sites that ' +
    'send you codes; name+anything@ also reaches you), your org, and your delegation chain (the human who ' +
    'created you > the org > you). Use it to check which identity your tools act as.',
  input: {},
  output: {
    agent: z.object({ id: z.string(), name: z.string(), status: z.string() }).nullable(),
    email: z.string().nullable().describe('Your inbox address.'),
    principal: z.object({ type: z.string(), id: z.string(), name: z.string(), orgId: z.string() }),
    delegationChain: z.array(Link),
  },
  readOnly: true,
  async handler({ lk }) {
    const me = await lk.me();
    return {
      agent: me.agent ? { id: me.agent.id, name: me.agent.name, status: me.agent.status } : null,
      email: me.inbox?.address ?? null,
      principal: { type: me.principal.type, id: me.principal.id, name: me.principal.name, orgId: me.principal.orgId },
      delegationChain: me.delegationChain,
    };
  },
});
