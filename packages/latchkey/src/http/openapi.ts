// OpenAPI 3.1 generated from the same zod schemas that validate requests and shape responses.
import { z } from 'zod';
import { errorStatus } from './error-status.js';
import type { AnyRoute } from './route.js';
import { ErrorEnvelope } from './schemas/common.js';

type JsonSchema = Record<string, unknown>;

/** Converts a schema, moving its named definitions into `components` and pointing refs there. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io }) as JsonSchema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  delete json.$schema;
  for (const [name, def] of Object.entries(defs)) components[name] = rewriteRefs(def) as JsonSchema;
  const top = rewriteRefs(json) as JsonSchema;
  const id = z.globalRegistry.get(schema)?.id;
  if (id && typeof top.$ref !== 'string') {
    components[id] = top;
    return { $ref: `#/components/schemas/${id}` };
  }
  return top;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', components: Record<string, JsonSchema>) {
  if (!schema) return [];
  const json = toSchema(schema, 'input', components);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** Builds the OpenAPI document for a list of routes. */
export function buildOpenApi(
  routes: AnyRoute[],
  info: { version: string; serverUrl?: string },
): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  const errorRef = toSchema(ErrorEnvelope, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(route.status)]: route.response
        ? {
            description: 'Success',
            content: { 'application/json': { schema: toSchema(route.response, 'output', components) } },
          }
        : { description: 'Success, no content' },
    };
    const statuses = new Set<number>([
      422,
      500,
      ...(route.auth ? [401, 403] : []),
      ...(route.errors ?? []).map((c) => errorStatus[c]),
    ]);
    for (const status of [...statuses].sort()) {
      const codes = (route.errors ?? []).filter((c) => errorStatus[c] === status);
      responses[String(status)] = {
        description: codes.length > 0 ? `Error: ${codes.join(', ')}` : 'Error',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      parameters: [
        ...parametersOf(route.params, 'path', components),
        ...parametersOf(route.query, 'query', components),
      ],
      responses,
      ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    };
    if (route.rawBody) {
      const type = route.rawBody === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      operation.requestBody = {
        required: true,
        content: { [type]: { schema: route.rawBodySchema ? toSchema(route.rawBodySchema, 'input', components) : {} } },
      };
    } else if (route.body) {
      operation.requestBody = {
        required: !route.body.safeParse(undefined).success,
        content: { 'application/json': { schema: toSchema(route.body, 'input', components) } },
      };
    }
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Latchkey API',
      version: info.version,
      description:
        'Identities and second factors for AI agents. Authenticate with `Authorization: Bearer <token>`; ' +
        'tokens are never accepted in URLs. Errors share one envelope.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An agent key (lk_agent_…) or operator token (lk_op_…).',
        },
      },
    },
  };
}
