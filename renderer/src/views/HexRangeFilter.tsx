/** A "from 0x… – to 0x…" pair of inputs filtering a table by an address or offset range. */
export function HexRangeFilter({
  label,
  testId,
  from,
  to,
  onFrom,
  onTo,
}: {
  /** What the range is over ("offset", "value"): the label and the inputs' aria-labels. */
  label: string;
  /** data-testid prefix: `${testId}-from`, `${testId}-to`. */
  testId: string;
  from: string;
  to: string;
  onFrom: (v: string) => void;
  onTo: (v: string) => void;
}) {
  const Label = label[0].toUpperCase() + label.slice(1);
  return (
    <label className="range">
      <span className="muted">{label}</span>
      <input
        className="addr"
        placeholder="from 0x…"
        aria-label={`${Label} from`}
        data-testid={`${testId}-from`}
        value={from}
        onChange={(e) => onFrom(e.target.value)}
      />
      <span className="muted">–</span>
      <input
        className="addr"
        placeholder="to 0x…"
        aria-label={`${Label} to`}
        data-testid={`${testId}-to`}
        value={to}
        onChange={(e) => onTo(e.target.value)}
      />
    </label>
  );
}
