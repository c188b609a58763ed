const numeric = /^[-+]?[\d,.]+(\s?\S+)?$/;

/** Prints a plain-text table; columns whose cells look numeric are right-aligned. */
export function printTable(title: string, headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const rightAligned = headers.map((_header, column) => rows.length > 0 && rows.every((row) => numeric.test(row[column] ?? '') || (row[column] ?? '') === '' || (row[column] ?? '') === '-'));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const out = [``, title, rule, line(headers), rule, ...rows.map((row) => line(headers.map((_header, column) => row[column] ?? ''))), rule];
  process.stdout.write(`${out.join('\n')}\n`);
}
