// Precompiled queries for hot paths. Building a query with Kysely costs more than running it on SQLite, so a
// query that runs on every request is built once per dialect and then executed with fresh parameters.
import type { CompiledQuery, Kysely } from 'kysely';
import type { Dialect } from './database.js';
import { directReaderOf } from './direct-read.js';
import type { Database } from './schema.js';

type Compilable<Row> = { compile(): CompiledQuery<Row> };

/**
 * Wraps a query builder `build(db, ...args)` whose arguments each become query parameters. The first call per
 * dialect compiles it with sentinel arguments to learn which parameter is which argument; later calls reuse the
 * SQL and substitute the arguments. Parameters that are not arguments (constants in the query) are kept.
 */
export function precompiled<Row, A extends unknown[]>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<Row>,
): (db: Kysely<Database>, dialect: Dialect, ...args: A) => Promise<Row[]> {
  const byDialect = new Map<Dialect, { query: CompiledQuery<Row>; slots: (number | undefined)[] }>();
  return async (db, dialect, ...args) => {
    let entry = byDialect.get(dialect);
    if (!entry) {
      const sentinels = args.map((_, i) => `\u0000latchkey-arg-${i}\u0000`) as unknown as A;
      const query = build(db, ...sentinels).compile();
      const slots = query.parameters.map((p) => {
        const i = sentinels.indexOf(p as A[number]);
        return i >= 0 ? i : undefined;
      });
      if (new Set(slots.filter((s) => s !== undefined)).size !== args.length) {
        throw new Error('precompiled: every argument must appear in the query exactly once');
      }
      entry = { query, slots };
      byDialect.set(dialect, entry);
    }
    const { query, slots } = entry;
    const parameters = query.parameters.map((p, i) => {
      const slot = slots[i];
      return slot === undefined ? p : args[slot];
    });
    const direct = directReaderOf(db);
    if (direct) return direct(query.sql, parameters) as Row[];
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
