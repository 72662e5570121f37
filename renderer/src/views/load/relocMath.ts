/**
 * A relocation's formula with its own numbers, and the range check __apply_relocate_add()
 * (arch/x86/kernel/module.c, 6.1) makes: R_X86_64_32 must zero-extend and R_X86_64_32S sign-extend
 * from 32 bits ("overflow in relocation type"); PC32/PLT32 are truncated without a check.
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

/** The formula with numbers, and the kernel's range check for this type (6.1 checks only R_X86_64_32 and 32S). */
export function relocMath(r: RelocationDetail): { terms: string; exact: bigint; check: { ok: boolean | null; text: string } } | null {
  if (r.typeNumber === 0 || r.status === 'not-reached' || r.status === 'unknown-type') return null;
  const S = BigInt(r.S);
  const A = signed(r.A);
  const P = BigInt(r.P);
  const pcrel = /PC|PLT/.test(r.type);
  const exact = asS64(pcrel ? S + A - P : S + A);
  const terms = pcrel ? `${hex(S)} + (${hex(A)}) − ${hex(P)}` : `${hex(S)} + (${hex(A)})`;
  const u = BigInt.asUintN(64, exact);
  if (r.type === 'R_X86_64_32') return { terms, exact: u, check: { ok: u < TWO32, text: 'S + A < 2³² (zero-extends from 32 bits)' } };
  if (r.type === 'R_X86_64_32S') return { terms, exact, check: { ok: exact >= -TWO31 && exact < TWO31, text: '−2³¹ ≤ S + A < 2³¹ (sign-extends from 32 bits)' } };
  if (r.width === 4 || (pcrel && !/64/.test(r.type)))
    return { terms, exact, check: { ok: exact >= -TWO31 && exact < TWO31, text: 'fits in a signed 32-bit displacement (6.1 does not check: it truncates)' } };
  return { terms, exact: u, check: { ok: null, text: '64 bits: nothing to check' } };
}
