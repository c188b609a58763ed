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
 * store) and records, with a MutationObserver, when the first table row and the first chart appear,
 * reporting each through the keelMarkSeen binding (watchPageMarks).
 */
function pageMarksScript(apiKey: string): string {
  return `(() => {
    try { window.localStorage.setItem('keel.apiKey', ${JSON.stringify(apiKey)}); } catch {}
    const marks = (window.__keelMarks = {});
    const seen = (name) => { try { window.keelMarkSeen({ ...marks }, name); } catch {} };
    let chartSeen = false;
    const check = () => {
      if (marks.firstRow === undefined && document.querySelector('.vtable-row') !== null) {
        marks.firstRow = performance.now();
        seen('firstRow');
      }
      if (!chartSeen && document.querySelector('.chart .u-over') !== null) {
        chartSeen = true;
        requestAnimationFrame(() => requestAnimationFrame(() => { marks.chart = performance.now(); seen('chart'); }));
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  })();`;
}

export interface MarkWatcher {
  /**
   * The marks once `mark` is next recorded. Ask before the navigation that should record it.
   * Nothing polls the page meanwhile: Playwright's waitForFunction would inject its helper script
   * (20-40 ms of script evaluation here) into the very load being measured.
   */
  next(mark: keyof PageMarks, timeoutMs?: number): Promise<PageMarks>;
}

/** Signs `page` in with `apiKey` and reports its marks (see pageMarksScript) on every load. */
export async function watchPageMarks(page: Page, apiKey: string): Promise<MarkWatcher> {
  const waiting = new Map<keyof PageMarks, ((marks: PageMarks) => void)[]>();
  await page.exposeBinding('keelMarkSeen', (_source, marks: PageMarks, name: keyof PageMarks) => {
    const waiters = waiting.get(name) ?? [];
    waiting.delete(name);
    for (const resolve of waiters) resolve(marks);
  });
  await page.addInitScript(pageMarksScript(apiKey));
  return {
    next: (mark, timeoutMs = 60_000) =>
      new Promise<PageMarks>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the page recorded no ${mark} mark within ${timeoutMs} ms`)), timeoutMs);
        const done = (marks: PageMarks) => {
          clearTimeout(timer);
          resolve(marks);
        };
        waiting.set(mark, [...(waiting.get(mark) ?? []), done]);
      }),
  };
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
