import type { Page } from 'playwright-core';

/** Milliseconds since navigation start at which the page first showed each thing (absent: not yet). */
export interface PageMarks {
  /** The first row of a virtualised table (runs, traces). */
  firstRow?: number;
  /** A uPlot chart painted: two animation frames after its canvas overlay appeared. */
  chart?: number;
}

/**
 * Runs in every page before its own scripts: signs the browser in (the key the sign-in form would
 * store) and records, with a MutationObserver, when the first table row and the first chart appear.
 */
export function pageMarksScript(apiKey: string): string {
  return `(() => {
    try { window.localStorage.setItem('keel.apiKey', ${JSON.stringify(apiKey)}); } catch {}
    const marks = (window.__keelMarks = {});
    let chartSeen = false;
    const check = () => {
      if (marks.firstRow === undefined && document.querySelector('.vtable-row') !== null) marks.firstRow = performance.now();
      if (!chartSeen && document.querySelector('.chart .u-over') !== null) {
        chartSeen = true;
        requestAnimationFrame(() => requestAnimationFrame(() => { marks.chart = performance.now(); }));
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  })();`;
}

/** Waits until `mark` is recorded and returns all marks. */
export async function waitForMark(page: Page, mark: keyof PageMarks, timeoutMs = 60_000): Promise<PageMarks> {
  // A function, not a string: the UI's Content-Security-Policy forbids evaluating strings.
  await page.waitForFunction((name) => (globalThis as unknown as { __keelMarks?: Record<string, number> }).__keelMarks?.[name] !== undefined, mark, { timeout: timeoutMs, polling: 'raf' });
  return (await page.evaluate('window.__keelMarks')) as PageMarks;
}

export interface FrameSample {
  /** Time between consecutive animation frames, ms. */
  intervals: number[];
  /** Highest row index rendered at the end. */
  lastRowIndex: number;
}

/**
 * Scrolls the first virtualised table by `pixelsPerFrame` on each of `frames` animation frames
 * (0 scrolls nothing: the idle frame cadence of the same page, the baseline).
 */
export async function sampleScrollFrames(page: Page, frames: number, pixelsPerFrame: number): Promise<FrameSample> {
  return (await page.evaluate(`(async () => {
    const scroller = document.querySelector('.vtable-body');
    const intervals = [];
    let last = await new Promise((resolve) => requestAnimationFrame(resolve));
    for (let frame = 0; frame < ${frames}; frame++) {
      if (scroller !== null) scroller.scrollTop += ${pixelsPerFrame};
      const now = await new Promise((resolve) => requestAnimationFrame(resolve));
      intervals.push(now - last);
      last = now;
    }
    const indexes = [...document.querySelectorAll('.vtable-row')].map((row) => Number(row.dataset.index));
    return { intervals, lastRowIndex: indexes.length === 0 ? -1 : Math.max(...indexes) };
  })()`)) as FrameSample;
}
