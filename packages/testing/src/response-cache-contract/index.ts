export { describeResponseCacheContract, type OpenResponseCache, type ResponseCacheSubject } from './describe-response-cache-contract.ts';
