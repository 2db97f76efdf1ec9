// GET /v1/me with an agent key (authentication on every request) against the baseline answering the same JSON.
import { api } from '../lib.js';

export default {
  name: 'GET /v1/me (agent key)',
  target: 0.5,
  async setup(server) {
    const { apiKey } = await api(server.url, server.adminToken, 'POST', '/v1/agents', { name: 'bench-me' });
    const body = await api(server.url, apiKey, 'GET', '/v1/me');
    return { path: '/v1/me', headers: { Authorization: `Bearer ${apiKey}` }, baselineBody: body };
  },
};
