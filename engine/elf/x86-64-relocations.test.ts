// The relocation table against Linux 6.1's __apply_relocate_add() (arch/x86/kernel/module.c; kernel-facts.md §3.1):
// the switch's cases, what each writes and what it checks. Adding a type is a row in x86-64-relocations.ts and its
// line here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/test-support/kernel';
import { EM_X86_64, relocTypeName } from './constants';
import { readElf } from './index';
import { X86_64_RELOC_RULES, x86RelocRule } from './x86-64-relocations';

/** [name, r_info type, bytes written, S + A − P, the check before writing]: one line per `case` of the kernel's switch. */
const KERNEL_CASES: [string, number, number, boolean, string | null][] = [
  ['R_X86_64_NONE', 0, 0, false, null],
  ['R_X86_64_64', 1, 8, false, null],
  ['R_X86_64_PC32', 2, 4, true, null],
  ['R_X86_64_PLT32', 4, 4, true, null],
  ['R_X86_64_32', 10, 4, false, 'zero-extend-32'],
  ['R_X86_64_32S', 11, 4, false, 'sign-extend-32'],
  ['R_X86_64_PC64', 24, 8, true, null],
];

function kos(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? kos(p) : n.endsWith('.ko') ? [p] : [];
  });
}

describe('X86_64_RELOC_RULES', () => {
  it("is __apply_relocate_add()'s switch: its cases, by number, with width, PC-relative and range check", () => {
    expect(X86_64_RELOC_RULES.map((r) => [r.name, r.type, r.width, r.pcRelative, r.check])).toEqual(KERNEL_CASES);
  });

  it('names each row as readelf does, and finds it by number; a type the kernel refuses has no rule', () => {
    for (const r of X86_64_RELOC_RULES) {
      expect(relocTypeName(EM_X86_64, r.type)).toBe(r.name);
      expect(x86RelocRule(r.type)).toBe(r);
      if (r.width === 0) expect(r.formula).toBe('nothing');
      else expect(r.formula).toMatch(r.pcRelative ? /^S \+ A - P$/ : /^S \+ A( \(must (zero|sign)-extend from 32 bits\))?$/);
    }
    expect(x86RelocRule(9)).toBeNull(); // R_X86_64_GOTPCREL: "Unknown rela relocation"
  });

  it('has a rule for every relocation type in the sample modules', () => {
    const seen = new Set<number>();
    for (const file of kos(join(ROOT, 'samples'))) {
      const elf = readElf(new Uint8Array(readFileSync(file)));
      if (elf.header.machine !== EM_X86_64) continue;
      for (const rs of elf.relocSections) for (const t of rs.type) seen.add(t);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect([...seen].filter((t) => !x86RelocRule(t)).map((t) => relocTypeName(EM_X86_64, t))).toEqual([]);
  });
});
