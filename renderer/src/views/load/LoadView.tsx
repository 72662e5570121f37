/**
 * The Load view: boot the modelled Linux 6.1 kernel, insmod the open module, and walk the load
 * step by step (or relocation by relocation) with every pane a function of the timeline position.
 *
 * Stays mounted while other tabs are shown (`active` false hides it), so the kernel session,
 * cursor and shell transcript survive a look at the Sections or Hex view.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  EngineError,
  KernelSummary,
  ModuleOverview,
  ModuleTreeInfo,
  OperationInfo,
  Result,
  ShellAnswer,
  StepInfo,
} from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { LoadControls, type BootOptions } from './LoadControls';
import { Scrubber } from './Scrubber';
import { StepsList } from './StepsList';
import { StepCaption } from './StepCaption';
import { MemoryMap } from './MemoryMap';
import { ItemPanel } from './ItemPanel';
import { LoadFlowPanel } from './LoadFlow';
import { CpuPanel } from './CpuPanel';
import { ModulesPane } from './KernelPanes';
import { LogTabs } from '../ringbuffer/LogTabs';
import { ShellPane, type ShellEntry } from './ShellPane';
import { ModuleTreePicker } from './ModuleTreePicker';
import { ModuleTreePickError, treeFromFiles, treeFromUrl, treeUrlFromLocation, type ModuleTreeSource } from '../../lib/module-tree';
import { stepIndexAt } from './loadFormat';
import { useKernelTimeline } from './useKernelTimeline';
import { kernelGeneration, useKernelGeneration } from '../../host/kernelGeneration';
import { ExportMenu } from '../../export/ExportMenu';
import { PresentBar } from '../../present/PresentBar';
import { usePresentation } from '../../present/usePresentation';
import { useTraceLink } from '../../present/useTraceLink';
import type { TraceLink } from '../../present/link';
import type { SeeTarget } from '../find/seeApplied';
import { GotoAddress } from './GotoAddress';
import { LoadExercise } from '../../exercise/LoadExercise';
import type { ExerciseLink } from '../../present/appLink';
import './load.css';
import { defaultArgs, fetchProfile } from '../../lib/samples';

const NONE: never[] = [];
/** The scrubber's props change with the cursor, not with the engine's answer: skip that second render. */
const ScrubberMemo = memo(Scrubber);
/** The item cards' props change with the engine's answer, not with the cursor: skip the render before it. */
const ItemPanelMemo = memo(ItemPanel);
const CpuPanelMemo = memo(CpuPanel);
/** The boot/insmod controls take nothing a seek changes: a seek re-renders none of their inputs. */
const LoadControlsMemo = memo(LoadControls);

/** Keys typed into these go to the element, not to the timeline. */
function typingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') return (t as HTMLInputElement).type !== 'range' && (t as HTMLInputElement).type !== 'checkbox';
  return t.getAttribute('role') === 'tab';
}

export function LoadView({
  mod,
  host,
  active,
  onError,
  link = null,
  see = null,
  exercise = null,
  onExercise,
}: {
  /** A link's exercise (seed, student, arguments): the exercise card opens and starts it. */
  exercise?: ExerciseLink | null;
  /** The running exercise, for the page's link. */
  onExercise?: (l: ExerciseLink | null) => void;
  /** An item of the open file to show applied/resolved: boot and insmod first when needed. */
  see?: SeeTarget | null;
  mod: ModuleOverview | null;
  host: Host;
  active: boolean;
  /** A trace to reproduce on start (URL fragment or the last run): boot, its commands, its position. */
  link?: TraceLink | null;
  /** Show an engine error in the app's banner (null clears it). */
  onError: (e: EngineError | null) => void;
}) {
  const [kernel, setKernel] = useState<KernelSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [args, setArgs] = useState(defaultArgs(mod));
  const [syscall, setSyscall] = useState<'finit_module' | 'init_module'>('finit_module');
  const [rmName, setRmName] = useState(mod?.thisModule?.name ?? '');
  const [transcript, setTranscript] = useState<ShellEntry[]>([]);
  const profile = useRef<Uint8Array | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const errRef = useRef(onError);
  errRef.current = onError;
  const reportError = useCallback((e: EngineError) => errRef.current(e), []);
  const { timeline, pos, view, seek, target, refresh, reset } = useKernelTimeline(host, reportError);

  // A 6.1 boot made elsewhere (a tour, the comparison) replaced the kernel and its timeline: show
  // the new kernel, and read its timeline once this view is shown (a tour's setup runs after its boot).
  const generation = useKernelGeneration();
  const ownBoots = useRef({ booting: false, upTo: kernelGeneration().n });
  const [stale, setStale] = useState(false);
  useEffect(() => {
    const own = ownBoots.current;
    const k = generation.kernel;
    if (own.booting || generation.n <= own.upTo || !k) return;
    own.upTo = generation.n;
    setKernel(k);
    reset();
    setTranscript((t) => [
      ...t,
      { line: `booted ${k.release} again from another tab: the timeline is the new kernel's`, output: '', exit: null, note: true },
    ]);
    setStale(true);
  }, [generation, reset]);

  // A newly opened module brings its own defaults (the kernel and its timeline stay).
  const modId = mod?.id;
  useEffect(() => {
    setArgs(defaultArgs(mod));
    setRmName(mod?.thisModule?.name ?? '');
  }, [modId]);

  const stepIndex = stepIndexAt(timeline.steps, pos);
  const step = timeline.steps[stepIndex];

  // Relative moves count from the newest position asked for (target()), not the one drawn: a key held down moves on
  // while the answers are on their way.
  const stepBy = useCallback(
    (delta: number) => {
      const steps = timeline.steps;
      const pos = target();
      const i = stepIndexAt(steps, pos);
      if (i < 0) return;
      if (delta < 0) {
        // Inside a block, "previous step" first goes back to the block's start.
        if (pos > steps[i].pos) seek(steps[i].pos);
        else if (i > 0) seek(steps[i - 1].pos);
      } else if (i + 1 < steps.length) seek(steps[i + 1].pos);
    },
    [timeline.steps, target, seek],
  );

  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typingTarget(e.target) || timeline.length === 0) return;
      const k = e.key;
      if (k === 'ArrowRight') seek(target() + 1);
      else if (k === 'ArrowLeft') seek(target() - 1);
      else if (k === 'ArrowDown' || k === 'PageDown') stepBy(1);
      else if (k === 'ArrowUp' || k === 'PageUp') stepBy(-1);
      else if (k === 'Home') seek(0);
      else if (k === 'End') seek(timeline.length - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, target, seek, stepBy, timeline.length]);

  const afterOp = useCallback(
    async (op: OperationInfo | undefined, where: 'start' | 'end') => {
      const t = await refresh();
      if (!t || t.length === 0) return;
      if (!op) seek(t.length - 1);
      else seek(where === 'start' ? op.startPos : Math.max(op.startPos, op.endPos - 1));
      rootRef.current?.focus({ preventScroll: true });
    },
    [refresh, seek],
  );

  const boot = useCallback(
    async (o: BootOptions) => {
      setBusy(true);
      try {
        if (!profile.current) {
          profile.current = await fetchProfile();
        }
        // The engine keeps the parsed profile: send the bytes only until a boot has worked.
        ownBoots.current.booting = true;
        const r = await host
          .call('kernel.boot', { profile: kernel ? undefined : profile.current, paging: o.paging, kaslrSeed: o.kaslrSeed })
          .finally(() => {
            ownBoots.current = { booting: false, upTo: kernelGeneration().n };
          });
        if (!r.ok) return errRef.current(r.error);
        errRef.current(null);
        setKernel(r.value);
        reset();
        setTranscript((t) => [
          ...t,
          {
            line: `booted ${r.value.release}, ${r.value.paging}-level paging, ${r.value.kaslr ? `KASLR seed ${r.value.seed}` : 'nokaslr'}`,
            output: '',
            exit: null,
            note: true,
          },
        ]);
        await refresh();
      } catch (e) {
        errRef.current({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
      } finally {
        setBusy(false);
      }
    },
    [host, kernel, refresh, reset],
  );

  useEffect(() => {
    if (!active || !stale || busy) return;
    setStale(false);
    void refresh().then((t) => {
      if (t && t.length > 0) seek(t.length - 1);
    });
  }, [active, stale, busy, refresh, seek]);

  const record = (line: string, op: OperationInfo) =>
    setTranscript((t) => [
      ...t,
      { line, output: op.output.join('\n'), exit: op.end?.kind === 'killed' ? op.end.exitStatus : op.result === 0 ? 0 : 1 },
    ]);

  /**
   * insmod/rmmod from the controls: busy until the view has moved to the operation, so a key pressed
   * meanwhile is not undone by that seek; the command and its output go into the transcript.
   */
  const runOp = useCallback(
    async (call: () => Promise<Result<OperationInfo>>) => {
      setBusy(true);
      try {
        const r = await call();
        if (!r.ok) return errRef.current(r.error);
        errRef.current(null);
        record(r.value.command, r.value);
        await afterOp(r.value, 'start');
      } finally {
        setBusy(false);
      }
    },
    [afterOp],
  );

  const insmod = useCallback(async () => {
    if (!mod) return;
    await runOp(() => host.call('kernel.load', { id: mod.id, args, syscall }));
  }, [host, mod, args, syscall, runOp]);

  const rmmod = useCallback(() => runOp(() => host.call('kernel.unload', { name: rmName.trim() })), [host, rmName, runOp]);

  // A module tree for the shell's modprobe (kernel.modtree): its files are read only when a line needs them.
  const [tree, setTree] = useState<ModuleTreeInfo | null>(null);
  const treeSrc = useRef<ModuleTreeSource | null>(null);
  const treeNote = (info: ModuleTreeInfo) =>
    setTranscript((t) => [
      ...t,
      {
        line: `module tree ${info.label || info.root}: ${info.modules.toLocaleString('en-US')} modules as ${info.root}`,
        output: '',
        exit: null,
        note: true,
      },
    ]);
  const applyTree = useCallback(
    async (get: () => Promise<ModuleTreeSource>) => {
      setBusy(true);
      try {
        const src = await get();
        const r = await host.call('kernel.modtree', src.request);
        if (!r.ok) return errRef.current(r.error);
        treeSrc.current = src;
        setTree(r.value);
        if (r.value) treeNote(r.value);
      } catch (e) {
        errRef.current({ code: e instanceof ModuleTreePickError ? 'BAD_REQUEST' : 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
      } finally {
        setBusy(false);
      }
    },
    [host],
  );
  const pickTreeFiles = useCallback((files: FileList) => applyTree(() => treeFromFiles(files)), [applyTree]);
  // A tree the server offers (modscope serve --modules DIR: ?modules=/modtree/), given once a kernel is booted (the engine keeps it across boots).
  const served = useRef(typeof window === 'undefined' ? null : treeUrlFromLocation(window.location.search));
  useEffect(() => {
    const url = served.current;
    if (!url || !kernel || treeSrc.current) return;
    served.current = null;
    void applyTree(() => treeFromUrl(url));
  }, [kernel, applyTree]);
  const pickTreeNative = useCallback(async () => {
    if (!host.pickModuleTree) return;
    const r = await host.pickModuleTree();
    if (!r.ok) return errRef.current(r.error);
    if (!r.value) return;
    treeSrc.current = null;
    setTree(r.value);
    treeNote(r.value);
  }, [host]);

  /** kernel.shell, handing over the module tree's files the line needs (a few rounds for modprobe's dependency walk). */
  const shellCall = useCallback(
    async (line: string): Promise<Result<ShellAnswer>> => {
      let r = await host.call('kernel.shell', { line });
      for (let round = 0; round < 64 && r.ok && r.value.needs; round++) {
        const src = treeSrc.current;
        if (!src) return { ok: false, error: { code: 'BAD_REQUEST', message: 'the module tree is not readable here: pick it again' } };
        const files: { path: string; bytes: Uint8Array }[] = [];
        for (const path of r.value.needs) {
          const bytes = await src.read(path);
          if (!bytes) return { ok: false, error: { code: 'BAD_REQUEST', message: `${src.label}/${path} cannot be read`, field: 'files' } };
          files.push({ path, bytes });
        }
        r = await host.call('kernel.shell', { line, files });
      }
      return r;
    },
    [host],
  );

  const shell = useCallback(
    async (line: string) => {
      setBusy(true);
      try {
        const r = await shellCall(line);
        if (!r.ok) {
          setTranscript((t) => [...t, { line, output: '', exit: null, error: `${r.error.code}: ${r.error.message}` }]);
          return errRef.current(r.error);
        }
        errRef.current(null);
        setTranscript((t) => [...t, { line, output: r.value.output, exit: r.value.exit }]);
        const ops = r.value.ops;
        if (ops.length) await afterOp(ops[ops.length - 1], 'end');
        else await refresh();
      } finally {
        setBusy(false);
      }
    },
    [shellCall, afterOp, refresh],
  );

  // "See it applied": boot the default kernel (4-level, nokaslr) if none, insmod the open module if
  // this item was never applied, then land on its step; say what was done to get there.
  const seeDone = useRef(0);
  const [landing, setLanding] = useState<{ label: string; did: string[]; pos: number } | null>(null);
  useEffect(() => {
    if (!see || !mod || busy || see.seq === seeDone.current) return;
    seeDone.current = see.seq;
    const name = mod.thisModule?.name ?? mod.fileName.replace(/\.ko(\..*)?$/, '');
    void (async () => {
      const did: string[] = [];
      if (!kernel) {
        await boot({ paging: 4, kaslrSeed: null });
        did.push('booted the default kernel');
      }
      let f = await host.call('kernel.find', { module: name, target: see.target });
      if (f.ok && !f.value) {
        await insmod();
        did.push(`ran insmod ${mod.fileName}${args ? ` ${args}` : ''}`);
        f = await host.call('kernel.find', { module: name, target: see.target });
      }
      if (!f.ok) return errRef.current(f.error);
      if (!f.value) {
        setLanding({ label: see.label, did: [...did, `the load stopped before ${see.label}: the steps say why`], pos: -1 });
        return;
      }
      await refresh();
      seek(f.value.pos);
      setLanding({ label: see.label, did, pos: f.value.pos });
    })();
  }, [see, mod, busy, kernel, boot, insmod, host, args, refresh, seek]);

  const pickStep = useCallback((s: StepInfo) => seek(s.pos), [seek]);
  const onBoot = useCallback((o: BootOptions) => void boot(o), [boot]);
  const onInsmod = useCallback(() => void insmod(), [insmod]);
  const onRmmod = useCallback(() => void rmmod(), [rmmod]);
  // The shell pane is memoised: its children (the tree picker) stay the same element while a seek re-renders this view.
  const noKernel = !kernel;
  const nativeTree = !!host.pickModuleTree;
  const treePicker = useMemo(
    () => (
      <ModuleTreePicker
        tree={tree}
        disabled={noKernel || busy}
        native={nativeTree}
        onFiles={(f) => void pickTreeFiles(f)}
        onNative={() => void pickTreeNative()}
      />
    ),
    [tree, noKernel, busy, nativeTree, pickTreeFiles, pickTreeNative],
  );
  const runShell = useCallback((l: string) => void shell(l), [shell]);

  // The exercise (renderer/src/exercise): its card above the caption; the view hidden at an unanswered question.
  const [exOpen, setExOpen] = useState(!!exercise);
  const [quizHidden, setQuizHidden] = useState(false);
  const [exLink, setExLink] = useState<ExerciseLink | null>(null);
  const exRef = useRef(onExercise);
  exRef.current = onExercise;
  const reportExercise = useCallback((l: ExerciseLink | null) => {
    setExLink(l);
    exRef.current?.(l);
  }, []);
  useEffect(() => {
    if (exercise) setExOpen(true);
  }, [exercise]);
  const note = useCallback((line: string) => setTranscript((t) => [...t, { line, output: '', exit: null, note: true }]), []);
  const bootDefault = useCallback(() => boot({ paging: 4, kaslrSeed: null }), [boot]);

  const fresh = view && step && view.step.pos === step.pos && view.step.op === step.op ? view : null;
  const item = fresh?.item ?? null;
  const present = usePresentation({ active, steps: timeline.steps, pos, seek });
  useTraceLink({
    link,
    ready: !!mod,
    active: active && !exLink,
    busy,
    kernel,
    ops: timeline.ops,
    steps: timeline.steps,
    pos,
    actions: { boot, shell, seek },
  });
  // Place the file's sections in the temporary copy only when this operation loads the open file.
  const fileMod = mod && view && view.operation.command.split(/\s+/).some((w) => w.endsWith(mod.fileName)) ? mod : null;

  return (
    <div
      ref={rootRef}
      className="load-view"
      hidden={!active}
      tabIndex={-1}
      data-testid="load-view"
      data-busy={busy ? 'yes' : 'no'}
      data-quiz={quizHidden ? 'hidden' : undefined}
    >
      <LoadControlsMemo
        kernel={kernel}
        busy={busy}
        moduleName={mod?.fileName ?? '(no module open)'}
        args={args}
        onArgs={setArgs}
        syscall={syscall}
        onSyscall={setSyscall}
        rmName={rmName}
        onRmName={setRmName}
        onBoot={onBoot}
        onInsmod={onInsmod}
        onRmmod={onRmmod}
      />
      <ScrubberMemo steps={timeline.steps} length={timeline.length} pos={pos} stepIndex={stepIndex} onSeek={seek} onStep={stepBy} />
      <div className="load-body">
        <StepsList steps={timeline.steps} ops={timeline.ops} current={stepIndex} onPick={pickStep} />
        <div className="load-center" data-testid="load-center">
          <PresentBar p={present} steps={timeline.steps} pos={pos} length={timeline.length}>
            <ExportMenu
              root={rootRef}
              steps={timeline.steps}
              pos={pos}
              length={timeline.length}
              viewPos={fresh?.pos ?? null}
              seek={seek}
              moduleName={mod?.fileName ?? 'module'}
              release={kernel?.release ?? ''}
            />
            <button
              type="button"
              className="btn ghost"
              aria-pressed={exOpen}
              onClick={() => setExOpen(!exOpen)}
              data-testid="exercise-toggle"
              title="Exercise: predict each step's result, then see it (seeded: a lecturer hands out a seed)"
            >
              ✎ Exercise
            </button>
          </PresentBar>
          {mod && exOpen && (
            <LoadExercise
              host={host}
              mod={mod}
              args={args}
              hasKernel={!!kernel}
              boot={bootDefault}
              refresh={refresh}
              seek={seek}
              note={note}
              onError={onError}
              want={exercise}
              onClose={() => setExOpen(false)}
              onHidden={setQuizHidden}
              onLink={reportExercise}
            />
          )}
          {landing && (
            <div className="card landing small" data-testid="see-landing" role="status">
              {landing.pos >= 0 ? (
                <>
                  Showing <strong>{landing.label}</strong>
                  {landing.did.length ? <> — {landing.did.join(', then ')} to get here.</> : ' in the load already in the timeline.'}{' '}
                  {pos !== landing.pos && (
                    <button className="btn small" onClick={() => seek(landing.pos)} data-testid="see-back">
                      back to it
                    </button>
                  )}
                </>
              ) : (
                <>{landing.did.join(', then ')}.</>
              )}
              <button className="btn ghost small" aria-label="Dismiss" onClick={() => setLanding(null)}>
                ✕
              </button>
            </div>
          )}
          <StepCaption step={step} pos={pos} view={view} />
          <LoadFlowPanel steps={timeline.steps} stepIndex={stepIndex} onPick={pickStep} />
          {item && fresh && item.kind === 'instruction' && (
            <CpuPanelMemo item={item} pos={fresh.pos} base={fresh.step.pos} host={host} onSeek={seek} onError={reportError} />
          )}
          {item && fresh && item.kind !== 'instruction' && (
            <ItemPanelMemo item={item} pos={fresh.pos} host={host} onError={reportError} step={fresh.step} onSeek={seek} />
          )}
          {kernel && <GotoAddress host={host} pos={fresh?.pos ?? null} onSeek={seek} onError={reportError} />}
          {kernel ? <MemoryMap kernel={kernel} view={view} mod={fileMod} /> : <div className="card empty small">Boot to see the address space.</div>}
        </div>
        <div className="load-side">
          <ModulesPane modules={view?.modules ?? NONE} taints={view?.taints ?? ''} />
          <LogTabs log={view?.log ?? NONE} currentLog={step?.log ?? NONE} host={host} pos={view ? view.pos : undefined} />
          <ShellPane transcript={transcript} busy={busy} disabled={!kernel} onRun={runShell}>
            {treePicker}
          </ShellPane>
        </div>
      </div>
    </div>
  );
}
