/** Reading a quiz kernel's timeline: an operation's steps, and a step as a question refers to it. */
import type { ModelKernel } from '../kernel/model';
import type { OperationInfo, StepInfo } from '../trace/types';
import type { QuizQuestion } from './types';

/** The steps of one operation, in order. */
export function opSteps(k: ModelKernel, op: OperationInfo): StepInfo[] {
  const out: StepInfo[] = [];
  for (let i = Math.max(0, k.timeline.indexAt(op.startPos)); i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op > op.index) break;
    if (s.op === op.index) out.push(s);
  }
  return out;
}

/** The step covering pos, as a question shows it once revealed (number counts from 1, as the app's timeline). */
export function stepRef(k: ModelKernel, pos: number): QuizQuestion['step'] {
  const index = k.timeline.indexAt(pos);
  const s = k.timeline.step(index);
  if (!s) throw new Error(`no step at position ${pos}`);
  return { index, number: index + 1, fn: s.fn, file: s.file, title: s.title, text: s.text };
}

/** "hello_init+0x1c/0x58 [hello]" → "hello_init". */
export function symbolName(where: string): string {
  return where.replace(/\s*\[.*\]$/, '').replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/i, '');
}

/** A 64-bit hex value without leading zeros: "0x0000000000001000" → "0x1000". */
export function shortHex(v: string | bigint | number): string {
  const n = typeof v === 'string' ? BigInt(v) : BigInt(v);
  return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

export type Candidate = Omit<QuizQuestion, 'n'>;
