/**
 * The one table of x86-64 relocation rules Modscope applies: for each type a module can carry, the
 * width of the field it patches, whether it is PC-relative (S + A − P) or absolute (S + A), and the
 * range check Linux 6.1's __apply_relocate_add() (arch/x86/kernel/module.c) makes before writing:
 * R_X86_64_32 must zero-extend and R_X86_64_32S sign-extend from 32 bits ("overflow in relocation
 * type"); PC32/PLT32 are truncated without a check. The 6.1 path, the 2.4 path (relocate.ts applies
 * both) and the relocation card (through RelocationDetail.rule) all read it. To support a new
 * type, add its row here, named as readelf names it (its number comes from that name, constants.ts), and its
 * line in the expectation of x86-64-relocations.test.ts.
 */
import { x86_64RelocType } from './constants';

/** What __apply_relocate_add() checks before it writes a value that does not fill 64 bits. */
export type RelocRangeCheck = 'zero-extend-32' | 'sign-extend-32' | null;

export interface RelocRule {
  /** As readelf prints it: "R_X86_64_PLT32". */
  name: string;
  /** r_info's type: the number of that name. */
  type: number;
  /** Bytes patched at P (0: R_X86_64_NONE patches nothing). */
  width: 0 | 4 | 8;
  /** S + A − P (true) or S + A (false). */
  pcRelative: boolean;
  check: RelocRangeCheck;
  /** The formula as the step detail prints it. */
  formula: string;
}

/** One row per `case` of __apply_relocate_add()'s switch (arch/x86/kernel/module.c), by type number. */
const ROWS: readonly Omit<RelocRule, 'type'>[] = [
  { name: 'R_X86_64_NONE', width: 0, pcRelative: false, check: null, formula: 'nothing' },
  { name: 'R_X86_64_64', width: 8, pcRelative: false, check: null, formula: 'S + A' },
  { name: 'R_X86_64_PC32', width: 4, pcRelative: true, check: null, formula: 'S + A - P' },
  { name: 'R_X86_64_PLT32', width: 4, pcRelative: true, check: null, formula: 'S + A - P' },
  { name: 'R_X86_64_32', width: 4, pcRelative: false, check: 'zero-extend-32', formula: 'S + A (must zero-extend from 32 bits)' },
  { name: 'R_X86_64_32S', width: 4, pcRelative: false, check: 'sign-extend-32', formula: 'S + A (must sign-extend from 32 bits)' },
  { name: 'R_X86_64_PC64', width: 8, pcRelative: true, check: null, formula: 'S + A - P' },
];

export const X86_64_RELOC_RULES: readonly RelocRule[] = ROWS.map((r) => ({ ...r, type: x86_64RelocType(r.name) }));

const BY_TYPE = new Map(X86_64_RELOC_RULES.map((r) => [r.type, r]));

/** The rule for a type, or null when __apply_relocate_add() refuses it ("Unknown rela relocation"). */
export function x86RelocRule(type: number): RelocRule | null {
  return BY_TYPE.get(type) ?? null;
}
