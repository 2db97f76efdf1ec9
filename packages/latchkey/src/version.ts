// The product version, reported by the CLI, /openapi.json and the MCP server.
export const VERSION = '0.1.0';
