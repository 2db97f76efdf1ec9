// Public entry point of @latchkey/sdk: a typed client for the Latchkey HTTP API, with no runtime dependencies.
export { AuditApi, type AuditListOptions } from './audit.js';
export { Latchkey } from './client.js';
export { type ErrorDetail, LatchkeyError } from './errors.js';
export type { ClientOptions } from './http.js';
export { AgentKeysApi, AgentsApi } from './identity.js';
export type * from './types.js';
