/**
 * Taint flags (kernel/panic.c taint_flags[], include/linux/panic.h). Bit numbers and letters are
 * the kernel's; `lockdep` says whether add_taint() is called with LOCKDEP_NOW_UNRELIABLE, which
 * prints "Disabling lock debugging due to kernel taint" the first time.
 */
export interface TaintFlag {
  bit: number;
  letter: string;
  /** Shown when clear (only 'P' has one: 'G'). */
  clear: string;
  name: string;
  lockdep: boolean;
}

export const TAINTS: readonly TaintFlag[] = [
  { bit: 0, letter: 'P', clear: 'G', name: 'PROPRIETARY_MODULE', lockdep: true },
  { bit: 1, letter: 'F', clear: ' ', name: 'FORCED_MODULE', lockdep: true },
  { bit: 2, letter: 'S', clear: ' ', name: 'CPU_OUT_OF_SPEC', lockdep: false },
  { bit: 3, letter: 'R', clear: ' ', name: 'FORCED_RMMOD', lockdep: true },
  { bit: 4, letter: 'M', clear: ' ', name: 'MACHINE_CHECK', lockdep: false },
  { bit: 5, letter: 'B', clear: ' ', name: 'BAD_PAGE', lockdep: false },
  { bit: 6, letter: 'U', clear: ' ', name: 'USER', lockdep: false },
  { bit: 7, letter: 'D', clear: ' ', name: 'DIE', lockdep: false },
  { bit: 8, letter: 'A', clear: ' ', name: 'OVERRIDDEN_ACPI_TABLE', lockdep: false },
  { bit: 9, letter: 'W', clear: ' ', name: 'WARN', lockdep: false },
  { bit: 10, letter: 'C', clear: ' ', name: 'CRAP', lockdep: false },
  { bit: 11, letter: 'I', clear: ' ', name: 'FIRMWARE_WORKAROUND', lockdep: false },
  { bit: 12, letter: 'O', clear: ' ', name: 'OOT_MODULE', lockdep: false },
  { bit: 13, letter: 'E', clear: ' ', name: 'UNSIGNED_MODULE', lockdep: false },
  { bit: 14, letter: 'L', clear: ' ', name: 'SOFTLOCKUP', lockdep: false },
  { bit: 15, letter: 'K', clear: ' ', name: 'LIVEPATCH', lockdep: false },
  { bit: 16, letter: 'X', clear: ' ', name: 'AUX', lockdep: false },
  { bit: 17, letter: 'T', clear: ' ', name: 'RANDSTRUCT', lockdep: false },
  { bit: 18, letter: 'N', clear: ' ', name: 'TEST', lockdep: false },
];

export const TAINT_BY_LETTER: ReadonlyMap<string, TaintFlag> = new Map(TAINTS.map((t) => [t.letter, t]));

/** The module taint letters (entries with module=true in taint_flags[]), in bit order. */
const MODULE_TAINTS = 'PFCOEKXTN';

/** module_flags_taint(): the letters shown as "(OE)" in /proc/modules and /sys/module/M/taint. */
export function moduleTaintLetters(mask: number): string {
  let s = '';
  for (const t of TAINTS) if (MODULE_TAINTS.includes(t.letter) && mask & (1 << t.bit)) s += t.letter;
  return s;
}

/** The letters of every taint set in the kernel's mask, in bit order ("DE" after an oops with an unsigned module loaded). */
export function kernelTaintLetters(mask: number): string {
  let s = '';
  for (const t of TAINTS) if (mask & (1 << t.bit)) s += t.letter;
  return s;
}

export function taintBit(letter: string): number {
  const t = TAINT_BY_LETTER.get(letter);
  if (!t) throw new Error(`unknown taint letter ${letter}`);
  return 1 << t.bit;
}
