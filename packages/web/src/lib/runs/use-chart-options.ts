import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type ChartOptions, defaultChartOptions } from './history-series.ts';

/** Reads chart options from `x`, `smooth` and `log` in the query string (defaults where absent or unreadable). */
export function readChartOptions(params: URLSearchParams): ChartOptions {
  const smoothing = Number(params.get('smooth'));
  return {
    xAxis: params.get('x') === 'time' ? 'time' : defaultChartOptions.xAxis,
    smoothing: Number.isFinite(smoothing) && smoothing >= 0 && smoothing <= 0.99 ? smoothing : defaultChartOptions.smoothing,
    logScale: params.get('log') === '1',
  };
}

/** Writes chart options into `params`, leaving defaults out so that plain links stay short. */
export function writeChartOptions(params: URLSearchParams, options: ChartOptions): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (name: string, value: string | undefined) => (value === undefined ? next.delete(name) : next.set(name, value));
  set('x', options.xAxis === defaultChartOptions.xAxis ? undefined : options.xAxis);
  set('smooth', options.smoothing === defaultChartOptions.smoothing ? undefined : String(options.smoothing));
  set('log', options.logScale ? '1' : undefined);
  return next;
}

/**
 * Chart options kept in the URL, so that a shared link draws the same charts. A change is merged
 * into what the URL holds at that moment (two quick changes never undo each other), synchronously,
 * so that the controls never show the old value for a frame.
 */
export function useChartOptions(): [ChartOptions, (change: Partial<ChartOptions>) => void] {
  const [params, setParams] = useSearchParams();
  const x = params.get('x');
  const smooth = params.get('smooth');
  const log = params.get('log');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the three values stand for params
  const options = useMemo(() => readChartOptions(params), [x, smooth, log]);
  const setOptions = useCallback(
    (change: Partial<ChartOptions>) => setParams((previous) => writeChartOptions(previous, { ...readChartOptions(previous), ...change }), { replace: true, flushSync: true }),
    [setParams],
  );
  return [options, setOptions];
}
