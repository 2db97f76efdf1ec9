// In-process caches that are exact only because one process owns an SQLite store (the data folder's lock
// enforces that): every change goes through this process's writer, and caches are updated at commit.
// PostgreSQL stores, shared by several instances, have no such cache.
import type { AgentCredential, OperatorCredential } from '../modules/identity/identity-repo.js';

export interface StoreCache {
  /** Bumped after every committed change to identities or keys; credential entries of older generations are stale. */
  identityGeneration: number;
  credentials: Map<string, { generation: number; value: AgentCredential | OperatorCredential }>;
  /** The audit chain head per org as of the writer's current transaction (ADR 0003). */
  auditHeads: Map<string, { seq: number; hash: string }>;
}

/** Entries at most in the credential cache before it is emptied (a bound, not an eviction policy). */
export const CREDENTIAL_CACHE_LIMIT = 10_000;

export function createStoreCache(): StoreCache {
  return { identityGeneration: 0, credentials: new Map(), auditHeads: new Map() };
}
