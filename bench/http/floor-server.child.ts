import { createServer } from 'node:http';
import type { ChildMessage } from './processes';

// The floor: what Node.js itself answers per second with a fixed JSON body, in a
// process of its own as the service runs in its own. A body of the size of the
// service's small answers (/health/live).
const BODY = Buffer.from(JSON.stringify({ status: 'ok', info: { process: { status: 'up' } } }));

const server = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': BODY.length });
  response.end(BODY);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port } satisfies ChildMessage<never>);
});
// Ends with the bench: stopped by a signal, or when the bench goes away.
process.on('disconnect', () => process.exit(0));
