// Wire shapes of master-key management: keyring status and rotations.
import { z } from 'zod';
import type { KeyringStatus, RotationView } from '../../modules/keys/keys-service.js';
import { iso, isoOrNull, Timestamp } from './common.js';

export const Rotation = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    targetVersion: z.number().int(),
    addedVersion: z.boolean(),
    total: z.number().int(),
    rewrapped: z.number().int(),
    current: z.number().int(),
    failed: z.number().int(),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'KeyRotation', description: 'A rotation run on the instance that answered.' });

export const KeyringStatusSchema = z
  .object({
    primaryVersion: z.number().int(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        primary: z.boolean(),
        held: z.boolean(),
        dataKeys: z.number().int().meta({ description: 'Stored data keys wrapped by this version.' }),
      }),
    ),
    source: z.enum(['file', 'environment']),
    canAddVersion: z.boolean(),
    instances: z.array(
      z.object({
        instanceId: z.string(),
        primaryVersion: z.number().int(),
        versions: z.array(z.number().int()),
        seenAt: Timestamp,
        self: z.boolean(),
      }),
    ),
    rotation: Rotation.nullable(),
  })
  .meta({ id: 'KeyringStatus', description: 'Master key versions; never key material.' });

/** Wire form of a rotation. */
export function presentRotation(r: RotationView): z.input<typeof Rotation> {
  return { ...r, startedAt: iso(r.startedAt), finishedAt: isoOrNull(r.finishedAt) };
}

/** Wire form of the keyring status. */
export function presentKeyring(s: KeyringStatus): z.input<typeof KeyringStatusSchema> {
  return {
    ...s,
    instances: s.instances.map((i) => ({ ...i, seenAt: iso(i.seenAt) })),
    rotation: s.rotation && presentRotation(s.rotation),
  };
}
