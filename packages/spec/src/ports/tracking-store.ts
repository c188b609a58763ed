import type { RunSearchQuery, SearchComparison, OrderByClause } from '../domain/search.ts';
import type { DatasetInput, Experiment, KeyValue, Metric, Page, Run, RunInfo, RunStatus, ViewType } from '../domain/tracking.ts';

export interface NewExperiment {
  name: string;
  /** Given the new experiment's id, the artifact location to store when the caller gave none. */
  artifactLocation: string | ((experimentId: string) => string);
  tags: KeyValue[];
  now: number;
}

export interface ExperimentSearch {
  viewType: ViewType;
  filter: SearchComparison[];
  orderBy: OrderByClause[];
  maxResults: number;
  pageToken: string | undefined;
}

export interface NewRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  startTime: number;
  tags: KeyValue[];
  artifactUri: (experimentId: string, runId: string) => string;
}

export interface RunUpdate {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

export interface LogBatch {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

export interface MetricHistoryQuery {
  maxResults: number;
  pageToken: string | undefined;
  startStep?: number | undefined;
  endStep?: number | undefined;
}

export interface TrackingStore {
  createExperiment(projectId: number, experiment: NewExperiment): Promise<string>;
  getExperiment(projectId: number, experimentId: string): Promise<Experiment | undefined>;
  getExperimentByName(projectId: number, name: string): Promise<Experiment | undefined>;
  searchExperiments(projectId: number, search: ExperimentSearch): Promise<Page<Experiment>>;
  renameExperiment(projectId: number, experimentId: string, name: string, now: number): Promise<void>;
  /** Deleting an experiment also marks its runs deleted; restoring brings them back. */
  setExperimentLifecycle(projectId: number, experimentId: string, stage: 'active' | 'deleted', now: number): Promise<void>;
  setExperimentTag(projectId: number, experimentId: string, tag: KeyValue, now: number): Promise<void>;
  deleteExperimentTag(projectId: number, experimentId: string, key: string): Promise<void>;

  createRun(projectId: number, run: NewRun): Promise<Run>;
  getRun(projectId: number, runId: string): Promise<Run | undefined>;
  getRunInfo(projectId: number, runId: string): Promise<RunInfo | undefined>;
  updateRun(projectId: number, runId: string, update: RunUpdate): Promise<RunInfo>;
  setRunLifecycle(projectId: number, runId: string, stage: 'active' | 'deleted', now: number): Promise<void>;
  /** One transaction. A param logged again with another value rejects the whole batch. */
  logBatch(projectId: number, runId: string, batch: LogBatch): Promise<void>;
  deleteRunTag(projectId: number, runId: string, key: string): Promise<void>;
  logInputs(projectId: number, runId: string, datasets: DatasetInput[], modelIds: string[]): Promise<void>;
  logOutputs(projectId: number, runId: string, models: { modelId: string; step: number }[]): Promise<void>;
  searchRuns(projectId: number, query: RunSearchQuery): Promise<Page<Run>>;
  getMetricHistory(projectId: number, runId: string, key: string, query: MetricHistoryQuery): Promise<Page<Metric>>;
  /** At most about `maxPoints` points, keeping each bucket's extremes, read from rollups. */
  getDownsampledMetric(projectId: number, runId: string, key: string, maxPoints: number, range?: { startStep?: number | undefined; endStep?: number | undefined }): Promise<Metric[]>;
}
