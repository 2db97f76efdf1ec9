// Master-key management while the server runs: rotation (add a version, rewrap every data key under it, page by
// page, with guarded replacements so concurrent writes are never overwritten) and retirement of a version once
// no stored key uses it. Operators only; both are audited.
import { invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import type { Envelope } from '../../crypto/envelope.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import { actorOf, chainOf, type RequestContext } from '../identity/principal.js';
import { keysError } from './keys-errors.js';
import type { KeyHolder, KeysRepo } from './keys-repo.js';
import { countDataKeysByVersion, rewrapDataKeys } from './rewrap.js';
import type { WrappedKeyStore } from './wrapped-key-store.js';

/** One rotation run on this instance. Times are epoch milliseconds. */
export interface RotationView {
  id: string;
  status: 'running' | 'done' | 'failed';
  targetVersion: number;
  /** True when this rotation added the target version (to the key file). */
  addedVersion: boolean;
  /** Data keys found when the rotation started. */
  total: number;
  rewrapped: number;
  /** Already under the target version. */
  current: number;
  /** Could not be unwrapped (tampered, or a version this server lacks); they keep their old wrapping. */
  failed: number;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
}

/** The keyring as operators see it: versions and how many stored data keys each one wraps. */
export interface KeyringStatus {
  primaryVersion: number;
  versions: { version: number; primary: boolean; held: boolean; dataKeys: number }[];
  /** Where new versions come from: a key file this server may rewrite, or the environment. */
  source: 'file' | 'environment';
  /** Whether `rotate` can add a version here (a writable key file on a store no other instance shares). */
  canAddVersion: boolean;
  /** Instances that reported their keyring recently (this one included). */
  instances: (KeyHolder & { self: boolean })[];
  rotation: RotationView | null;
}

export interface KeysService {
  status(ctx: RequestContext): Promise<KeyringStatus>;
  /**
   * Starts a rotation and returns at once; it runs while the server keeps serving. With `addVersion` (default:
   * whenever possible) a new version is generated and written to the key file first.
   */
  rotate(ctx: RequestContext, options?: { addVersion?: boolean | undefined }): Promise<RotationView>;
  /** The running or last rotation on this instance. */
  rotation(ctx: RequestContext): Promise<RotationView | null>;
  /** Retires a version no stored key uses: its check value is dropped and the key file forgets it. */
  retire(ctx: RequestContext, version: number): Promise<KeyringStatus>;
  /** Reports this instance's versions (at start and then periodically). */
  report(): Promise<void>;
  /**
   * Warnings for the operator at start: running instances that lack this instance's primary version cannot
   * read what this one writes (the rolling procedure of ADR 0013 adds a version everywhere before using it).
   */
  peerWarnings(): Promise<string[]>;
  /** Stops: waits for a running rotation to reach a page boundary and removes this instance's report. */
  shutdown(): Promise<void>;
}

type Deps = {
  store: Transactor<{ keys: KeysRepo; audit: AuditRepo }>;
  audit: AuditLog;
  clock: Clock;
  /** The holder main reads the keyring from; rotation and retirement swap `current`. */
  keys: { current: Keyring };
  envelope: Envelope;
  /** Every table of wrapped data keys (vault items, store secrets, …). */
  wrappedKeyStores: readonly WrappedKeyStore[];
  /** Writes the keyring where it lives; null when it comes from the environment. */
  keyFile: { path: string; write(keyring: Keyring): void } | null;
  /** True when other instances may share the store (PostgreSQL): a version is then never generated here. */
  sharedStore: boolean;
  instanceId: string;
  /** Reports older than this are from instances that are gone (default 90 s). */
  holderTtlMs?: number;
  /** Rows per page (default 200). */
  pageSize?: number;
};

/** Builds the key-management service. */
export function createKeysService(deps: Deps): KeysService {
  const { store, audit, clock, keys, envelope } = deps;
  const ttl = deps.holderTtlMs ?? 90_000;
  const pageSize = deps.pageSize ?? 200;
  let last: RotationView | null = null;
  let running: Promise<void> | null = null;
  let stopping = false;

  async function requireOperator(ctx: RequestContext, action: string, target: { type: string; id?: string }) {
    if (ctx.principal.kind !== 'operator') {
      await denyWithAudit(deps, ctx, { action, target }, identityError('OPERATOR_ONLY'));
    }
  }

  function canAddVersion(): boolean {
    return deps.keyFile !== null && !deps.sharedStore;
  }

  async function report(): Promise<void> {
    const ring = keys.current;
    await store.write((tx) =>
      tx.keys.reportHolder({
        instanceId: deps.instanceId,
        primaryVersion: ring.primaryVersion,
        versions: ring.versions,
        seenAt: clock.now(),
      }),
    );
  }

  async function otherInstances(): Promise<KeyHolder[]> {
    const holders = await store.read.keys.liveHolders(clock.now() - ttl);
    return holders.filter((h) => h.instanceId !== deps.instanceId);
  }

  const countByVersion = () => countDataKeysByVersion(deps.wrappedKeyStores, pageSize);

  const rewrapAll = (view: RotationView) =>
    rewrapDataKeys(deps.wrappedKeyStores, envelope, view, { pageSize, stopping: () => stopping });

  /** Runs a rotation to its end; `settle` frees the slot just before the view reports the outcome. */
  async function run(ctx: RequestContext, view: RotationView, settle: () => void): Promise<void> {
    let outcome: 'success' | 'failure' = 'success';
    try {
      await rewrapAll(view);
      if (view.failed > 0) {
        outcome = 'failure';
        view.error = `${view.failed} data key(s) could not be unwrapped and keep their old wrapping`;
      }
    } catch (err) {
      outcome = 'failure';
      view.error = err instanceof Error ? err.message : 'rotation failed';
    }
    const finishedAt = clock.now();
    await store
      .write((tx) =>
        audit.append(tx, {
          orgId: ctx.principal.orgId,
          actor: actorOf(ctx.principal),
          delegationChain: chainOf(ctx.principal),
          action: 'keys.rotate',
          target: { type: 'master_key', id: `v${view.targetVersion}` },
          outcome,
          reason: outcome === 'success' ? null : view.failed > 0 ? 'data_keys_failed' : 'interrupted',
          requestId: ctx.requestId,
        }),
      )
      .catch(() => undefined);
    // Whoever sees the outcome may start the next rotation or retire a version at once.
    settle();
    view.finishedAt = finishedAt;
    view.status = outcome === 'success' ? 'done' : 'failed';
  }

  async function status(): Promise<KeyringStatus> {
    const ring = keys.current;
    const counts = await countByVersion();
    const versions = new Set([...ring.versions, ...counts.keys()]);
    const instances = (await store.read.keys.liveHolders(clock.now() - ttl)).map((h) => ({
      ...h,
      self: h.instanceId === deps.instanceId,
    }));
    return {
      primaryVersion: ring.primaryVersion,
      versions: [...versions]
        .sort((a, b) => b - a)
        .map((version) => ({
          version,
          primary: version === ring.primaryVersion,
          held: ring.versions.includes(version),
          dataKeys: counts.get(version) ?? 0,
        })),
      source: deps.keyFile ? 'file' : 'environment',
      canAddVersion: canAddVersion(),
      instances,
      rotation: last && { ...last },
    };
  }

  return {
    async status(ctx) {
      await requireOperator(ctx, 'keys.status', { type: 'master_key' });
      return status();
    },

    async rotate(ctx, options = {}) {
      await requireOperator(ctx, 'keys.rotate', { type: 'master_key' });
      if (running) throw keysError('KEY_ROTATION_RUNNING');
      const addVersion = options.addVersion ?? canAddVersion();
      if (addVersion && !canAddVersion()) {
        throw invalidField(
          'addVersion',
          deps.sharedStore
            ? 'a shared (PostgreSQL) store never gets a generated version: add it to every instance, restart them, then rotate'
            : 'the master key comes from LATCHKEY_MASTER_KEY: put the new version first there, restart, then rotate',
        );
      }
      // Claimed before the first await, so two concurrent calls cannot both start.
      let release: () => void = () => undefined;
      running = new Promise((resolve) => {
        release = resolve;
      });
      try {
        if (addVersion && deps.keyFile) {
          const next = keys.current.withNewPrimary();
          try {
            deps.keyFile.write(next);
          } catch {
            throw keysError(
              'KEY_FILE_UNWRITABLE',
              `Cannot write ${deps.keyFile.path}; nothing was changed. Add the version there yourself, restart, ` +
                'then rotate with addVersion false.',
            );
          }
          // The file holds the version before the store requires it: a crash in between leaves a start that works.
          await store.write((tx) =>
            tx.keys.ensureKeyringCheck(next.primaryVersion, next.checkValue(next.primaryVersion), clock.now()),
          );
          keys.current = next;
          await report();
        }
        const target = keys.current.primaryVersion;
        const lacking = (await otherInstances()).filter((h) => !h.versions.includes(target));
        if (lacking.length > 0) {
          throw keysError(
            'KEY_VERSION_NOT_EVERYWHERE',
            `Instance(s) ${lacking.map((h) => h.instanceId).join(', ')} do not hold master key version ${target}: ` +
              'data rewrapped under it would be unreadable there. Give them that version and restart them first.',
          );
        }
        const counts = await countByVersion();
        const view: RotationView = {
          id: `rot_${clock.now().toString(36)}`,
          status: 'running',
          targetVersion: target,
          addedVersion: addVersion,
          total: [...counts.values()].reduce((a, b) => a + b, 0),
          rewrapped: 0,
          current: 0,
          failed: 0,
          startedAt: clock.now(),
          finishedAt: null,
          error: null,
        };
        last = view;
        void run(ctx, view, () => {
          running = null;
          release();
        });
        return { ...view };
      } catch (err) {
        running = null;
        release();
        throw err;
      }
    },

    async rotation(ctx) {
      await requireOperator(ctx, 'keys.status', { type: 'master_key' });
      return last && { ...last };
    },

    async retire(ctx, version) {
      await requireOperator(ctx, 'keys.retire', { type: 'master_key', id: `v${version}` });
      const ring = keys.current;
      const checked = await store.read.keys.checkedVersions();
      if (!ring.versions.includes(version) && !checked.includes(version)) throw keysError('KEY_VERSION_NOT_HELD');
      if (version === ring.primaryVersion) throw keysError('KEY_VERSION_IS_PRIMARY');
      if (running) throw keysError('KEY_ROTATION_RUNNING');
      const stillPrimary = (await otherInstances()).filter((h) => h.primaryVersion === version);
      if (stillPrimary.length > 0) {
        throw keysError(
          'KEY_VERSION_IN_USE',
          `Instance(s) ${stillPrimary.map((h) => h.instanceId).join(', ')} still wrap new data keys with version ` +
            `${version}; restart them with a newer primary version first.`,
        );
      }
      const inUse = (await countByVersion()).get(version) ?? 0;
      if (inUse > 0) {
        throw keysError(
          'KEY_VERSION_IN_USE',
          `${inUse} stored data key(s) still use master key version ${version}; run \`latchkey keys rotate\` first.`,
        );
      }
      // The store stops requiring the version before the file forgets it: the reverse order could leave a store
      // that refuses to start with the file it has.
      await store.write(async (tx) => {
        await tx.keys.deleteKeyringCheck(version);
        await audit.append(tx, {
          orgId: ctx.principal.orgId,
          actor: actorOf(ctx.principal),
          delegationChain: chainOf(ctx.principal),
          action: 'keys.retire',
          target: { type: 'master_key', id: `v${version}` },
          outcome: 'success',
          requestId: ctx.requestId,
        });
      });
      if (ring.versions.includes(version)) {
        const next = ring.without(version);
        if (deps.keyFile) {
          try {
            deps.keyFile.write(next);
          } catch {
            throw keysError(
              'KEY_FILE_UNWRITABLE',
              `Version ${version} is retired in the store, but ${deps.keyFile.path} could not be rewritten; ` +
                'remove the version from it by hand (or retire again).',
            );
          }
        }
        keys.current = next;
        await report();
      }
      return status();
    },

    report,

    async peerWarnings() {
      const primary = keys.current.primaryVersion;
      return (await otherInstances())
        .filter((h) => !h.versions.includes(primary))
        .map(
          (h) =>
            `Instance ${h.instanceId} does not hold master key version ${primary}, which this instance wraps new ` +
            'data keys with: it cannot read what this one writes until it is given that version and restarted.',
        );
    },

    async shutdown() {
      stopping = true;
      await running;
      await store.write((tx) => tx.keys.removeHolder(deps.instanceId)).catch(() => undefined);
    },
  };
}
