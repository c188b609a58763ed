import { describe } from 'vitest';
import { describeAuthContract } from './auth-contract.ts';
import type { OpenStore } from './contract-helpers.ts';
import { describeExperimentContract } from './experiment-contract.ts';
import { describeGatewayContract } from './gateway-contract.ts';
import { describeLogBatchContract } from './log-batch-contract.ts';
import { describeLoggedModelContract } from './logged-model-contract.ts';
import { describeMetricContract } from './metric-contract.ts';
import { describePromptContract } from './prompt-contract.ts';
import { describeRegistryContract } from './registry-contract.ts';
import { describeRunContract } from './run-contract.ts';
import { describeSearchContract } from './search-contract.ts';
import { describeTraceAnalyticsContract } from './trace-analytics-contract.ts';
import { describeTraceContract } from './trace-contract.ts';

export type { OpenStore } from './contract-helpers.ts';

/**
 * The behaviour every `KeelStore` must show, as one vitest suite. `open` must return a new, empty
 * store on each call; the suite opens one store per area (`describe` block), and each test works in
 * a project of its own, so tests never see each other's data. Every store opened is closed again.
 */
export function describeStoreContract(name: string, open: OpenStore): void {
  describe(`KeelStore contract: ${name}`, () => {
    describeAuthContract(open);
    describeExperimentContract(open);
    describeRunContract(open);
    describeLogBatchContract(open);
    describeMetricContract(open);
    describeSearchContract(open);
    describeRegistryContract(open);
    describeLoggedModelContract(open);
    describeTraceContract(open);
    describeTraceAnalyticsContract(open);
    describePromptContract(open);
    describeGatewayContract(open);
  });
}
