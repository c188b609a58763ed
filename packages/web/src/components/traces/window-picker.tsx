import { useSearchParams } from 'react-router-dom';
import { readTraceWindow, resolveTraceWindow, toLocalInputText, windowChoices, type WindowChoice } from '../../lib/traces/trace-window.ts';
import './traces.css';

/** Last hour / day / week / month, or custom bounds; kept in the URL (`window`, `from`, `to`). */
export function WindowPicker() {
  const [params, setParams] = useSearchParams();
  const timeWindow = readTraceWindow(params);
  const update = (changes: Record<string, string | null>) => {
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      return next;
    });
  };
  const choose = (choice: WindowChoice) => {
    if (choice !== 'custom') {
      update({ window: choice, from: null, to: null });
      return;
    }
    // Start the custom window from the one shown now.
    const { from, to } = resolveTraceWindow(timeWindow, Date.now());
    update({ window: 'custom', from: timeWindow.fromText || toLocalInputText(from), to: timeWindow.toText || toLocalInputText(to) });
  };
  return (
    <div className="window-picker">
      <label>
        <span className="visually-hidden">Time window</span>
        <select aria-label="Time window" value={timeWindow.choice} onChange={(event) => choose(event.target.value as WindowChoice)}>
          {windowChoices.map((item) => <option key={item.value} value={item.value}>{item.label}</option>)}
        </select>
      </label>
      {timeWindow.choice === 'custom' && (
        <>
          <label>From <input type="datetime-local" aria-label="From" value={timeWindow.fromText} onChange={(event) => update({ from: event.target.value })} /></label>
          <label>To <input type="datetime-local" aria-label="To" value={timeWindow.toText} onChange={(event) => update({ to: event.target.value })} /></label>
        </>
      )}
    </div>
  );
}
