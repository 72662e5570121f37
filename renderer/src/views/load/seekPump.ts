/**
 * The Load view's seeks, without React (useKernelTimeline wraps it): one kernel.seek in flight at a time, the newest
 * position asked for sent as soon as it returns (latest wins: a key held down or a slider dragged never queues work),
 * and the position committed together with the engine's answer for it (issue #15: seek p99).
 *
 * Committing the cursor at once and the answer later drew every seek twice: a frame with the new position over the
 * old panes (the scrubber, caption, steps list and every pane that takes the position re-rendered, style, layout and
 * paint of the whole view), then the frame with the answer. Here the position waits for its answer, and both are one
 * commit, one frame. Only when the answer is late (lateMs, e.g. the engine busy with a long step) is the position
 * committed alone, so the cursor never lags by more than that.
 */
import type { EngineError, Result, SeekView } from '../../../../engine/api-types';

/** What to render: the position, and the engine's answer for it (absent: the answer is not there yet, or failed). */
export interface SeekCommit {
  pos: number;
  view?: SeekView;
}

export interface SeekPumpOptions {
  /** kernel.seek. */
  call: (pos: number) => Promise<Result<SeekView>>;
  commit: (c: SeekCommit) => void;
  onError: (e: EngineError) => void;
  /** After this long without an answer the position is committed alone (ms). */
  lateMs?: number;
  now?: () => number;
  setTimer?: (f: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export const LATE_MS = 40;

export class SeekPump {
  /** The position most recently asked for (what the next relative seek counts from), or null before any. */
  target: number | null = null;
  private want: number | null = null;
  private inflight = false;
  private timer: unknown = null;
  /** When the oldest seek not yet drawn with an answer was asked for (null: every seek so far is drawn). */
  private undrawnSince: number | null = null;
  private generation = 0;
  private readonly o: Required<SeekPumpOptions>;

  constructor(o: SeekPumpOptions) {
    this.o = {
      lateMs: LATE_MS,
      now: () => performance.now(),
      setTimer: (f, ms) => setTimeout(f, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      ...o,
    };
  }

  /** Ask for position p (already clamped to the timeline). */
  seek(p: number): void {
    this.target = p;
    this.want = p;
    this.undrawnSince ??= this.o.now();
    if (this.timer === null) {
      this.timer = this.o.setTimer(() => {
        this.timer = null;
        if (this.target !== null) this.emit({ pos: this.target });
      }, this.o.lateMs);
    }
    this.pump();
  }

  /** A new timeline (boot, reset): forget what was asked; an answer still in flight is dropped. */
  reset(): void {
    this.generation++;
    this.target = null;
    this.want = null;
    this.inflight = false;
    this.undrawnSince = null;
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
  }

  private emit(c: SeekCommit): void {
    if (c.view) this.undrawnSince = null;
    this.o.commit(c);
  }

  private pump(): void {
    if (this.inflight || this.want === null) return;
    const p = this.want;
    const gen = this.generation;
    this.want = null;
    this.inflight = true;
    void this.o.call(p).then((r) => {
      if (gen !== this.generation) return;
      this.inflight = false;
      const superseded = this.want !== null;
      if (!r.ok) {
        this.o.onError(r.error);
        if (!superseded) {
          this.stopTimer();
          this.undrawnSince = null;
          this.emit({ pos: p });
        }
      } else if (!superseded) {
        this.stopTimer();
        this.emit({ pos: p, view: r.value });
      } else if (this.undrawnSince !== null && this.o.now() - this.undrawnSince >= this.o.lateMs) {
        // A newer position is asked for already (a drag, a held key): this answer is drawn only when no answer has been
        // for lateMs, so the panes follow a long drag without drawing every answer. The cursor shows the newest.
        this.emit({ pos: this.target ?? p, view: r.value });
      }
      this.pump();
    });
  }
}
