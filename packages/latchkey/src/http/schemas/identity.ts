// Wire shapes of identities: agents, agent keys, the caller and its delegation chain.
import { z } from 'zod';
import type { AgentRecord } from '../../modules/identity/identity-repo.js';
import type { AgentKeyView, MeView } from '../../modules/identity/identity-service.js';
import { iso, isoOrNull, Timestamp } from './common.js';

export const AgentName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lowercase letters, digits and hyphens, 1-63 characters');

export const ChainLink = z
  .object({ type: z.enum(['human', 'org', 'agent']), id: z.string(), name: z.string() })
  .meta({ id: 'ChainLink', description: 'One link of a delegation chain: human > org > agent.' });

export const Agent = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(['active', 'suspended', 'revoked']),
    createdBy: z.string().meta({ description: 'The human who created the agent (head of its delegation chain).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Agent' });

export const AgentKey = z
  .object({
    id: z.string(),
    agentId: z.string(),
    status: z.enum(['active', 'expired', 'revoked']),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'AgentKey', description: 'Key metadata; the secret is never stored nor shown again.' });

export const ApiKey = z.string().meta({
  description: 'The full key `lk_agent_<keyId>_<secret>`. Shown once: only a hash of the secret is stored.',
});

export const Me = z
  .object({
    principal: z.object({
      type: z.enum(['operator', 'agent']),
      id: z.string(),
      name: z.string(),
      orgId: z.string(),
      credentialId: z.string(),
    }),
    agent: Agent.optional(),
    inbox: z
      .object({ address: z.string().meta({ description: 'Mail to it (or to `<name>+<tag>@…`) lands in the inbox.' }) })
      .optional()
      .meta({ description: "Agents: the agent's own inbox." }),
    delegationChain: z.array(ChainLink),
  })
  .meta({ id: 'Me' });

/** Wire form of an agent. */
export function presentAgent(a: AgentRecord): z.input<typeof Agent> {
  return {
    id: a.id,
    orgId: a.orgId,
    name: a.name,
    description: a.description,
    status: a.status,
    createdBy: a.createdBy,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** Wire form of an agent key. */
export function presentKey(k: AgentKeyView): z.input<typeof AgentKey> {
  return {
    id: k.id,
    agentId: k.agentId,
    status: k.status,
    createdAt: iso(k.createdAt),
    expiresAt: isoOrNull(k.expiresAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}

/** Wire form of `/v1/me`; an agent's inbox address is `<name>@<mail domain>`. */
export function presentMe(me: MeView, mailDomain: string): z.input<typeof Me> {
  return {
    principal: me.principal,
    ...(me.agent ? { agent: presentAgent(me.agent), inbox: { address: `${me.agent.name}@${mailDomain}` } } : {}),
    delegationChain: me.delegationChain,
  };
}
