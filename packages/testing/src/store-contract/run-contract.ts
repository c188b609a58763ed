import { describe, expect, it } from 'vitest';
import type { DatasetInput } from '@keel/spec';
import { expectCode, metric, newExperiment, newProject, newRun, newRunId, type OpenStore, sortedPairs, tagValue, useStore } from './contract-helpers.ts';

export function describeRunContract(open: OpenStore): void {
  describe('runs', () => {
    const store = useStore(open);

    it('creates a run with its tags and the mlflow.runName tag', async () => {
      const p = await newProject(store(), 'run-create');
      const experimentId = await newExperiment(store(), p, 'runs');
      const runId = newRunId();
      const run = await store().createRun(p, {
        runId,
        experimentId,
        runName: 'brave-owl',
        userId: 'alice',
        startTime: 12_345,
        tags: [{ key: 'team', value: 'vision' }, { key: 'mlflow.user', value: 'alice' }],
        artifactUri: (experiment, id) => `mem://a/${experiment}/${id}`,
      });
      expect(run.info).toEqual({
        runId,
        experimentId,
        runName: 'brave-owl',
        userId: 'alice',
        status: 'RUNNING',
        startTime: 12_345,
        endTime: null,
        artifactUri: `mem://a/${experimentId}/${runId}`,
        lifecycleStage: 'active',
      });
      expect(sortedPairs(run.data.tags)).toEqual([
        { key: 'mlflow.runName', value: 'brave-owl' },
        { key: 'mlflow.user', value: 'alice' },
        { key: 'team', value: 'vision' },
      ]);
      expect(run.data.metrics).toEqual([]);
      expect(run.data.params).toEqual([]);
      expect(run.inputs).toEqual({ datasetInputs: [], modelInputs: [] });
      expect(run.outputs).toEqual({ modelOutputs: [] });
      expect(await store().getRun(p, runId)).toEqual(run);
      expect(await store().getRunInfo(p, runId)).toEqual(run.info);
    });

    it('keeps the run name and the mlflow.runName tag in step', async () => {
      const p = await newProject(store(), 'run-name');
      const experimentId = await newExperiment(store(), p, 'runs');
      const tagged = await newRun(store(), p, experimentId, { runName: 'ignored', tags: [{ key: 'mlflow.runName', value: 'from-tag' }] });
      expect(tagged.info.runName).toBe('from-tag');
      expect(tagValue(tagged.data.tags, 'mlflow.runName')).toBe('from-tag');
      await store().logBatch(p, tagged.info.runId, { metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'renamed-by-tag' }] });
      expect((await store().getRunInfo(p, tagged.info.runId))?.runName).toBe('renamed-by-tag');
      const updated = await store().updateRun(p, tagged.info.runId, { runName: 'renamed-by-update' });
      expect(updated.runName).toBe('renamed-by-update');
      expect(tagValue((await store().getRun(p, tagged.info.runId))?.data.tags ?? [], 'mlflow.runName')).toBe('renamed-by-update');
    });

    it('rejects a duplicate run id and an unknown experiment', async () => {
      const p = await newProject(store(), 'run-dup');
      const experimentId = await newExperiment(store(), p, 'runs');
      const run = await newRun(store(), p, experimentId);
      await expectCode(newRun(store(), p, experimentId, { runId: run.info.runId }), 'ALREADY_EXISTS');
      await expectCode(newRun(store(), p, '99'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await store().getRun(p, newRunId())).toBeUndefined();
      expect(await store().getRunInfo(p, newRunId())).toBeUndefined();
    });

    it('updates status and end time', async () => {
      const p = await newProject(store(), 'run-update');
      const experimentId = await newExperiment(store(), p, 'runs');
      const run = await newRun(store(), p, experimentId, { startTime: 100 });
      const finished = await store().updateRun(p, run.info.runId, { status: 'FINISHED', endTime: 900 });
      expect(finished).toEqual({ ...run.info, status: 'FINISHED', endTime: 900 });
      expect(await store().getRunInfo(p, run.info.runId)).toEqual(finished);
      const failed = await store().updateRun(p, run.info.runId, { status: 'FAILED' });
      expect(failed.status).toBe('FAILED');
      expect(failed.endTime).toBe(900);
      await expectCode(store().updateRun(p, newRunId(), { status: 'KILLED' }), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('rejects writes to a deleted run and accepts them again once restored', async () => {
      const p = await newProject(store(), 'run-lifecycle');
      const experimentId = await newExperiment(store(), p, 'runs');
      const run = await newRun(store(), p, experimentId);
      await store().setRunLifecycle(p, run.info.runId, 'deleted', 1_000);
      expect((await store().getRunInfo(p, run.info.runId))?.lifecycleStage).toBe('deleted');
      await expectCode(store().logBatch(p, run.info.runId, { metrics: [metric('m', 1, 0, 1)], params: [], tags: [] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(store().updateRun(p, run.info.runId, { status: 'FINISHED' }), 'INVALID_PARAMETER_VALUE');
      expect((await store().getRun(p, run.info.runId))?.data.metrics).toEqual([]);
      await store().setRunLifecycle(p, run.info.runId, 'active', 2_000);
      expect((await store().getRunInfo(p, run.info.runId))?.lifecycleStage).toBe('active');
      await store().logBatch(p, run.info.runId, { metrics: [metric('m', 1, 0, 1)], params: [], tags: [] });
      expect((await store().getRun(p, run.info.runId))?.data.metrics).toEqual([metric('m', 1, 0, 1)]);
    });

    it('deletes run tags', async () => {
      const p = await newProject(store(), 'run-tags');
      const experimentId = await newExperiment(store(), p, 'runs');
      const run = await newRun(store(), p, experimentId, { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
      await store().deleteRunTag(p, run.info.runId, 'a');
      const tags = (await store().getRun(p, run.info.runId))?.data.tags ?? [];
      expect(tagValue(tags, 'a')).toBeUndefined();
      expect(tagValue(tags, 'b')).toBe('2');
      await expectCode(store().deleteRunTag(p, run.info.runId, 'a'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('hides runs of another project', async () => {
      const a = await newProject(store(), 'run-iso-a');
      const b = await newProject(store(), 'run-iso-b');
      const experimentA = await newExperiment(store(), a, 'runs');
      await newExperiment(store(), b, 'runs');
      const run = await newRun(store(), a, experimentA);
      expect(await store().getRun(b, run.info.runId)).toBeUndefined();
      expect(await store().getRunInfo(b, run.info.runId)).toBeUndefined();
      await expectCode(store().updateRun(b, run.info.runId, { status: 'KILLED' }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setRunLifecycle(b, run.info.runId, 'deleted', 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().logBatch(b, run.info.runId, { metrics: [], params: [{ key: 'x', value: '1' }], tags: [] }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().deleteRunTag(b, run.info.runId, 'mlflow.runName'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().getMetricHistory(b, run.info.runId, 'm', { maxResults: 10, pageToken: undefined }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().getDownsampledMetric(b, run.info.runId, 'm', 10), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().logInputs(b, run.info.runId, [], ['model']), 'RESOURCE_DOES_NOT_EXIST');
      const untouched = await store().getRun(a, run.info.runId);
      expect(untouched?.info.status).toBe('RUNNING');
      expect(untouched?.info.lifecycleStage).toBe('active');
      expect(untouched?.data.params).toEqual([]);
    });

    it('shows logged inputs and outputs in getRun', async () => {
      const p = await newProject(store(), 'run-io');
      const experimentId = await newExperiment(store(), p, 'runs');
      const run = await newRun(store(), p, experimentId);
      const train: DatasetInput = {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'mnist', digest: 'abc123', sourceType: 'http', source: '{"url":"https://x/mnist"}', schema: '{"cols":[]}', profile: '{"rows":10}' },
      };
      const evaluation: DatasetInput = { tags: [], dataset: { name: 'nmist-eval', digest: 'def456', sourceType: 'local', source: '{}' } };
      await store().logInputs(p, run.info.runId, [train, evaluation], ['m-input-1']);
      await store().logInputs(p, run.info.runId, [train], ['m-input-1']);
      await store().logOutputs(p, run.info.runId, [{ modelId: 'm-output-1', step: 7 }]);
      const loaded = await store().getRun(p, run.info.runId);
      const datasets = [...(loaded?.inputs.datasetInputs ?? [])].sort((x, y) => x.dataset.name.localeCompare(y.dataset.name));
      expect(datasets).toHaveLength(2);
      expect(datasets[0]).toEqual(train);
      expect(datasets[1]?.dataset).toMatchObject(evaluation.dataset);
      expect(datasets[1]?.dataset.schema).toBeUndefined();
      expect(datasets[1]?.tags).toEqual([]);
      expect(loaded?.inputs.modelInputs).toEqual([{ modelId: 'm-input-1' }]);
      expect(loaded?.outputs.modelOutputs).toEqual([{ modelId: 'm-output-1', step: 7 }]);
      await store().setRunLifecycle(p, run.info.runId, 'deleted', 5);
      await expectCode(store().logOutputs(p, run.info.runId, [{ modelId: 'm-output-2', step: 1 }]), 'INVALID_PARAMETER_VALUE');
    });
  });
}
