import type { FindTarget } from '../../../../engine/api-types';

/** "See it applied / resolved": an item of the open file to show on the Load tab (boot and insmod first if needed). */
export interface SeeTarget {
  target: FindTarget;
  /** What the user clicked, for messages: ".rela.init.text #3 (_printk)". */
  label: string;
  /** Bumped on every request so the same item asked twice is honoured twice. */
  seq: number;
}

export type SeeApplied = (target: FindTarget, label: string) => void;
