// The fastify application: request ids, the token-in-URL guard, authentication, routes, and the error envelope.
import type { Writable } from 'node:stream';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { AppError, appError } from '../core/app-error.js';
import type { MaybePromise } from '../core/maybe-promise.js';
import { newId } from '../crypto/ids.js';
import { looksLikeToken } from '../crypto/tokens.js';
import type { Authenticator } from '../modules/identity/authenticate.js';
import type { RequestContext } from '../modules/identity/principal.js';
import { errorStatus } from './error-status.js';
import { lazyChildLogger } from './lazy-logger.js';
import type { HttpMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { type AnyRoute, registerRoutes } from './route.js';
import { registerSystemRoutes } from './routes/system.js';

export interface AppOptions {
  routes: AnyRoute[];
  authenticator: Authenticator;
  metrics: HttpMetrics;
  /** Readiness probe: resolves when storage answers and keys are loaded. */
  ready: () => Promise<void>;
  logLevel: string;
  version: string;
  publicUrl?: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** Where logs go (default stderr). */
  logStream?: Writable;
  /** Check every response against its zod schema too (tests). */
  validateResponses?: boolean;
}

/** Query parameter names that carry credentials in other APIs; refused here so they never reach a log. */
const CREDENTIAL_PARAMS = new Set([
  'access_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'auth',
  'authorization',
  'bearer',
  'secret',
]);

/**
 * Observes every finished request: its metrics and its log line. Fastify calls a LogController (its documented
 * extension point for request log lines) once per response whatever the route, so this costs no hook runner.
 */
class RequestObserver extends LogController {
  readonly #metrics: HttpMetrics;

  constructor(metrics: HttpMetrics) {
    super({ disableRequestLogging: true, requestIdLogLabel: 'requestId' });
    this.#metrics = metrics;
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    this.#metrics.observe(request.method, route, status, seconds);
    // The route pattern, never the raw URL: query strings are the caller's and stay out of logs.
    const line = { method: request.method, route, status, ms: Math.round(seconds * 1000) };
    if (error) request.log.error({ ...line, err: { type: error.name, message: error.message } }, 'response failed');
    else if (status >= 500) request.log.error(line, 'request failed');
    else request.log.debug(line, 'request');
  }
}

function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const status = errorStatus[error.code];
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="latchkey"');
  return reply.code(status).send({
    error: {
      code: error.code,
      message: error.message,
      requestId: request.id,
      ...(error.details.length > 0 ? { details: error.details } : {}),
    },
  });
}

/** Maps any thrown value to an AppError; unknown errors become INTERNAL and are logged without details. */
function toAppError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return appError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return appError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return appError('INVALID_JSON', 'The body is empty but Content-Type says JSON; send {} or no Content-Type.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return appError('INVALID_JSON');
  }
  if (fe.statusCode === 400 && err instanceof SyntaxError) return appError('INVALID_JSON');
  if (fe.statusCode === 413) return appError('PAYLOAD_TOO_LARGE');
  if (fe.statusCode === 415) return appError('UNSUPPORTED_MEDIA_TYPE');
  // Log the class and message only: a driver error's detail can quote row values.
  request.log.error({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'unhandled error');
  return appError('INTERNAL');
}

/** Builds the HTTP application (not listening). */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      stream: options.logStream ?? process.stderr,
      // Belt and braces: nothing logs headers, but if anything ever does, credentials are masked.
      redact: ['req.headers.authorization', 'headers.authorization', '*.password', '*.secret', '*.apiKey', '*.token'],
    },
    // Fastify's own request lines are off; the observer logs each request by route pattern, never by raw URL.
    logController: new RequestObserver(options.metrics),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => newId('req'),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.removeContentTypeParser('text/plain');

  // A callback-style hook: it runs on every request, and a promise per hook per request is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('Request-Id', request.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    if (request.url.startsWith('/v1/')) reply.header('Cache-Control', 'no-store');
    if (credentialInUrl(request.url)) {
      sendError(reply, request, appError('TOKEN_IN_URL'));
      return;
    }
    done();
  });

  app.setErrorHandler((err, request, reply) => sendError(reply, request, toAppError(err, request)));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, appError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );

  // The authenticator answers at once for a credential it holds in memory, and fails only by rejecting.
  const authenticate = (request: FastifyRequest): MaybePromise<RequestContext> => {
    const principal = options.authenticator.authenticate(request.headers.authorization, request.id);
    if (!(principal instanceof Promise)) return { principal, requestId: request.id };
    return principal.then(
      (p) => ({ principal: p, requestId: request.id }),
      (err: unknown) => {
        if (err instanceof AppError) options.metrics.authFailure(err.code);
        throw err;
      },
    );
  };
  registerRoutes(app, options.routes, authenticate, { validateResponses: options.validateResponses ?? false });
  registerSystemRoutes(app, {
    ready: options.ready,
    metrics: options.metrics,
    openapi: () =>
      buildOpenApi(options.routes, {
        version: options.version,
        ...(options.publicUrl ? { serverUrl: options.publicUrl } : {}),
      }),
  });
  return app;
}

/** True when the path or query carries something credential-shaped. */
function credentialInUrl(url: string): boolean {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (looksLikeToken(path.includes('%') ? decodeSafe(path) : path)) return true;
  if (q === -1) return false;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase()) || looksLikeToken(value) || looksLikeToken(name)) return true;
  }
  return false;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
