/**
 * A relocation's formula with its own numbers, and the range check __apply_relocate_add()
 * (arch/x86/kernel/module.c, 6.1) makes. The rule (PC-relative or not, field width, range check)
 * comes with the relocation from the engine's one table (engine/elf/x86-64-relocations.ts), never
 * from the type's name.
 */
import type { RelocationDetail } from '../../../../engine/api-types';

const TWO32 = 1n << 32n;
const TWO31 = 1n << 31n;

function signed(v: string): bigint {
  return v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v.replace(/^\+/, ''));
}

export function hex(v: bigint): string {
  return v < 0n ? `−0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

const asS64 = (v: bigint): bigint => BigInt.asIntN(64, v);

const CHECK_TEXT = {
  'zero-extend-32': 'S + A < 2³² (zero-extends from 32 bits)',
  'sign-extend-32': '−2³¹ ≤ S + A < 2³¹ (sign-extends from 32 bits)',
} as const;

/** The formula with numbers, and the kernel's range check for this type (6.1 checks only R_X86_64_32 and 32S). */
export function relocMath(r: RelocationDetail): { terms: string; exact: bigint; check: { ok: boolean | null; text: string } } | null {
  const rule = r.rule;
  if (!rule || rule.width === 0 || r.status === 'not-reached' || r.status === 'unknown-type') return null;
  const S = BigInt(r.S);
  const A = signed(r.A);
  const P = BigInt(r.P);
  const exact = asS64(rule.pcRelative ? S + A - P : S + A);
  const terms = rule.pcRelative ? `${hex(S)} + (${hex(A)}) − ${hex(P)}` : `${hex(S)} + (${hex(A)})`;
  const u = BigInt.asUintN(64, exact);
  const fitsS32 = exact >= -TWO31 && exact < TWO31;
  if (rule.check === 'zero-extend-32') return { terms, exact: u, check: { ok: u < TWO32, text: CHECK_TEXT[rule.check] } };
  if (rule.check === 'sign-extend-32') return { terms, exact, check: { ok: fitsS32, text: CHECK_TEXT[rule.check] } };
  if (rule.width === 4)
    return { terms, exact, check: { ok: fitsS32, text: 'fits in a signed 32-bit displacement (6.1 does not check: it truncates)' } };
  return { terms, exact: u, check: { ok: null, text: '64 bits: nothing to check' } };
}
