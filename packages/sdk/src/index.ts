// Public entry point of @latchkey/sdk.
export const SDK_VERSION = '0.1.0';
