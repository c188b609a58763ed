import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar.ts';

function captured(isTTY: boolean) {
  const writes: string[] = [];
  return { output: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('createProgressBar', () => {
  it('redraws one line on a terminal with bytes, percent and rate', () => {
    let now = 0;
    const { output, writes } = captured(true);
    const bar = createProgressBar({ output, label: 'upload', now: () => now, width: 10 });
    now = 1000;
    bar.update(1024 * 1024, 4 * 1024 * 1024);
    now = 1050;
    bar.update(2 * 1024 * 1024, 4 * 1024 * 1024);
    now = 2000;
    bar.update(4 * 1024 * 1024, 4 * 1024 * 1024);
    bar.finish();
    expect(writes).toEqual([
      '\rupload [###-------]  25.0%  1.0 MiB/4.0 MiB  1.0 MiB/s',
      '\rupload [##########] 100.0%  4.0 MiB/4.0 MiB  2.0 MiB/s',
      '\rupload [##########] 100.0%  4.0 MiB/4.0 MiB  2.0 MiB/s\n',
    ]);
  });

  it('writes whole lines, a second apart, when stderr is not a terminal', () => {
    let now = 0;
    const { output, writes } = captured(false);
    const bar = createProgressBar({ output, label: 'get', now: () => now });
    now = 1000;
    bar.update(10, undefined);
    now = 1500;
    bar.update(20, undefined);
    now = 2000;
    bar.finish();
    expect(writes).toEqual(['get  10 B  10 B/s\n', 'get  20 B  10 B/s\n']);
  });
});
