export interface TableOptions {
  /** Indexes of columns to right-align (numbers read better that way). */
  alignRight?: readonly number[];
}

// Control characters in a value (a tag with an escape sequence, a description with a newline) would
// break the layout or drive the terminal; they are shown as spaces.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;

const clean = (cell: string): string => cell.replace(controlCharacters, ' ');

/** Aligned columns, two spaces apart, header first; every line ends with a newline. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const cleaned = [headers, ...rows].map((row) => headers.map((_, index) => clean(row[index] ?? '')));
  const widths = headers.map((_, index) => Math.max(...cleaned.map((row) => [...(row[index] ?? '')].length)));
  const right = new Set(options.alignRight ?? []);
  return cleaned
    .map((row) =>
      row
        .map((cell, index) => {
          const padding = ' '.repeat((widths[index] ?? 0) - [...cell].length);
          return right.has(index) ? padding + cell : cell + padding;
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
