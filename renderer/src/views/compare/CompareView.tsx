/**
 * 2.4 ⇄ 6.1: the same module loaded by both modelled kernels, as swimlanes (user space, syscall
 * boundary, kernel space) with the stages aligned as columns; one scrubber moves both kernels by
 * stage, ←/→ per kernel step by step; under the lanes each kernel's current step, where its image
 * lands in memory, and the syscall suites compared.
 *
 * Stays mounted while hidden (like the Load view) so the runs and cursors survive other tabs.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { EngineError, ModuleOverview, StepInfo } from '../../../../engine/api-types';
import type { Stage } from '../../../../engine/trace/index';
import type { Host } from '../../host/host';
import { layoutPath } from './laneLayout';
import { PathLanes } from './PathLanes';
import { useStepper } from '../../present/stepper';
import type { SlideContext } from '../../export/slide';
import { attachCompareLive, type CompareLive, type CompareState, type CompareWant } from './compareLink';
import { MemoryStrip } from './MemoryStrip';
import { useFitCaption, type CaptionPages } from './fitCaption';
import { loadTours } from '../../lessons/tourData';
import { stopsAtStage, type StopLink } from '../../lessons/compareLinks';
import { SyscallTable } from './SyscallTable';
import { useCompareRuns } from './useCompareRuns';
import { SIDE_LABEL, STAGE_LABEL, VERSIONS, crossings, sideOf, stageOf, stagesIn, stepAt, stepForStage, type Version } from './stages';
import { CompareExercise } from '../../exercise/CompareExercise';
import type { ExerciseLink } from '../../present/appLink';
import './compare.css';
import { defaultArgs } from '../../lib/samples';

/** Each kernel's caption pages (fitCaption.ts), for the clicker: its next key shows a long caption's next lines first. */
type Pagers = Partial<Record<Version, CaptionPages & { setPage: (p: number) => void }>>;

function Caption({
  version,
  step,
  pagers,
  lessons,
}: {
  version: Version;
  step: StepInfo | undefined;
  pagers: MutableRefObject<Pagers>;
  /** The tour stops showing this stage on this kernel (links to Lessons). */
  lessons: StopLink[];
}) {
  const textRef = useRef<HTMLParagraphElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const fit = useFitCaption(textRef, step ? `${step.pos}:${step.title}:${step.text}` : '', titleRef);
  pagers.current[version] = fit;
  if (!step) return <div className="card cmp-caption empty small">…</div>;
  return (
    <div className={`card cmp-caption${step.errno ? ' failed' : ''}`} data-testid={`caption-${version}`}>
      <div className="cmp-caption-head">
        <strong className="cmp-kernel-chip">{version}</strong>
        <span className={`cmp-chip side-${sideOf(step)}`}>{SIDE_LABEL[sideOf(step)]}</span>
        <span className="cmp-chip">{STAGE_LABEL[stageOf(step)]}</span>
        <code className="fn" data-testid={`caption-fn-${version}`}>
          {/^[A-Za-z_]\w*$/.test(step.fn) ? `${step.fn}()` : step.fn}
        </code>
        <span className="muted small">{step.file}</span>
        {fit.pages > 1 && (
          <span className="cmp-caption-more" data-testid={`caption-more-${version}`} title="The next key shows the caption's next lines">
            {fit.page + 1 < fit.pages ? 'more ▾' : 'end'} {fit.page + 1}/{fit.pages}
          </span>
        )}
      </div>
      <h4 ref={titleRef} data-testid={`caption-title-${version}`}>{step.title}</h4>
      {lessons.length > 0 && (
        <div className="cmp-lessons" data-testid={`compare-lessons-${version}`}>
          <span className="muted">in Lessons:</span>
          {[...new Set(lessons.map((l) => l.tour))].map((t) => {
            const stops = lessons.filter((l) => l.tour === t);
            return (
              <span key={t} className="cmp-lessons-tour">
                {t} {stops.length > 1 ? 'stops' : 'stop'}
                {stops.map((l) => (
                  <a
                    key={l.stop}
                    href={l.href}
                    data-testid="compare-lesson-link"
                    title={`The ${t} tour, stop ${l.stop + 1}: ${l.concepts.join(' ')}`}
                  >
                    {l.stop + 1}
                  </a>
                ))}
              </span>
            );
          })}
        </div>
      )}
      <p className="cmp-caption-text" ref={textRef} data-testid={`caption-text-${version}`}>
        {step.text}
      </p>
    </div>
  );
}

/** A long caption's next (or previous) lines, when one has them: true when the key was taken. */
function pageCaptions(pagers: Pagers, versions: readonly Version[], dir: 1 | -1): boolean {
  const turn = versions.filter((v) => {
    const p = pagers[v];
    return p && (dir > 0 ? p.page + 1 < p.pages : p.page > 0);
  });
  for (const v of turn) pagers[v]!.setPage(pagers[v]!.page + dir);
  return turn.length > 0;
}

export function CompareView({
  mod,
  host,
  active,
  onError,
  want = null,
  onState,
  exercise = null,
  onExercise,
}: {
  /** A link's exercise (seed, student): the exercise card opens and starts it. */
  exercise?: ExerciseLink | null;
  /** The running exercise, for the page's link. */
  onExercise?: (l: ExerciseLink | null) => void;
  mod: ModuleOverview | null;
  host: Host;
  active: boolean;
  onError: (e: EngineError | null) => void;
  /** Where a link asks the comparison to be (applied once per nonce, when the runs are ready). */
  want?: CompareWant | null;
  /** Its place, for the page's link. */
  onState?: (s: CompareState) => void;
}) {
  const [args, setArgs] = useState(defaultArgs(mod));
  const [argsDraft, setArgsDraft] = useState(args);
  const modId = mod?.id ?? null;
  useEffect(() => {
    setArgs(defaultArgs(mod));
    setArgsDraft(defaultArgs(mod));
  }, [modId]);
  const name = mod?.thisModule?.name ?? mod?.fileName.replace(/\.ko(\.\w+)?$/, '') ?? '';
  const { runs, cursor, views, busy, seek } = useCompareRuns(host, active, modId, name, args, onError);

  // The lanes are laid out for the width they get (units = CSS px, so label sizes are what is seen).
  const lanesRef = useRef<HTMLDivElement>(null);
  const [lanesW, setLanesW] = useState(900);
  useEffect(() => {
    const el = lanesRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const w = Math.floor(el.clientWidth);
      if (w > 200) setLanesW((o) => (Math.abs(o - w) > 2 ? w : o));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const layouts = useMemo(
    () => ({
      '2.4': runs['2.4'] ? layoutPath('2.4', runs['2.4'].steps, lanesW) : null,
      '6.1': runs['6.1'] ? layoutPath('6.1', runs['6.1'].steps, lanesW) : null,
    }),
    [runs, lanesW],
  );
  const layout = layouts['2.4'] && layouts['6.1'];

  const lit = useMemo(
    () => ({
      '2.4': runs['2.4'] ? stepAt(runs['2.4'].steps, cursor['2.4']) : -1,
      '6.1': runs['6.1'] ? stepAt(runs['6.1'].steps, cursor['6.1']) : -1,
    }),
    [runs, cursor],
  );
  const stages = useMemo(() => stagesIn(runs['2.4']?.steps ?? [], runs['6.1']?.steps ?? []), [runs]);
  const stepOf = (v: Version) => runs[v]?.steps[lit[v]];
  const s24 = stepOf('2.4');
  const s61 = stepOf('6.1');
  const shared = s24 && s61 && stageOf(s24) === stageOf(s61) ? stageOf(s24) : null;
  // The lockstep position: the stage both are in, else the earlier of the two.
  const lockIndex = useMemo(() => {
    const idx = [s24, s61].filter((s): s is StepInfo => !!s).map((s) => stages.indexOf(stageOf(s)));
    return idx.length ? Math.min(...idx) : 0;
  }, [s24, s61, stages]);

  const toStage = useCallback(
    (stage: Stage) => {
      for (const v of VERSIONS) {
        const run = runs[v];
        if (run && run.steps.length) seek(v, run.steps[stepForStage(run.steps, stage)].pos);
      }
    },
    [runs, seek],
  );
  const byStage = useCallback(
    (delta: number) => {
      if (!stages.length) return;
      const target = shared ? lockIndex + delta : delta > 0 ? lockIndex + 1 : lockIndex;
      toStage(stages[Math.max(0, Math.min(stages.length - 1, target))]);
    },
    [stages, shared, lockIndex, toStage],
  );
  const stepBy = useCallback(
    (v: Version, delta: number) => {
      const run = runs[v];
      if (!run) return;
      const i = Math.max(0, Math.min(run.steps.length - 1, lit[v] + delta));
      seek(v, run.steps[i].pos);
    },
    [runs, lit, seek],
  );
  const pick = useCallback(
    (v: Version, index: number) => {
      const run = runs[v];
      if (run?.steps[index]) seek(v, run.steps[index].pos);
    },
    [runs, seek],
  );

  // The presenter's keys (present/usePresenter.ts): both kernels stage by stage; Shift 2.4 alone, Alt 6.1 alone.
  const pagers = useRef<Pagers>({});
  const tours = useMemo(() => [...loadTours().tours.values()], []);
  const lessonLinks = (v: Version): StopLink[] => {
    const st = stepOf(v);
    const run = runs[v];
    return st && run && mod ? stopsAtStage(tours, mod.fileName, v, run.steps, st) : [];
  };
  useStepper('compare', {
    slide: () => slide(),
    where: stages.length
      ? `stage ${lockIndex + 1} / ${stages.length} · ${STAGE_LABEL[stages[lockIndex]]}${shared ? '' : ' (kernels apart)'} · ` +
        `2.4 ${lit['2.4'] + 1}/${runs['2.4']?.steps.length ?? 0} · 6.1 ${lit['6.1'] + 1}/${runs['6.1']?.steps.length ?? 0}`
      : '',
    move: (m, mod) => {
      if (!layout) return;
      const on: readonly Version[] = mod === 'none' ? VERSIONS : [mod === 'shift' ? '2.4' : '6.1'];
      if ((m === 'next' || m === 'prev') && pageCaptions(pagers.current, on, m === 'next' ? 1 : -1)) return;
      if (mod !== 'none') {
        const v: Version = mod === 'shift' ? '2.4' : '6.1';
        const n = runs[v]?.steps.length ?? 0;
        if (m === 'next' || m === 'prev') stepBy(v, m === 'next' ? 1 : -1);
        else stepBy(v, m === 'first' ? -n : n);
      } else if (m === 'next' || m === 'prev') byStage(m === 'next' ? 1 : -1);
      else if (stages.length) toStage(stages[m === 'first' ? 0 : stages.length - 1]);
    },
  });

  const used = useMemo(() => {
    const u: Record<string, boolean> = {};
    for (const v of VERSIONS) for (const c of crossings(runs[v]?.steps ?? [])) u[c.syscall] = true;
    return u;
  }, [runs]);

  const ready = !busy && !!layout && !!runs['2.4'] && !!runs['6.1'];

  // A link's arguments first (they reload both runs), then its stage or steps once the runs are in.
  const applied = useRef(0);
  useEffect(() => {
    if (!want || applied.current === want.nonce) return;
    if (want.args !== undefined && want.args !== args) {
      setArgs(want.args);
      setArgsDraft(want.args);
      return;
    }
    if (!ready) return;
    applied.current = want.nonce;
    if (want.stage) {
      if (stages.includes(want.stage)) toStage(want.stage);
      else
        onError({
          code: 'BAD_REQUEST',
          message: `link: neither load of ${mod?.fileName ?? 'the module'} has a stage "${want.stage}" (stages: ${stages.join(', ')})`,
        });
    }
    for (const v of VERSIONS) {
      const n = want.steps?.[v];
      if (n === undefined) continue;
      const count = runs[v]?.steps.length ?? 0;
      if (n >= 1 && n <= count) seek(v, runs[v]!.steps[n - 1].pos);
      else
        onError({
          code: 'BAD_REQUEST',
          message: `link: Linux ${v}'s load of ${mod?.fileName ?? 'the module'} has ${count} steps, the link asks for step ${n}`,
        });
    }
  }, [want, ready, args, stages, toStage, runs, seek, mod, onError]);

  const stateRef = useRef(onState);
  stateRef.current = onState;
  useEffect(() => {
    if (ready) stateRef.current?.({ args, steps: { '2.4': lit['2.4'] + 1, '6.1': lit['6.1'] + 1 }, ready });
  }, [ready, args, lit]);

  const slide = (): SlideContext => {
    const st = stages[lockIndex];
    const a = stepOf('2.4');
    const b = stepOf('6.1');
    return {
      stepNumber: lockIndex + 1,
      stepCount: stages.length,
      label: `stage ${lockIndex + 1} / ${stages.length} · 2.4 step ${lit['2.4'] + 1} · 6.1 step ${lit['6.1'] + 1}`,
      pos: cursor['6.1'],
      length: runs['6.1']?.op.endPos ?? 0,
      phase: st ? STAGE_LABEL[st] : '',
      title: `2.4: ${a?.title ?? '—'}  ·  6.1: ${b?.title ?? '—'}`,
      fn: `${a?.fn ?? ''} / ${b?.fn ?? ''}`,
      file: 'Linux 2.4 insmod and Linux 6.1 load_module()',
      text: `2.4 (${a ? SIDE_LABEL[sideOf(a)] : ''}): ${a?.text ?? ''}  6.1 (${b ? SIDE_LABEL[sideOf(b)] : ''}): ${b?.text ?? ''}`,
      textLines: 2,
      source: `${mod?.fileName ?? ''} ${args} · Linux 2.4 (modutils insmod model) ⇄ Linux 6.1.0-50-amd64 (model)`,
    };
  };
  const liveRef = useRef<CompareLive>(null as unknown as CompareLive);
  liveRef.current = {
    state: { args, steps: { '2.4': lit['2.4'] + 1, '6.1': lit['6.1'] + 1 }, ready },
    slide,
    stepCount: { '2.4': runs['2.4']?.steps.length ?? 0, '6.1': runs['6.1']?.steps.length ?? 0 },
    viewPos: { '2.4': views['2.4']?.pos ?? null, '6.1': views['6.1']?.pos ?? null },
    cursor,
    stepPos: (v, n) => runs[v]?.steps[n - 1]?.pos ?? -1,
    goStep: (v, n) => {
      const run = runs[v];
      const s = run?.steps[n - 1];
      if (!run || !s) throw new Error(`Linux ${v}'s load has ${run?.steps.length ?? 0} steps, not ${n}`);
      toStage(stageOf(s));
      seek(v, s.pos);
    },
  };
  useEffect(() => attachCompareLive(liveRef), []);
  // The exercise (renderer/src/exercise): its card under the bar; lanes and captions hidden at an unanswered question.
  const [exOpen, setExOpen] = useState(!!exercise);
  const [quizHidden, setQuizHidden] = useState(false);
  useEffect(() => {
    if (exercise) setExOpen(true);
  }, [exercise]);
  const exRef = useRef(onExercise);
  exRef.current = onExercise;
  const reportExercise = useCallback((l: ExerciseLink | null) => exRef.current?.(l), []);
  const goRunStep = useCallback((v: Version, index: number) => liveRef.current.goStep(v, index + 1), []);
  const command = runs['6.1']?.op.command ?? `insmod ${mod?.fileName ?? ''} ${args}`;

  return (
    <div
      className="compare-view"
      hidden={!active}
      data-testid="compare-view"
      data-busy={ready ? 'no' : 'yes'}
      data-quiz={quizHidden ? 'hidden' : undefined}
    >
      <div className="cmp-bar card">
        <div className="cmp-bar-row">
          <strong>{command}</strong>
          <span className="muted small">on both modelled kernels</span>
          <label className="cmp-args">
            <span className="muted">parameters</span>
            <input
              data-testid="compare-args"
              value={argsDraft}
              onChange={(e) => setArgsDraft(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && setArgs(argsDraft.trim())}
              spellCheck={false}
            />
          </label>
          <button className="btn" data-testid="compare-reload" disabled={busy || !mod} onClick={() => setArgs(argsDraft.trim())}>
            Load again
          </button>
          <button
            type="button"
            className="btn ghost"
            aria-pressed={exOpen}
            onClick={() => setExOpen(!exOpen)}
            data-testid="exercise-toggle"
            title="Exercise: predict who does each stage and which syscall comes next, then see it"
          >
            ✎ Exercise
          </button>
          <span className="spacer" />
          {runs['2.4'] && runs['6.1'] && (
            <span className="muted small" data-testid="compare-results">
              2.4: {runs['2.4'].op.result === 0 ? 'loaded' : `failed (${runs['2.4'].op.result})`} in {runs['2.4'].steps.length} steps · 6.1:{' '}
              {runs['6.1'].op.result === 0 ? 'loaded' : `failed (${runs['6.1'].op.result})`} in {runs['6.1'].steps.length} steps
            </span>
          )}
        </div>
        <div className="cmp-bar-row cmp-scrub" data-testid="stage-scrubber">
          <button
            className="btn ghost"
            aria-label="Both kernels: previous stage"
            data-testid="stage-prev"
            onClick={() => byStage(-1)}
            disabled={!ready}
          >
            ◀
          </button>
          {stages.map((st, i) => (
            <button
              key={st}
              className={`cmp-stage-btn${shared === st ? ' active' : ''}${!shared && i === lockIndex ? ' partial' : ''}`}
              data-testid={`stage-${st}`}
              aria-pressed={shared === st}
              disabled={!ready}
              onClick={() => toStage(st)}
            >
              {STAGE_LABEL[st]}
            </button>
          ))}
          <button className="btn ghost" aria-label="Both kernels: next stage" data-testid="stage-next" onClick={() => byStage(1)} disabled={!ready}>
            ▶
          </button>
          <span className="spacer" />
          {VERSIONS.map((v) => (
            <span key={v} className="cmp-per-kernel">
              <span className="muted small">{v}</span>
              <button
                className="btn ghost"
                aria-label={`${v}: previous step`}
                data-testid={`step-prev-${v}`}
                onClick={() => stepBy(v, -1)}
                disabled={!ready}
              >
                ←
              </button>
              <span className="small" data-testid={`step-count-${v}`}>
                {lit[v] + 1}/{runs[v]?.steps.length ?? 0}
              </span>
              <button
                className="btn ghost"
                aria-label={`${v}: next step`}
                data-testid={`step-next-${v}`}
                onClick={() => stepBy(v, 1)}
                disabled={!ready}
              >
                →
              </button>
            </span>
          ))}
        </div>
        <div className="cmp-help muted small" data-testid="compare-help">
          ←/→ both kernels, stage by stage (each to its first step of the stage) · Shift+←/→ 2.4 step by step · Alt+←/→ 6.1 step by step · click a
          step to move that kernel there · the same .ko through both: 2.4 would have used a .o, so .modinfo, __versions and .gnu.linkonce.this_module
          mean nothing to it
        </div>
      </div>
      {mod && exOpen && (
        <CompareExercise
          host={host}
          mod={mod}
          args={args}
          runs={runs}
          ready={ready}
          goStep={goRunStep}
          onError={onError}
          want={exercise}
          onClose={() => setExOpen(false)}
          onHidden={setQuizHidden}
          onLink={reportExercise}
        />
      )}
      <div className="cmp-stage-area card" data-testid="compare-lanes" data-export="compare-lanes">
        {VERSIONS.map((v) => (
          <div key={v} className="cmp-kernel-row">
            <div className="cmp-lanes-box" ref={v === '2.4' ? lanesRef : undefined}>
              {layouts[v] ? (
                <PathLanes layout={layouts[v]!} lit={lit[v]} onPick={pick} />
              ) : (
                <div className="empty small">{busy ? 'Booting both kernels and loading the module…' : 'Open a module.'}</div>
              )}
            </div>
            <div className="cmp-mem-card" data-testid={`compare-mem-${v}`}>
              <h4>
                where the image lands <span className="muted small">{views[v] ? `Linux ${v}, position ${views[v]!.pos}` : ''}</span>
              </h4>
              <MemoryStrip version={v} view={views[v]} />
            </div>
          </div>
        ))}
      </div>
      <div className="cmp-under" data-testid="compare-detail" data-export="compare-detail">
        {VERSIONS.map((v) => (
          <div key={v} className="cmp-col-under">
            <Caption version={v} step={stepOf(v)} pagers={pagers} lessons={lessonLinks(v)} />
          </div>
        ))}
      </div>
      <SyscallTable used={used} />
    </div>
  );
}
