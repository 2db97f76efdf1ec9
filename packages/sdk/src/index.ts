// Public entry point of @latchkey/sdk.
export const SDK_VERSION = '0.1.0';
export { fromBase64Url, toBase64Url } from './base64url.js';
export {
  generateKeyPair,
  type HpkeAead,
  HpkeError,
  type HpkeErrorCode,
  type HpkeKeyPair,
  type HpkeOptions,
  open,
  seal,
} from './hpke.js';
