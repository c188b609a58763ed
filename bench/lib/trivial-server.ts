import { freePort } from './free-port.ts';
import { type ServerProcess, spawnServer } from './server-process.ts';

// Reads the body, answers {} to anything: the ceiling of the client, loopback and node:http here.
const source = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': 2 });
    response.end('{}');
  });
});
server.keepAliveTimeout = 72000;
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A trivial node:http server in its own process, like the Keel server, started the same way. */
export async function startTrivialServer(): Promise<ServerProcess> {
  const port = await freePort();
  return spawnServer({ args: ['-e', source], env: { ...process.env, PORT: String(port) }, port, readyPath: '/health' });
}
