import { formatUsd } from '../../lib/format.ts';
import './gateway.css';

/** Spend against a budget: `$1.20 of $5.00` with a meter, or the spend alone when there is no budget. */
export function BudgetCell({ spent, budget, label }: { spent: number; budget: number | undefined; label: string }) {
  if (budget === undefined) return <span className="budget-text" aria-label={`${label}: ${formatUsd(spent)}, no budget`}>{formatUsd(spent)} <span className="muted">no budget</span></span>;
  const fraction = budget > 0 ? spent / budget : 1;
  const level = fraction >= 1 ? 'over' : fraction >= 0.8 ? 'warn' : '';
  return (
    <div className="budget">
      <span className="budget-text">{formatUsd(spent)} <span className="muted">of {formatUsd(budget)}</span></span>
      <div
        className={`budget-meter ${level}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={budget}
        aria-valuenow={Math.min(spent, budget)}
        aria-valuetext={`${formatUsd(spent)} of ${formatUsd(budget)}`}
      >
        <span style={{ width: `${Math.min(100, fraction * 100)}%` }} />
      </div>
    </div>
  );
}
