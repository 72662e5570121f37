/**
 * The exercise on the comparison: 2.4 against 6.1 — which syscall insmod makes next on each path,
 * and who (user space or the kernel) does a stage. quiz.generate reads them off fresh kernels that
 * load the module first; the comparison's own runs are that same operation, so a question's
 * position, counted from the start of its operation, is a step of the run on its kernel. At a
 * question both kernels move to its stage, and the lanes and captions stay hidden until answered.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { EngineError, ModuleOverview, QuizQuestion, StepInfo } from '../../../engine/api-types';
import type { Host } from '../host/host';
import type { ExerciseLink } from '../present/appLink';
import { ExerciseCard } from './ExerciseCard';
import { COMPARE_KINDS, randomSeed } from './kinds';
import { useExercise, type ExerciseDriver, type ExerciseSetup } from './useExercise';

export interface CompareRunLike {
  op: { startPos: number; endPos: number };
  steps: StepInfo[];
}

/**
 * The step of the run a question reveals: the quiz's kernels ran the module's insmod first, so its
 * position counted from the operation's start is the same; the step there must be the question's.
 */
export function compareTarget(q: QuizQuestion, run: CompareRunLike | null): { index: number; problem: string | null } {
  if (!run) return { index: -1, problem: `Linux ${q.kernel} has not loaded the module yet` };
  const pos = run.op.startPos + q.pos;
  const index = run.steps.findIndex((s) => s.pos === pos);
  const s = run.steps[index];
  if (s && s.fn === q.step.fn && s.title === q.step.title) return { index, problem: null };
  return {
    index: -1,
    problem:
      `Linux ${q.kernel}'s load here has no step ${q.step.fn}() — ${q.step.title} at ${q.pos} steps' positions into the operation: ` +
      "the runs differ from the questions' trace",
  };
}

export function CompareExercise({
  host,
  mod,
  args,
  runs,
  ready,
  goStep,
  onError,
  want,
  onClose,
  onHidden,
  onLink,
}: {
  host: Host;
  mod: ModuleOverview;
  args: string;
  runs: Record<'2.4' | '6.1', CompareRunLike | null>;
  /** Both runs are in (both kernels booted: the engine holds the profile). */
  ready: boolean;
  /** Move the comparison to a step of a kernel's run (both kernels to its stage). */
  goStep: (version: '2.4' | '6.1', index: number) => void;
  onError: (e: EngineError | null) => void;
  want: ExerciseLink | null;
  onClose: () => void;
  onHidden: (hidden: boolean) => void;
  onLink: (l: ExerciseLink | null) => void;
}) {
  const live = useRef({ runs, ready, goStep });
  live.current = { runs, ready, goStep };
  const driver: ExerciseDriver = {
    async ready() {
      // The comparison boots both kernels and loads the module when shown: wait for it.
      for (let waited = 0; !live.current.ready; waited += 100) {
        if (waited > 120_000) throw { code: 'INTERNAL', message: 'the comparison did not finish loading the module in two minutes' };
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async prepare() {},
    async show(q: QuizQuestion) {
      const t = compareTarget(q, live.current.runs[q.kernel]);
      if (t.index >= 0) live.current.goStep(q.kernel, t.index);
      return t.problem;
    },
  };
  const base = useMemo(() => ({ id: mod.id, args }), [mod.id, args]);
  const ex = useExercise(host, driver, onError, base);
  const { phase, quiz } = ex.state;

  useEffect(() => onHidden(phase === 'asking' || phase === 'preparing'), [phase, onHidden]);
  const off = useRef({ onHidden, onLink });
  off.current = { onHidden, onLink };
  useEffect(
    () => () => {
      off.current.onHidden(false);
      off.current.onLink(null);
    },
    [],
  );
  useEffect(() => onLink(quiz && phase !== 'idle' ? { seed: quiz.seed, student: quiz.student } : null), [quiz, phase, onLink]);

  const initial = useMemo<ExerciseSetup>(
    () => ({ seed: want?.seed ?? randomSeed(), student: want?.student ?? '', count: 10, kinds: COMPARE_KINDS }),
    [want],
  );
  return (
    <ExerciseCard
      ex={ex}
      host={host}
      kinds={COMPARE_KINDS}
      initial={initial}
      autoStart={want ? want.seed : null}
      note={
        'Questions on both paths: which syscall insmod makes next, and who — user space or the kernel — does a stage. ' +
        "Both kernels move to each question's stage."
      }
      onError={onError}
      onClose={() => {
        ex.stop();
        onClose();
      }}
    />
  );
}
