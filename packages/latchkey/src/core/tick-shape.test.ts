// The tick-object pin (ADR 0053) holds what it assumes: a queue entry of process.nextTick, with the same keys as
// every other entry. If a Node release builds ticks differently, this fails and the workaround can be retired.
import { executionAsyncResource } from 'node:async_hooks';
import { expect, it } from 'vitest';
import { pinnedTickObject, pinTickObjectShape } from './tick-shape.js';

/** The own keys of an object, symbols by description. */
const keysOf = (o: object) => [
  ...Object.getOwnPropertyNames(o),
  ...Object.getOwnPropertySymbols(o).map((s) => `@@${s.description}`),
];

it('pins a nextTick queue entry shaped like every other one, once', async () => {
  await pinTickObjectShape();
  const pinned = pinnedTickObject();
  expect(pinned).toBeDefined();
  const fresh = await new Promise<object>((resolve) => process.nextTick(() => resolve(executionAsyncResource())));
  expect(fresh).not.toBe(pinned);
  expect(keysOf(pinned as object)).toEqual(keysOf(fresh));
  expect(keysOf(fresh)).toEqual(['callback', 'args', '@@async_id_symbol', '@@trigger_async_id_symbol']);
  await pinTickObjectShape();
  expect(pinnedTickObject()).toBe(pinned);
});
