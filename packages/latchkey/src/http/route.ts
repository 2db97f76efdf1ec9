// Route definitions: one object per endpoint holds its schemas and handler; the same schemas validate
// requests, shape responses (as allowlists: a storage row never reaches the wire) and generate OpenAPI.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorDetail } from '../core/app-error.js';
import type { ErrorCode } from '../core/error-catalog.js';
import { andThen, type MaybePromise } from '../core/maybe-promise.js';
import type { RequestContext } from '../modules/identity/principal.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Handler input: validated params, query and body, and the caller (null on public routes). */
export interface HandlerInput<P, Q, B, A extends boolean> {
  params: P;
  query: Q;
  body: B;
  ctx: A extends true ? RequestContext : null;
  /** The body exactly as sent, for routes with `rawBody` (undefined otherwise). */
  rawBody: string | undefined;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One endpoint. */
export interface RouteDef<P = unknown, Q = unknown, B = unknown, R = unknown, A extends boolean = boolean> {
  method: HttpMethod;
  /** Fastify path syntax: `/v1/agents/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Whether a bearer token is required. */
  auth: A;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * For webhooks signed over their exact bytes: the body is neither parsed nor validated before the handler,
   * which gets it as text in `rawBody` and must verify the signature before trusting it. `json` accepts
   * application/json, `form` application/x-www-form-urlencoded. Such routes declare no `body`.
   */
  rawBody?: 'json' | 'form';
  /** Documents a raw body in OpenAPI; never used to validate it ahead of the signature check. */
  rawBodySchema?: z.ZodType;
  /** Success status; a handler may override it (e.g. 201 on create). */
  status: number;
  response: z.ZodType<R> | null;
  /** Error codes this route can return, for the documentation. */
  errors?: ErrorCode[];
  /** May answer synchronously when it waits for nothing; most handlers are async. */
  handler(input: HandlerInput<P, Q, B, A>): MaybePromise<z.input<z.ZodType<R>> | undefined>;
}

/** Identity function that keeps the generic parameters of a route definition inferred. */
export function defineRoute<P, Q, B, R, const A extends boolean>(
  def: RouteDef<P, Q, B, R, A>,
): RouteDef<P, Q, B, R, A> {
  return def;
}

/** A route with its generics erased, for lists of routes. */
// biome-ignore lint/suspicious/noExplicitAny: the erased form of RouteDef; each route is checked where it is defined.
export type AnyRoute = RouteDef<any, any, any, any, boolean>;

/** Field names short and plain enough to repeat in an error. */
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,14}$/;

/** Converts zod issues to error details whose paths name fields as the caller sent them. */
export function zodDetails(error: z.ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // A field name is echoed only if it could not be a secret (a TOTP seed is 16+ characters) nor break a log
      // line: a client that puts a seed or a token where a key belongs must not get it back in an error.
      return issue.keys.map((key) =>
        SAFE_KEY.test(key)
          ? { path: [prefix, base, key].filter(Boolean).join('.'), message: 'unknown field' }
          : {
              path: [prefix, base].filter(Boolean).join('.') || (prefix ?? '(body)'),
              message: 'has an unknown field (its name is not repeated)',
            },
      );
    }
    return [{ path: [prefix, base].filter(Boolean).join('.') || (prefix ?? '(body)'), message: issue.message }];
  });
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: 'params' | 'query' | 'body'): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodDetails(result.error, part === 'body' ? undefined : part);
  const first = details[0];
  const where = first ? `${first.path}: ${first.message}` : part;
  throw new AppError('VALIDATION_FAILED', `Invalid request ${part} (${where}).`, { details });
}

/** Registers routes on a fastify instance; `authenticate` resolves the caller for routes with auth. */
/** How routes are registered. */
export interface RouteOptions {
  /** Also check every response against its zod schema (tests); a mismatch is a 500. */
  validateResponses?: boolean;
}

export function registerRoutes(
  app: FastifyInstance,
  routes: AnyRoute[],
  authenticate: (request: FastifyRequest) => MaybePromise<RequestContext>,
  options: RouteOptions = {},
): void {
  const raw = routes.filter((r) => r.rawBody !== undefined);
  for (const route of routes.filter((r) => r.rawBody === undefined)) addRoute(app, route, authenticate, options);
  if (raw.length === 0) return;
  // Raw-body routes live in their own plugin context, so their text parsers do not change any other route.
  app.register(async (child) => {
    child.removeAllContentTypeParsers();
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      child.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    }
    for (const route of raw) addRoute(child, route, authenticate, options);
  });
}

const RAW_TYPES = { json: 'application/json', form: 'application/x-www-form-urlencoded' } as const;

function addRoute(
  app: FastifyInstance,
  route: AnyRoute,
  authenticate: (request: FastifyRequest) => MaybePromise<RequestContext>,
  options: RouteOptions,
): void {
  const response = serializerSchema(route);

  /** Validates the input, runs the handler and sends what it returns. */
  const respond = (request: FastifyRequest, reply: FastifyReply, ctx: RequestContext | null): MaybePromise<void> => {
    let rawBody: string | undefined;
    if (route.rawBody !== undefined) {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (type !== RAW_TYPES[route.rawBody] || typeof request.body !== 'string') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the request body as ${RAW_TYPES[route.rawBody]}.`);
      }
      rawBody = request.body;
    }
    const input = {
      params: parsePart(route.params, request.params, 'params'),
      query: parsePart(route.query, request.query, 'query'),
      body: rawBody === undefined ? parsePart(route.body, request.body, 'body') : undefined,
      ctx,
      rawBody,
      request,
      reply,
    };
    reply.code(route.status);
    return andThen(route.handler(input), (result) => send(reply, result));
  };

  const send = (reply: FastifyReply, result: unknown): void => {
    // A handler that answered in another format (e.g. TwiML for Twilio) has sent its reply itself.
    if (reply.sent) return;
    if (route.response === null || result === undefined) {
      if (reply.statusCode === 200) reply.code(204);
      reply.send();
      return;
    }
    // The route's serializer (compiled from its response schema) writes only the fields the schema names, as
    // application/json; charset=utf-8. With validateResponses (tests), the value must also satisfy the schema.
    if (options.validateResponses) route.response.parse(result);
    reply.send(result);
  };

  app.route({
    method: route.method,
    url: route.path,
    ...(response ? { schema: { response } } : {}),
    // Synchronous when authentication and the handler are (nothing to wait for): fastify then sends the reply
    // without a promise. Otherwise it gets a promise, and a rejection reaches the error handler either way.
    handler: (request, reply) => {
      const done = route.auth
        ? andThen(authenticate(request), (ctx) => respond(request, reply, ctx))
        : respond(request, reply, null);
      return done instanceof Promise ? done : undefined;
    },
  });
}

/**
 * The JSON Schema fastify compiles into the route's response serializer (fast-json-stringify). Generated from the
 * same zod schema, it is an allowlist: properties it does not name are never written.
 */
function serializerSchema(route: AnyRoute): Record<string, unknown> | undefined {
  if (!route.response) return undefined;
  const schema = z.toJSONSchema(route.response, { target: 'draft-7', io: 'output', unrepresentable: 'any' });
  // '2xx': a handler may answer 201 or 202 instead of the route's usual status; every success is filtered.
  return { '2xx': schema };
}
