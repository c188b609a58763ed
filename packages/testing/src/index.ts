export { startTestServer, type TestServer } from './start-test-server.ts';
export { describeStoreContract } from './store-contract/index.ts';
