/**
 * The presentation strip of the tabs other than Load (which has its own, with play and speed):
 * the tab, where the show is ("stage 3 / 10 · reserve memory", "stop 2 / 12"), ◀ ▶ for a mouse,
 * and ✕ (Esc) to leave. Fixed at the foot of the screen.
 */
import { setPresenting } from './mode';
import { stepperFor, useStepperWhere } from './stepper';
import './present.css';

export function PresentStrip({ tab, label }: { tab: string; label: string }) {
  const where = useStepperWhere(tab);
  const move = (m: 'next' | 'prev') => stepperFor(tab)?.move(m, 'none');
  return (
    <div className="present-bar on present-strip" data-testid="present-strip">
      <strong className="present-tab">{label}</strong>
      {where && (
        <span className="present-where" data-testid="present-where">
          {where}
        </span>
      )}
      <span className="spacer" />
      {where && (
        <>
          <button type="button" className="btn ghost" onClick={() => move('prev')} title="Previous (PageUp, ←)" data-testid="present-prev">
            ◀
          </button>
          <button type="button" className="btn ghost" onClick={() => move('next')} title="Next (PageDown, →, Space)" data-testid="present-next">
            ▶
          </button>
        </>
      )}
      <button
        type="button"
        className="btn ghost present-toggle"
        onClick={() => setPresenting(false)}
        title="Leave presentation mode (Esc)"
        data-testid="present-exit"
      >
        ✕
      </button>
    </div>
  );
}
