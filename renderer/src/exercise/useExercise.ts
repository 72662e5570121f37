/**
 * An exercise on a tab: predict, then reveal. The questions come from the engine (quiz.generate, on
 * a fresh kernel of its own); the tab's driver replays the same trace and moves its view to each
 * question's step, hidden until the student has answered; quiz.check marks the answer; the step is
 * then shown with the explanation. A running score counts the questions marked right.
 */
import { useCallback, useRef, useState } from 'react';
import type { EngineError, Quiz, QuizKind, QuizMarked, QuizQuestion, QuizRequest } from '../../../engine/api-types';
import type { Host } from '../host/host';

/** What a tab does for an exercise. */
export interface ExerciseDriver {
  /** Make sure the engine holds a kernel profile (quiz.generate needs one): boot if needed. */
  ready(): Promise<void>;
  /** Put the tab's trace where the quiz's positions point (replay the quiz's commands on a fresh kernel). */
  prepare(quiz: Quiz): Promise<void>;
  /** Move the tab to the question's step; a problem (the step there is not the question's) comes back as text. */
  show(q: QuizQuestion): Promise<string | null>;
}

export type ExercisePhase = 'idle' | 'preparing' | 'asking' | 'revealed' | 'done';

export interface ExerciseSetup {
  seed: number;
  student: string;
  count: number;
  kinds: QuizKind[];
  /** insmod's arguments, when not the tab's own (a link's). */
  args?: string;
}

export interface ExerciseState {
  phase: ExercisePhase;
  quiz: Quiz | null;
  index: number;
  /** The student's answers, per question and part. */
  given: string[][];
  /** Marks, per question (null: not answered yet). */
  marks: (QuizMarked | null)[];
  /** The view is not on the question's step (said, not hidden). */
  problem: string | null;
  busy: boolean;
}

const IDLE: ExerciseState = { phase: 'idle', quiz: null, index: 0, given: [], marks: [], problem: null, busy: false };

/** Right answers so far, out of those marked. */
export function scoreOf(s: Pick<ExerciseState, 'marks'>): { right: number; marked: number } {
  const marked = s.marks.filter((m): m is QuizMarked => m !== null);
  return { right: marked.filter((m) => m.correct).length, marked: marked.length };
}

export type Exercise = ReturnType<typeof useExercise>;

export function useExercise(host: Host, driver: ExerciseDriver, onError: (e: EngineError | null) => void, base: { id: string; args: string } | null) {
  const [state, setState] = useState<ExerciseState>(IDLE);
  const stateRef = useRef(state);
  stateRef.current = state;
  const drv = useRef(driver);
  drv.current = driver;
  const errRef = useRef(onError);
  errRef.current = onError;
  const seq = useRef(0);

  const fail = useCallback((e: unknown) => {
    const err: EngineError =
      e && typeof e === 'object' && 'code' in e ? (e as EngineError) : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
    errRef.current(err);
  }, []);

  const request = useCallback(
    (setup: ExerciseSetup): QuizRequest | null =>
      base ? { id: base.id, args: setup.args ?? base.args, seed: setup.seed, student: setup.student, count: setup.count, kinds: setup.kinds } : null,
    [base],
  );

  /** The exercise for a setup (booting first if the engine has no profile yet); null after an error (shown). */
  const generate = useCallback(
    async (setup: ExerciseSetup): Promise<Quiz | null> => {
      const req = request(setup);
      if (!req) return null;
      await drv.current.ready();
      const r = await host.call('quiz.generate', req);
      if (!r.ok) {
        errRef.current(r.error);
        return null;
      }
      return r.value;
    },
    [host, request],
  );

  const goTo = useCallback(async (quiz: Quiz, index: number, phase: 'asking' | 'revealed', mySeq: number) => {
    const q = quiz.questions[index];
    setState((s) => ({ ...s, index, phase, busy: true, problem: null }));
    const problem = await drv.current.show(q);
    if (mySeq !== seq.current) return;
    setState((s) => ({ ...s, busy: false, problem }));
  }, []);

  const start = useCallback(
    async (setup: ExerciseSetup) => {
      const mySeq = ++seq.current;
      setState({ ...IDLE, phase: 'preparing', busy: true });
      try {
        const quiz = await generate(setup);
        if (mySeq !== seq.current) return;
        if (!quiz || quiz.questions.length === 0) {
          if (quiz) errRef.current({ code: 'BAD_REQUEST', message: `${quiz.module}'s trace offers no questions of the kinds chosen` });
          setState(IDLE);
          return;
        }
        await drv.current.prepare(quiz);
        if (mySeq !== seq.current) return;
        errRef.current(null);
        setState({
          ...IDLE,
          phase: 'asking',
          quiz,
          given: quiz.questions.map((q) => q.parts.map(() => '')),
          marks: quiz.questions.map(() => null),
          busy: true,
        });
        await goTo(quiz, 0, 'asking', mySeq);
      } catch (e) {
        if (mySeq !== seq.current) return;
        fail(e);
        setState(IDLE);
      }
    },
    [generate, goTo, fail],
  );

  const answer = useCallback((part: number, value: string) => {
    setState((s) => {
      if (s.phase !== 'asking') return s;
      const given = s.given.map((g, i) => (i === s.index ? g.map((v, j) => (j === part ? value : v)) : g));
      return { ...s, given };
    });
  }, []);

  /** Mark the current answer, then reveal the step. */
  const check = useCallback(async () => {
    const s = stateRef.current;
    const q = s.quiz?.questions[s.index];
    if (!s.quiz || !q || s.phase !== 'asking') return;
    const mySeq = seq.current;
    setState((o) => ({ ...o, busy: true }));
    const r = await host.call('quiz.check', { parts: q.parts.map((p) => ({ format: p.format, answer: p.answer })), given: s.given[s.index] });
    if (mySeq !== seq.current) return;
    if (!r.ok) {
      errRef.current(r.error);
      setState((o) => ({ ...o, busy: false }));
      return;
    }
    setState((o) => ({ ...o, marks: o.marks.map((m, i) => (i === o.index ? r.value : m)) }));
    await goTo(s.quiz, s.index, 'revealed', mySeq);
  }, [host, goTo]);

  /** The next question (or the summary after the last). */
  const next = useCallback(async () => {
    const s = stateRef.current;
    if (!s.quiz) return;
    const i = s.index + 1;
    if (i >= s.quiz.questions.length) {
      setState((o) => ({ ...o, phase: 'done', problem: null }));
      return;
    }
    await goTo(s.quiz, i, s.marks[i] ? 'revealed' : 'asking', seq.current);
  }, [goTo]);

  /** Back to a question: answered ones are shown revealed, the others asked. */
  const review = useCallback(
    async (i: number) => {
      const s = stateRef.current;
      if (!s.quiz || i < 0 || i >= s.quiz.questions.length) return;
      await goTo(s.quiz, i, s.marks[i] ? 'revealed' : 'asking', seq.current);
    },
    [goTo],
  );

  const stop = useCallback(() => {
    seq.current += 1;
    setState(IDLE);
  }, []);

  return { state, start, answer, check, next, review, stop, generate, request };
}
