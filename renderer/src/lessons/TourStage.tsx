/**
 * The tour being played: where we are (stop k of n), the caption in large type, the step it shows
 * (the Load view's caption card), and the pane the stop is about: the relocation or symbol, the CPU,
 * the memory map, the printk ring, or the setup's shell transcript. The whole tour exports as a
 * PDF deck, a slide a stop (TourExport).
 */
import { useRef } from 'react';
import type { EngineError } from '../../../engine/api-types';
import type { LessonEntry } from '../../../engine/tours/index';
import type { Host } from '../host/host';
import { CONCEPTS } from '../../../engine/tours/index';
import { StepCaption } from '../views/load/StepCaption';
import { ItemPanel } from '../views/load/ItemPanel';
import { CpuPanel } from '../views/load/CpuPanel';
import { MemoryMap } from '../views/load/MemoryMap';
import { RingBufferPane } from '../views/ringbuffer/RingBufferPane';
import { LogTabs } from '../views/ringbuffer/LogTabs';
import { SampleNote } from './SampleNote';
import { TourExport, type StoryDeck } from './TourExport';
import { TourPath } from './TourPath';
import { compareHref } from './compareLinks';
import { STAGE_LABEL } from '../views/compare/stages';
import { MemoryStrip } from '../views/compare/MemoryStrip';
import type { useTourPlayer } from './useTourPlayer';

/** Index in run.steps of the step at pos (the stop's, or where a panel moved the cursor). */
function stepIndexAt(run: { steps: readonly { pos: number; span: number }[] }, pos: number): number {
  return run.steps.findIndex((s) => pos >= s.pos && pos < s.pos + Math.max(1, s.span));
}

const VIEW_LABEL = { load: 'load step', memory: 'memory', cpu: 'CPU', ring: 'printk buffer', shell: 'shell' } as const;
const TITLE = new Map(CONCEPTS.map((c) => [c.id, c.title]));

export function TourStage({
  player,
  host,
  onError,
  note,
  story = null,
}: {
  player: ReturnType<typeof useTourPlayer>;
  host: Host;
  onError: (e: EngineError | null) => void;
  note: Extract<LessonEntry, { sample: string }> | null;
  /** The story being presented (its concepts, the stop it is at, how many; its stops and how to go to one, for its deck). */
  story?: (StoryDeck & { n: number }) | null;
}) {
  const { state, go, seekPos } = player;
  const mainRef = useRef<HTMLDivElement>(null);
  const { tour, run, view, index } = state;
  const reportError = (e: EngineError) => onError(e);
  if (note) return <div className="tour-stage">{<SampleNote note={note} />}</div>;
  if (!tour || !run) {
    return (
      <div className="tour-stage">
        <div className="empty" data-testid="lessons-empty">
          {state.busy
            ? 'Booting the kernel and running the tour’s setup…'
            : 'Pick a concept: its tour boots a modelled kernel, loads the sample and stops where the concept can be seen.'}
        </div>
      </div>
    );
  }
  const stop = tour.stops[index];
  const item = view?.item ?? null;
  const step = view?.step;
  const stepIndex = view ? stepIndexAt(run, view.step.pos) : -1;
  const toCompare = stepIndex >= 0 ? compareHref(tour, run, stepIndex) : null;
  const stage = stepIndex >= 0 ? run.steps[stepIndex]?.stage : undefined;
  return (
    <div className="tour-stage" data-testid="tour-stage" data-tour={tour.id} data-stop={index}>
      <div className="tour-head">
        <div className="tour-title">
          <strong data-testid="tour-title">{tour.title}</strong>
          <span className="muted">
            {' '}
            · samples/{tour.sample} · Linux {tour.kernel} model
          </span>
          {toCompare && (
            <a
              className="lesson-compare-link"
              href={toCompare}
              data-testid="lesson-compare-link"
              title="This step beside the other kernel's, on Compare"
            >
              {' '}
              ⇄ Compare at “{STAGE_LABEL[stage ?? 'result']}”
            </a>
          )}
        </div>
        <div className="tour-nav">
          <button
            type="button"
            className="btn"
            onClick={() => go(index - 1)}
            disabled={index === 0 || state.busy}
            data-testid="lesson-prev"
            title="Previous stop (← or PageUp)"
          >
            ← Prev
          </button>
          {story && (
            <span className="story-count" data-testid="story-count">
              story {story.ids.join(' · ')}: {story.at + 1} / {story.n}
            </span>
          )}
          <span className="tour-count" data-testid="lesson-count">
            stop {index + 1} of {tour.stops.length}
          </span>
          <button
            type="button"
            className="btn primary"
            onClick={() => go(index + 1)}
            disabled={index + 1 >= tour.stops.length || state.busy}
            data-testid="lesson-next"
            title="Next stop (→ or PageDown)"
          >
            Next →
          </button>
          <TourExport player={player} root={mainRef} story={story} />
        </div>
      </div>
      <div className="tour-setup muted" data-testid="tour-setup" title="What the tour ran on a freshly booted kernel">
        setup: <code>{tour.setup.join(' ; ')}</code> · ←/→ or PageUp/PageDown move between stops
      </div>
      <div className="tour-dots" aria-hidden>
        {tour.stops.map((s, i) => (
          <button
            key={i}
            type="button"
            className={`dot${i === index ? ' on' : ''}`}
            title={`${i + 1}: ${s.at.fn}`}
            onClick={() => go(i)}
            tabIndex={-1}
          />
        ))}
      </div>
      <p className="lesson-caption" data-testid="lesson-caption">
        {state.caption}
      </p>
      <div className="lesson-concepts">
        {stop.concepts.map((c) => (
          <span key={c} className="concept-chip" title={TITLE.get(c)} data-testid="lesson-concept">
            {c} <span className="muted">{TITLE.get(c)}</span>
          </span>
        ))}
        <span className="view-chip muted">shown in: {VIEW_LABEL[stop.view]}</span>
      </div>
      <div className="tour-body">
        <div className="tour-main" ref={mainRef}>
          {step && view && <StepCaption step={step} pos={view.pos} view={view} />}
          <div className="tour-figure" data-testid="tour-figure" data-view={stop.view} aria-label={`${tour.title}: stop ${index + 1}`}>
            {view && stop.view === 'cpu' && item?.kind === 'instruction' && (
              <CpuPanel item={item} pos={view.pos} base={view.step.pos} host={host} onSeek={seekPos} onError={reportError} />
            )}
            {view && (stop.view === 'load' || stop.view === 'cpu') && item && item.kind !== 'instruction' && (
              <ItemPanel item={item} pos={view.pos} host={host} onError={reportError} step={view.step} onSeek={seekPos} />
            )}
            {view && stop.view === 'memory' && <MemoryMap kernel={run.kernel} view={view} mod={null} />}
            {/* On the projector the memory map's labels are too small: the path with the step lit, and where the image lands, at 20 px. */}
            {view && stop.view === 'memory' && (
              <div className="tour-present-mem" data-testid="tour-present-mem">
                <TourPath run={run} stepIndex={stepIndexAt(run, view.step.pos)} version={tour.kernel} onSeek={seekPos} />
                <div className="cmp-mem-card" data-testid="tour-mem-strip">
                  <h4>where the image lands</h4>
                  <MemoryStrip version={tour.kernel} view={view} />
                </div>
              </div>
            )}
            {view && stop.view === 'ring' && (
              <div className="card tour-ring">
                <RingBufferPane log={view.log} currentLog={view.step.log} host={host} pos={view.step.pos + view.step.span - 1} />
              </div>
            )}
            {/* No item of its own (insmod's checks, its symbol matching) or a shell stop: the load path with the step lit. */}
            {view && ((stop.view === 'load' && !item) || stop.view === 'shell') && (
              <TourPath run={run} stepIndex={stepIndexAt(run, view.step.pos)} version={tour.kernel} onSeek={seekPos} />
            )}
            {stop.view === 'shell' && (
              <pre className="card tour-transcript" data-testid="tour-transcript">
                {run.transcript.map((l) => `# ${l.line}\n${l.output}`).join('')}
              </pre>
            )}
          </div>
        </div>
        <div className="tour-side">
          <LogTabs log={view?.log ?? []} currentLog={view?.step.log ?? []} host={host} pos={view ? view.step.pos + view.step.span - 1 : undefined} />
        </div>
      </div>
    </div>
  );
}
