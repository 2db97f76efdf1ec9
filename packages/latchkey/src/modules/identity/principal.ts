// Who is calling: an operator (a human with a token) or an agent (with an agent key), and their delegation chain.
import type { AgentRecord } from './identity-repo.js';

/** One link of a delegation chain: `human > org > agent`. */
export interface ChainLink {
  type: 'human' | 'org' | 'agent';
  id: string;
  name: string;
}

/** An authenticated caller. */
export type Principal =
  | {
      kind: 'operator';
      orgId: string;
      orgName: string;
      humanId: string;
      humanName: string;
      tokenId: string;
    }
  | {
      kind: 'agent';
      orgId: string;
      orgName: string;
      agentId: string;
      agentName: string;
      keyId: string;
      /** The human who created the agent: the head of its delegation chain. */
      creatorId: string;
      creatorName: string;
      /** The agent's row as read while authenticating this request. */
      agent: AgentRecord;
    };

/** The actor of an audit event. */
export interface Actor {
  type: 'human' | 'agent' | 'system';
  id: string;
  name?: string;
}

/** Everything a service needs to know about the request it serves. */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}

/** The delegation chain of a principal: `human > org` for operators, `human > org > agent` for agents. */
export function chainOf(p: Principal): ChainLink[] {
  if (p.kind === 'operator') {
    return [
      { type: 'human', id: p.humanId, name: p.humanName },
      { type: 'org', id: p.orgId, name: p.orgName },
    ];
  }
  return agentChain(
    { id: p.creatorId, name: p.creatorName },
    { id: p.orgId, name: p.orgName },
    { id: p.agentId, name: p.agentName },
  );
}

/**
 * The chain `human > org > agent` of an agent. Each link names only type, id and name: callers pass whole records
 * (an agent row has its description, status and timestamps), and the chain is written into audit events for good.
 */
export function agentChain(
  creator: { id: string; name: string },
  org: { id: string; name: string },
  agent: { id: string; name: string },
): ChainLink[] {
  return [
    { type: 'human', id: creator.id, name: creator.name },
    { type: 'org', id: org.id, name: org.name },
    { type: 'agent', id: agent.id, name: agent.name },
  ];
}

/** The audit actor of a principal. */
export function actorOf(p: Principal): Actor {
  return p.kind === 'operator'
    ? { type: 'human', id: p.humanId, name: p.humanName }
    : { type: 'agent', id: p.agentId, name: p.agentName };
}
