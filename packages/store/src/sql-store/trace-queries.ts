import type { TraceStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createAggregate } from './trace-aggregate.ts';
import { createCostTotals } from './trace-cost-totals.ts';
import { createGetTraceSpans } from './trace-get-spans.ts';
import { createInsertSpans } from './trace-insert-spans.ts';
import { createListTraces } from './trace-list.ts';
import { createPromptUsage } from './trace-prompt-usage.ts';
import { createDeleteSpansBefore } from './trace-retention.ts';
import { createScoreQueries } from './trace-scores.ts';
import { createGetSessionTraces, createListSessions } from './trace-sessions.ts';
import { createTraceSettingsQueries } from './trace-settings.ts';

export function createTraceQueries(db: SqlDriver): TraceStore {
  return {
    insertSpans: createInsertSpans(db),
    listTraces: createListTraces(db),
    getTraceSpans: createGetTraceSpans(db),
    listSessions: createListSessions(db),
    getSessionTraces: createGetSessionTraces(db),
    aggregate: createAggregate(db),
    costTotals: createCostTotals(db),
    promptUsage: createPromptUsage(db),
    ...createScoreQueries(db),
    ...createTraceSettingsQueries(db),
    deleteSpansBefore: createDeleteSpansBefore(db),
  };
}
