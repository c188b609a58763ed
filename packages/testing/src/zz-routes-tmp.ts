import { startTestServer } from '@keel/testing';
const s = await startTestServer();
for (const r of s.server.routes) console.log(r.access.padEnd(10), r.method, r.url);
console.log(s.server.routes.length);
await s.close();
