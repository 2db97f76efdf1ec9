// Operational endpoints: liveness, readiness, metrics, the OpenAPI document and a readable API page.
import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from '../metrics.js';

/** Registers /healthz, /readyz, /metrics, /openapi.json and /docs. */
export function registerSystemRoutes(
  app: FastifyInstance,
  deps: { ready: () => Promise<void>; metrics: HttpMetrics; openapi: () => Record<string, unknown> },
): void {
  app.get('/healthz', async (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.ready();
      return reply.send({ status: 'ready' });
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.exposition()),
  );
  let cached: string | undefined;
  app.get('/openapi.json', async (_req, reply) => {
    cached ??= JSON.stringify(deps.openapi());
    return reply.type('application/json; charset=utf-8').send(cached);
  });
  app.get('/docs', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      )
      .send(DOCS_PAGE),
  );
}

// A dependency-free reader for the OpenAPI document: the server makes no outside requests, so no CDN.
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latchkey API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:24px;color:#1d1d1f}
h1{margin:0 0 4px}code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f7;padding:10px;border-radius:6px;overflow:auto}
details{border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:6px 10px}summary{cursor:pointer}
.m{display:inline-block;min-width:56px;font-weight:600}.GET{color:#0a7}.POST{color:#06c}.PUT{color:#a60}.DELETE{color:#c22}
</style></head><body><h1>Latchkey API</h1><p id="d"></p><div id="ops">Loading <code>/openapi.json</code>…</div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  document.getElementById('d').textContent=doc.info.description;
  const out=[];
  for(const [path,ops] of Object.entries(doc.paths)) for(const [m,op] of Object.entries(ops)){
    const body=op.requestBody?'<h4>Body</h4><pre>'+esc(JSON.stringify(op.requestBody.content['application/json'].schema,null,2))+'</pre>':'';
    const params=op.parameters&&op.parameters.length?'<h4>Parameters</h4><pre>'+esc(op.parameters.map(p=>p.in+' '+p.name+(p.required?' (required)':'')).join('\\n'))+'</pre>':'';
    const res='<h4>Responses</h4><pre>'+esc(Object.entries(op.responses).map(([s,r])=>s+' '+r.description).join('\\n'))+'</pre>';
    out.push('<details><summary><span class="m '+m.toUpperCase()+'">'+m.toUpperCase()+'</span><code>'+esc(path)+'</code> '+esc(op.summary)+'</summary>'+(op.description?'<p>'+esc(op.description)+'</p>':'')+params+body+res+'</details>');
  }
  out.push('<h3>Schemas</h3><pre>'+esc(JSON.stringify(doc.components.schemas,null,2))+'</pre>');
  document.getElementById('ops').innerHTML=out.join('');
});
</script></body></html>`;
