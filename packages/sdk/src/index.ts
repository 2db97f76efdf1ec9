// Public entry point of @latchkey/sdk: a typed client for the Latchkey HTTP API, with no runtime dependencies.
export { AuditApi, type AuditListOptions } from './audit.js';
export { fromBase64Url, toBase64Url } from './base64url.js';
export { Latchkey } from './client.js';
export { type ErrorDetail, LatchkeyError } from './errors.js';
export {
  generateKeyPair,
  type HpkeAead,
  HpkeError,
  type HpkeErrorCode,
  type HpkeKeyPair,
  type HpkeOptions,
  open as hpkeOpen,
  seal as hpkeSeal,
} from './hpke.js';
export type { ClientOptions } from './http.js';
export { AgentKeysApi, AgentsApi } from './identity.js';
export { KeysApi } from './keys.js';
export {
  type InboxTarget,
  type ListMessagesOptions,
  MailApi,
  type MessageFilters,
  PhoneNumbersApi,
  type ReceivedCode,
  type ReceivedLink,
  type WaitOptions,
} from './mail.js';
export { RelayApi, RelayHandle, RelaySettingsApi } from './relay.js';
export type * from './types.js';
export { VaultApi, type VaultListOptions, type VaultScope } from './vault.js';
export { standardWebhookHeaders } from './webhook.js';
