/**
 * The exercise on the Load view. Starting boots a fresh 6.1 kernel as quiz.generate does (4-level
 * paging, nokaslr) and replays the quiz's commands through the engine's shell — without their output
 * in the transcript, since `cat` and `lsmod` would give answers away — so every question's position
 * is a position of this view's timeline. At a question the view sits on its step, hidden (the Load
 * view blurs everything but this card) until the student has answered.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { EngineError, ModuleOverview, Quiz, QuizQuestion, StepInfo } from '../../../engine/api-types';
import type { Host } from '../host/host';
import type { ExerciseLink } from '../present/appLink';
import { stepIndexAt } from '../views/load/loadFormat';
import { ExerciseCard } from './ExerciseCard';
import { LOAD_KINDS, randomSeed } from './kinds';
import { useExercise, type ExerciseDriver, type ExerciseSetup } from './useExercise';

interface TimelineLike {
  length: number;
  steps: StepInfo[];
}

/** The step at the question's position is the one the question names (else: why not). */
export function revealProblem(q: QuizQuestion, steps: StepInfo[]): string | null {
  const s = steps[stepIndexAt(steps, q.pos)];
  if (s && s.fn === q.step.fn && s.title === q.step.title) return null;
  return (
    `position ${q.pos} of this timeline is ${s ? `${s.fn}() — ${s.title}` : 'not there'}, not the question's ${q.step.fn}() — ${q.step.title}: ` +
    'the trace replayed here differs from the one the questions were read off'
  );
}

export function LoadExercise({
  host,
  mod,
  args,
  hasKernel,
  boot,
  refresh,
  seek,
  note,
  onError,
  want,
  onClose,
  onHidden,
  onLink,
}: {
  host: Host;
  mod: ModuleOverview;
  args: string;
  hasKernel: boolean;
  boot: () => Promise<void>;
  refresh: () => Promise<TimelineLike | null>;
  seek: (pos: number) => void;
  /** A line in the shell transcript. */
  note: (line: string) => void;
  onError: (e: EngineError | null) => void;
  /** A link's exercise: start it once the module is open. */
  want: ExerciseLink | null;
  onClose: () => void;
  /** The view hides the step (a question not yet answered). */
  onHidden: (hidden: boolean) => void;
  /** The running exercise, for the page's link (null: none). */
  onLink: (l: ExerciseLink | null) => void;
}) {
  const steps = useRef<StepInfo[]>([]);
  const kernelRef = useRef(hasKernel);
  kernelRef.current = hasKernel;
  const driver: ExerciseDriver = {
    async ready() {
      if (!kernelRef.current) await boot();
    },
    async prepare(quiz: Quiz) {
      await boot();
      for (const line of quiz.commands) {
        const r = await host.call('kernel.shell', { line });
        if (!r.ok) throw r.error;
      }
      note(
        `exercise, seed ${quiz.seed}${quiz.student ? ` (${quiz.student})` : ''}: replayed ${quiz.commands.map((c) => c.split(' ')[0]).join(', ')} — ` +
          'their output stays out of this transcript until you have answered',
      );
      const t = await refresh();
      steps.current = t?.steps ?? [];
    },
    async show(q: QuizQuestion) {
      seek(q.pos);
      return revealProblem(q, steps.current);
    },
  };
  const base = useMemo(() => ({ id: mod.id, args }), [mod.id, args]);
  const ex = useExercise(host, driver, onError, base);
  const { phase, quiz } = ex.state;

  useEffect(() => onHidden(phase === 'asking' || phase === 'preparing'), [phase, onHidden]);
  // Closed mid-exercise: the view is shown again and the link forgets the exercise.
  const off = useRef({ onHidden, onLink });
  off.current = { onHidden, onLink };
  useEffect(
    () => () => {
      off.current.onHidden(false);
      off.current.onLink(null);
    },
    [],
  );
  useEffect(() => {
    onLink(quiz && phase !== 'idle' ? { seed: quiz.seed, student: quiz.student, ...(quiz.args ? { args: quiz.args } : {}) } : null);
  }, [quiz, phase, onLink]);

  const initial = useMemo<ExerciseSetup>(
    () => ({
      seed: want?.seed ?? randomSeed(),
      student: want?.student ?? '',
      count: 10,
      kinds: LOAD_KINDS,
      ...(want?.args !== undefined ? { args: want.args } : {}),
    }),
    [want],
  );
  return (
    <ExerciseCard
      ex={ex}
      host={host}
      kinds={LOAD_KINDS}
      initial={initial}
      autoStart={want ? want.seed : null}
      note="Starting boots a fresh kernel (4-level paging, nokaslr) and loads the module as the questions were read off it; the timeline you had is replaced."
      onError={onError}
      onClose={() => {
        ex.stop();
        onClose();
      }}
    />
  );
}
