/**
 * Generate an exercise from a real trace: boot a fresh modelled kernel (nokaslr, so positions match
 * a trace link replaying the same commands), load the dependencies and the module through the shell,
 * read candidate questions of every requested kind off the timeline, and pick a seeded spread.
 */
import type { KernelVersion } from '../trace/types';
import { attachCpu } from '../cpu/attach';
import type { Decoder } from '../cpu/types';
import { ModelKernel } from '../kernel/model';
import type { KernelProfile } from '../kernel/profile';
import { boot24 } from '../linux24/session24';
import { Shell24 } from '../linux24/shell24';
import { tagLanes61 } from '../load/lanes-61';
import { Shell } from '../shell/index';
import type { OperationInfo } from '../trace/types';
import { compareQuestions } from './kinds-compare';
import { cpuQuestions } from './kinds-cpu';
import { layoutQuestions, relocationQuestions, resolutionQuestions } from './kinds-load';
import { checksQuestions, parameterQuestions, printkQuestions, refcountQuestions, ringQuestions } from './kinds-run';
import { pickSpread, quizPrng } from './seed';
import type { Candidate } from './trace-walk';
import { QUIZ_KINDS, type Quiz, type QuizKind } from './types';

export interface QuizFile {
  name: string;
  bytes: Uint8Array;
}

export interface QuizInput {
  profile: KernelProfile;
  /** With a decoder init runs on the CPU model (needed for 'cpu' questions and init's printk). */
  decoder: Decoder | null;
  module: QuizFile;
  args: string;
  /** Loaded first, in order. */
  deps: QuizFile[];
  seed: number;
  student: string;
  count: number;
  kinds: QuizKind[];
  /** The kernel most questions are asked on; 'compare' always runs both. */
  kernel: KernelVersion;
}

export const MAX_QUESTIONS = 100;

export class QuizError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export function validateQuizInput(i: QuizInput): void {
  if (!Number.isInteger(i.seed) || i.seed < 0 || i.seed > 0xffffffff)
    throw new QuizError(`seed must be an integer in [0, 4294967295], got ${i.seed}`, 'seed');
  if (!Number.isInteger(i.count) || i.count < 1 || i.count > MAX_QUESTIONS)
    throw new QuizError(`count must be an integer in [1, ${MAX_QUESTIONS}], got ${i.count}`, 'count');
  const bad = i.kinds.find((k) => !QUIZ_KINDS.includes(k));
  if (bad !== undefined) throw new QuizError(`unknown question kind "${bad}" (kinds: ${QUIZ_KINDS.join(', ')})`, 'kinds');
  if (i.student.length > 200) throw new QuizError('student must be at most 200 characters', 'student');
}

function commandLine(file: string, args: string): string {
  return `insmod ${file}${args.trim() ? ` ${args.trim()}` : ''}`;
}

export function generateQuiz(i: QuizInput): Quiz {
  validateQuizInput(i);
  const kinds = i.kinds.length ? [...new Set(i.kinds)] : [...QUIZ_KINDS];
  const want = new Set(kinds);
  const rng = quizPrng(i.seed, i.student);
  const files = new Map([...i.deps, i.module].map((f) => [f.name, f.bytes]));
  const lookup = (path: string): Uint8Array | null => files.get(path.split('/').pop() ?? path) ?? null;
  const byKind = new Map<QuizKind, Candidate[]>();
  const add = (c: Candidate[]): void => {
    for (const q of c) if (want.has(q.kind)) byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), q]);
  };
  const available: Quiz['available'] = {};
  const commands: string[] = [];
  const commands24: string[] = [];

  // Linux 2.4: modutils' insmod (for 'compare', and every question when asked on 2.4).
  let run24: { k: ModelKernel; op: OperationInfo } | null = null;
  if (i.kernel === '2.4' || want.has('compare')) {
    const K = boot24(i.profile, i.decoder);
    const sh = new Shell24(K, lookup);
    for (const f of [...i.deps, i.module]) {
      const line = commandLine(f.name, f === i.module ? i.args : '');
      commands24.push(line);
      const before = K.k.timeline.ops.length;
      sh.run(line);
      const op = K.k.timeline.ops[before];
      if (f === i.module && op) run24 = { k: K.k, op };
    }
  }

  let run61: { k: ModelKernel; op: OperationInfo } | null = null;
  if (i.kernel === '6.1') {
    const k = new ModelKernel(i.profile, { paging: 4, kaslrSeed: null });
    if (i.decoder) attachCpu(k, i.decoder);
    const sh = new Shell(k, lookup);
    const run = (line: string): { output: string; exit: number } => {
      commands.push(line);
      const before = k.timeline.ops.length;
      const r = sh.run(line);
      tagLanes61(k.timeline, before);
      return r;
    };
    const ops: OperationInfo[] = [];
    for (const f of [...i.deps, i.module]) {
      const before = k.timeline.ops.length;
      run(commandLine(f.name, f === i.module ? i.args : ''));
      const op = k.timeline.ops[before];
      if (op) ops.push(op);
    }
    const op = ops[ops.length - 1];
    if (!op) throw new QuizError(`insmod ${i.module.name} did not run`, 'module');
    run61 = { k, op };
    const reloc = relocationQuestions(k, op, rng, '6.1');
    available.relocation = reloc.total;
    add(reloc.items);
    const layout = layoutQuestions(k, op);
    available.layout = layout.total;
    add(layout.items);
    const res = resolutionQuestions(k, op, rng);
    available.resolution = res.total;
    add(res.items);
    add(checksQuestions(k, op, i.module.name, '6.1'));
    if (want.has('parameters')) add(parameterQuestions(k, op, k.modules.find((m) => m.loadedAt >= op.startPos)?.name ?? '', run));
    add(printkQuestions(k, op, rng, '6.1'));
    if (want.has('printk')) add(ringQuestions(k, op, run));
    add(cpuQuestions(k, op, rng, '6.1'));
    // Last: rmmod changes the module list.
    if (want.has('refcount')) add(refcountQuestions(k, ops, run));
  } else if (run24) {
    const reloc = relocationQuestions(run24.k, run24.op, rng, '2.4');
    available.relocation = reloc.total;
    add(reloc.items);
    add(checksQuestions(run24.k, run24.op, i.module.name, '2.4'));
    add(printkQuestions(run24.k, run24.op, rng, '2.4'));
    add(cpuQuestions(run24.k, run24.op, rng, '2.4'));
  }
  if (want.has('compare')) {
    const runs = [run24 && { kernel: '2.4' as const, ...run24 }, run61 && { kernel: '6.1' as const, ...run61 }].filter((r) => r !== null);
    add(compareQuestions(runs));
  }
  for (const k of kinds) available[k] = Math.max(available[k] ?? 0, byKind.get(k)?.length ?? 0);
  for (const k of Object.keys(available) as QuizKind[]) if (!want.has(k)) delete available[k];
  // Candidates in a fixed order first, so the pick depends on the seed alone.
  for (const [k, xs] of byKind)
    byKind.set(
      k,
      xs.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    );
  const picked = pickSpread(rng, byKind, i.count);
  return {
    module: i.module.name,
    args: i.args.trim(),
    seed: i.seed,
    student: i.student,
    kernel: i.kernel,
    commands,
    commands24,
    kinds,
    available,
    questions: picked.map((q, n) => ({ n: n + 1, ...q })),
  };
}
