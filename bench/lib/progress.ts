/** Progress lines on stderr, at most one a second, plus a final one. */
export function progressReporter(label: string, total: number): { tick(done: number): void; finish(): void } {
  const started = performance.now();
  let last = 0;
  let latest = 0;
  const write = (done: number): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    process.stderr.write(`  [${label}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor((done / total) * 100)} %) ${seconds.toFixed(1)} s, ${rate.toLocaleString('en-US')}/s\n`);
  };
  return {
    tick(done: number) {
      latest = done;
      const now = performance.now();
      if (now - last >= 1000) {
        last = now;
        write(done);
      }
    },
    finish() {
      write(latest);
    },
  };
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
