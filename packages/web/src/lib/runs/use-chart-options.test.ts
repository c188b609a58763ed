import { describe, expect, it } from 'vitest';
import { readChartOptions, writeChartOptions } from './use-chart-options.ts';

describe('chart options in the URL', () => {
  it('round-trips through the query string and keeps other parameters', () => {
    const written = writeChartOptions(new URLSearchParams('runs=a,b'), { xAxis: 'time', smoothing: 0.6, logScale: true });
    expect(written.toString()).toBe('runs=a%2Cb&x=time&smooth=0.6&log=1');
    expect(readChartOptions(written)).toEqual({ xAxis: 'time', smoothing: 0.6, logScale: true });
  });

  it('leaves defaults out and reads unreadable values as defaults', () => {
    expect(writeChartOptions(new URLSearchParams('x=time&log=1'), { xAxis: 'step', smoothing: 0, logScale: false }).toString()).toBe('');
    expect(readChartOptions(new URLSearchParams('x=sideways&smooth=7&log=yes'))).toEqual({ xAxis: 'step', smoothing: 0, logScale: false });
  });
});
