/**
 * Exercises: questions generated from a real trace of a real module, each with its exact answer
 * (read from the modelled kernel's timeline, shell or log) and the timeline position that reveals it.
 */
import type { KernelVersion } from '../trace/types';

export type QuizKind = 'relocation' | 'layout' | 'resolution' | 'checks' | 'parameters' | 'printk' | 'cpu' | 'compare' | 'refcount';

export const QUIZ_KINDS: readonly QuizKind[] = ['relocation', 'layout', 'resolution', 'checks', 'parameters', 'printk', 'cpu', 'compare', 'refcount'];

/** How a typed answer is compared with the key (check.ts). */
export type AnswerFormat = 'choice' | 'hex-bytes' | 'number' | 'text' | 'list';

export const ANSWER_FORMATS: readonly AnswerFormat[] = ['choice', 'hex-bytes', 'number', 'text', 'list'];

/** One thing the student answers; a question has one to three. */
export interface QuizPart {
  label: string;
  format: AnswerFormat;
  /** The key, as the trace gives it ("5b 05 e7 c0", "0x1000", "yes", "world"). */
  answer: string;
  /** For 'choice': what the student picks from (the answer is one of them). */
  choices?: string[];
}

/** Primitive facts a question is about (S, A, P, section, offset, register…), for --json and the sheet. */
export type QuizData = Record<string, string | number | boolean | null>;

export interface QuizQuestion {
  /** 1-based, in the order asked. */
  n: number;
  kind: QuizKind;
  /** Stable key of the fact asked about (same seed → same keys). */
  key: string;
  /** Which kernel's timeline `pos` is on. */
  kernel: KernelVersion;
  /** The timeline position whose step reveals the answer (on a fresh kernel after `Quiz.commands`). */
  pos: number;
  step: { index: number; number: number; fn: string; file: string; title: string; text: string };
  prompt: string;
  data: QuizData;
  parts: QuizPart[];
  /** Why the answer is what it is, in the kernel's words, with this trace's numbers. */
  explanation: string;
}

export interface QuizRequest {
  /** The opened module (engine session id). */
  id: string;
  /** insmod's name=value arguments. */
  args?: string;
  /** The lecturer's seed. */
  seed: number;
  /** Student name or number: mixed into the seed so every student gets a different, reproducible set. */
  student?: string;
  /** Questions wanted (default 10, at most 100). */
  count?: number;
  /** Kinds to draw from (default all). */
  kinds?: QuizKind[];
  /** Ids of other opened modules loaded first (dependencies), in order. */
  with?: string[];
  /** The kernel the questions are asked on (default 6.1); 'compare' questions use both. */
  kernel?: KernelVersion;
}

export interface Quiz {
  module: string;
  args: string;
  seed: number;
  student: string;
  kernel: KernelVersion;
  /** What the kernels ran before the questions were read off (reproduce the trace with these). */
  commands: string[];
  commands24: string[];
  kinds: QuizKind[];
  /** How many questions of each kind the trace offered. */
  available: Partial<Record<QuizKind, number>>;
  questions: QuizQuestion[];
}

/** quiz.check: the parts' keys (as quiz.generate gave them) and the student's answers, one per part. */
export interface QuizCheckRequest {
  parts: Pick<QuizPart, 'format' | 'answer'>[];
  given: string[];
}

/** Which parts are right; the question counts only when every part is. */
export interface QuizMarked {
  parts: boolean[];
  correct: boolean;
}

/** quiz.sheet: the exercise in Markdown, without and with its answers. */
export interface QuizSheet {
  sheet: string;
  key: string;
}
