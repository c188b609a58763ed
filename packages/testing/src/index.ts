export { startTestServer, type TestServer } from './start-test-server.ts';
export { describeStoreContract } from './store-contract/index.ts';
export {
  authorizationHeaders, basicAuth, bearerAuth, expectMlflowError, expectOk, expectRawError, listTree, mlflowHttp, mlflowPath, openDatabaseProbe, queryString, rawRequest,
  type DatabaseProbe, type HttpAnswer, type MlflowAuth, type MlflowHttp, type QueryValue, type RawAnswer,
} from './mlflow-http.ts';
export { basic, bearer, callKeel, callKeelOk, keelUrl, type KeelRequest, type KeelResponse } from './call-keel.ts';
export { openKeelHomeProbe, snapshotKeelHome, type KeelHomeProbe, type KeelHomeSnapshot } from './snapshot-keel-home.ts';
export { buildKeelBinary, keelBinaryPath, pollUntil, readCredentials, repositoryRoot, startKeelProcess, type KeelProcess, type KeelProcessExit } from './keel-process.ts';
export { createPostgresTestSchema, type PostgresTestSchema } from './postgres-test-schema.ts';
export { listServedRoutes } from './list-served-routes.ts';
export {
  createMlflowExperiment, createMlflowLoggedModel, createMlflowModelVersion, createMlflowRegisteredModel, createMlflowRun, getMlflowRun, pythonCreateRunBody, uniqueName,
  type MlflowLoggedModelJson, type MlflowModelVersionJson, type MlflowRunInfoJson, type MlflowRunJson,
} from './mlflow-fixtures.ts';
export { parsePrometheusText, prometheusValue, type PrometheusSample } from './parse-prometheus-text.ts';
export { startFakeOpenAiServer, type FakeOpenAiOptions, type FakeOpenAiRequest, type FakeOpenAiServer } from './fake-openai-server.ts';
export { writeRandomGguf, type RandomGgufInfo, type WriteRandomGgufOptions } from './write-random-gguf.ts';
export { startFakeAnthropicServer, type FakeAnthropicOptions, type FakeAnthropicRequest, type FakeAnthropicServer, type FakeAnthropicStreamFault } from './fake-anthropic-server.ts';
export { describeResponseCacheContract, type OpenResponseCache, type ResponseCacheSubject } from './response-cache-contract/index.ts';
export { describeLimitStoreContract, isWindowStart, seededRandom, type LimitStoreUnderTest, type OpenLimitStore } from './limit-store-contract/index.ts';
export { gatewayAdmin, type GatewayAdmin } from './gateway-admin.ts';
export { closedPort } from './closed-port.ts';
export { exactPercentile } from './exact-percentile.ts';
export { expectFastCheckAgrees } from './expect-fast-check-agrees.ts';
export { slowFileOpens } from './slow-file-opens.ts';
