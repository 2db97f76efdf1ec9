// Master-key endpoints (operators): keyring status, rotation while serving, and retirement of old versions.
import { z } from 'zod';
import type { KeysService } from '../../modules/keys/keys-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { EmptyBody } from '../schemas/common.js';
import { KeyringStatusSchema, presentKeyring, presentRotation, Rotation } from '../schemas/keys.js';

const TAG = 'Keys';

/** The key-management routes. */
export function keysRoutes(keys: KeysService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/keys',
      operationId: 'getKeyring',
      summary: 'Master key versions, the data keys each wraps, and the instances holding them (operators)',
      tag: TAG,
      auth: true,
      status: 200,
      response: KeyringStatusSchema,
      errors: ['OPERATOR_ONLY'],
      handler: async ({ ctx }) => presentKeyring(await keys.status(ctx)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/keys/rotate',
      operationId: 'rotateKeys',
      summary: 'Start a rotation: add a master key version and rewrap every data key under it (operators)',
      description:
        'Returns at once (202); the rotation runs while the server keeps serving. Follow it with GET ' +
        '/v1/keys/rotation. `addVersion` defaults to true where this server may write the key file (SQLite with a ' +
        'key file); otherwise every data key is rewrapped under the current primary version.',
      tag: TAG,
      auth: true,
      body: z.strictObject({ addVersion: z.boolean().optional() }).optional(),
      status: 202,
      response: Rotation,
      errors: ['OPERATOR_ONLY', 'KEY_ROTATION_RUNNING', 'KEY_VERSION_NOT_EVERYWHERE', 'KEY_FILE_UNWRITABLE'],
      handler: async ({ ctx, body }) => presentRotation(await keys.rotate(ctx, { addVersion: body?.addVersion })),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/keys/rotation',
      operationId: 'getKeyRotation',
      summary: 'The running or last rotation on this instance (operators)',
      tag: TAG,
      auth: true,
      status: 200,
      response: z.object({ rotation: Rotation.nullable() }),
      errors: ['OPERATOR_ONLY'],
      handler: async ({ ctx }) => {
        const rotation = await keys.rotation(ctx);
        return { rotation: rotation && presentRotation(rotation) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/keys/versions/:version/retire',
      operationId: 'retireKeyVersion',
      summary: 'Retire a master key version that no stored data key uses any more (operators)',
      tag: TAG,
      auth: true,
      params: z.strictObject({ version: z.coerce.number().int().min(1).max(999_999) }),
      body: EmptyBody,
      status: 200,
      response: KeyringStatusSchema,
      errors: ['OPERATOR_ONLY', 'KEY_VERSION_NOT_HELD', 'KEY_VERSION_IS_PRIMARY', 'KEY_VERSION_IN_USE'],
      handler: async ({ ctx, params }) => presentKeyring(await keys.retire(ctx, params.version)),
    }),
  ];
}
