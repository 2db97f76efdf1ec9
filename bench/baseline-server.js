// The baseline for HTTP benchmarks: a bare node:http server that answers every request with the JSON it was
// given on stdin, the same bytes Latchkey answers with. No framework, no auth, no storage.
import { createServer } from 'node:http';

let input = '';
process.stdin.on('data', (d) => {
  input += d;
});
process.stdin.on('end', () => {
  const body = Buffer.from(input);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    process.stdout.write(`${JSON.stringify({ http: `http://127.0.0.1:${port}` })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
});
