import { useEffect, useRef } from 'react';

interface SelectAllCheckboxProps {
  label: string;
  /** How many rows can be selected (all of them, or fewer under a limit), and how many are. */
  total: number;
  selected: number;
  /** true: select every row; false: deselect every row. */
  onChange: (all: boolean) => void;
}

/**
 * A column header's checkbox over a list of row checkboxes: checked when every row is selected,
 * mixed (indeterminate) when some are. Clicking it while mixed selects all, as most tools do.
 */
export function SelectAllCheckbox({ label, total, selected, onChange }: SelectAllCheckboxProps) {
  const box = useRef<HTMLInputElement>(null);
  const mixed = selected > 0 && selected < total;
  useEffect(() => {
    if (box.current !== null) box.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <input
      ref={box}
      type="checkbox"
      aria-label={label}
      checked={total > 0 && selected === total}
      disabled={total === 0}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}
