/** The question kinds as the app names them, and which a tab can reveal on its own view. */
import type { QuizKind } from '../../../engine/api-types';

export const KIND_LABEL: Record<QuizKind, string> = {
  relocation: 'relocations',
  layout: 'layout',
  resolution: 'symbol resolution',
  checks: 'load checks',
  parameters: 'parameters',
  printk: 'printk',
  cpu: 'CPU',
  compare: '2.4 vs 6.1',
  refcount: 'refcounts',
};

/** Every kind (the Record above makes the compiler list them all). */
export const ALL_KINDS = Object.keys(KIND_LABEL) as QuizKind[];

/** The Load view shows 6.1's trace: every kind but the 2.4 comparison. */
export const LOAD_KINDS: QuizKind[] = ALL_KINDS.filter((k) => k !== 'compare');

/** The comparison shows both paths: who does a stage, which syscall comes next. */
export const COMPARE_KINDS: QuizKind[] = ['compare'];

/** A seed for a new exercise when none is given (the lecturer's is typed or comes in the link). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 10_000);
}
