/**
 * init:VALUE — make the module's init function return VALUE, on the modelled CPU and on a real kernel alike, by
 * patching its code: after the ftrace prologue (endbr64, `call __fentry__`, whose bytes ftrace_module_init() checks
 * before it turns them into a NOP) comes `mov $VALUE,%eax` and a jump to the function's own first return
 * (`jmp __x86_return_thunk`, listed in .return_sites for apply_returns(), arch/x86/kernel/alternative.c), so no
 * return site or ftrace site is overwritten. Relocations whose bytes fall in the patch become R_X86_64_NONE, which
 * apply_relocate_add() (arch/x86/kernel/module.c) skips; otherwise they would write addresses into the new code.
 */
import { hex } from '../base/hex';
import { SHN_LORESERVE, SHN_UNDEF, STT_FUNC } from '../elf/constants';
import type { ElfFile, ElfSection, ElfSymbol } from '../elf/types';
import { errnoName } from '../load/errno';
import { bad, parts, RELA_SIZE, relaFor, relaOffset, withoutSignature } from './elf-edit';

export interface InitPatch {
  image: Uint8Array;
  change: string;
  offset: number;
}

const R_X86_64_64 = 1;
const R_X86_64_PC64 = 24;
/** Bytes a relocation of this type writes. */
const relocWidth = (type: number): number => (type === R_X86_64_64 || type === R_X86_64_PC64 ? 8 : 4);

/** Where a relocation in `rs` (against a symbol) points: [section index, offset], for a defined symbol. */
function pointsAt(elf: ElfFile, sym: ElfSymbol | undefined, addend: bigint): [number, number] | null {
  if (!sym || sym.shndx === SHN_UNDEF || sym.shndx >= SHN_LORESERVE) return null;
  return [sym.shndx, Number(sym.value + addend)];
}

function initSymbol(elf: ElfFile): { sym: ElfSymbol; sec: ElfSection; name: string } {
  const syms = elf.symtab?.symbols ?? [];
  // module_init(fn) makes init_module an alias of fn (include/linux/module.h); the loader calls mod->init.
  const alias = syms.find((s) => s.name === 'init_module' && s.shndx !== SHN_UNDEF && s.shndx < SHN_LORESERVE);
  if (!alias) bad('the module has no init function (no init_module symbol): there is nothing to make return');
  const sec = elf.sections[alias.shndx];
  const own = syms.find((s) => s !== alias && s.shndx === alias.shndx && s.value === alias.value && s.type === STT_FUNC && s.name !== 'init_module');
  return { sym: alias, sec, name: own ? `${own.name}()` : 'init_module()' };
}

/** The errno or value an init: argument names: -ENODEV, -19, 0, 5. */
export function parseInitValue(text: string, errnoOf: (name: string) => number | null): number {
  const m = /^(-?)(E[A-Z0-9]+)$/.exec(text);
  if (m) {
    const e = errnoOf(m[2]);
    if (e === null) bad(`unknown errno name ${m[2]}`);
    return m[1] ? -e : e;
  }
  if (!/^-?\d+$/.test(text)) bad(`init needs a value such as -ENODEV, -19 or 5, got "${text}"`);
  const v = Number(text);
  if (v < -(2 ** 31) || v >= 2 ** 31) bad(`init value ${text} does not fit the int init returns`);
  return v;
}

export function patchInitReturn(image: Uint8Array, value: number): InitPatch {
  const { elf, elfBytes, trailer } = parts(image);
  const { sym, sec, name } = initSymbol(elf);
  const fn = Number(sym.value);
  const at = (off: number) => sec.offset + off;
  const b = elfBytes;
  const rela = relaFor(elf, sec.index);
  const syms = elf.symtab?.symbols ?? [];
  const relocAt = (off: number) => {
    if (!rela) return null;
    for (let i = 0; i < rela.count; i++) if (relaOffset(rela, i) === off) return syms[rela.sym[i]]?.name ?? '';
    return null;
  };
  // The prologue the patch keeps: endbr64 (IBT), then the 5-byte `call __fentry__` ftrace patches.
  let p = fn;
  if (b[at(p)] === 0xf3 && b[at(p) + 1] === 0x0f && b[at(p) + 2] === 0x1e && b[at(p) + 3] === 0xfa) p += 4;
  if (b[at(p)] === 0xe8 && relocAt(p + 1) === '__fentry__') p += 5;
  const end = sym.size > 0n ? fn + Number(sym.size) : sec.size;

  // The first return site of the function far enough on to leave room for `mov $imm32,%eax; jmp`.
  const sitesSec = elf.sections.find((s) => s.name === '.return_sites');
  const sites: number[] = [];
  const sitesRela = sitesSec ? relaFor(elf, sitesSec.index) : undefined;
  if (sitesRela) {
    for (let i = 0; i < sitesRela.count; i++) {
      const to = pointsAt(elf, syms[sitesRela.sym[i]], (BigInt(sitesRela.addendHi[i]) << 32n) | BigInt(sitesRela.addendLo[i]));
      if (to && to[0] === sec.index && to[1] >= p && to[1] < end) sites.push(to[1]);
    }
  }
  sites.sort((x, y) => x - y);
  const mov = [0xb8, value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  let code: number[];
  let how: string;
  const r = sites.find((s) => s === p + 5 || s >= p + 7);
  if (r === undefined) {
    // No return of its own to jump to (a tail call, e.g. `jmp register_filesystem`): a plain `ret`. It skips the
    // return thunk, which only matters for the Spectre mitigation, not for what init returns.
    code = [...mov, 0xc3];
    how = `mov $${value},%eax; ret`;
  } else {
    if (r === p + 5) code = mov;
    else if (r - (p + 7) <= 127) code = [...mov, 0xeb, r - (p + 7)];
    else {
      const d = r - (p + 10);
      code = [...mov, 0xe9, d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff];
    }
    how = `mov $${value},%eax${r === p + 5 ? '' : `; jmp ${name.replace('()', '')}+${hex(r - fn)}`} (its return)`;
  }
  const lo = p;
  const hi = p + code.length;

  // No fix-up table may point into the patched bytes: apply_alternatives(), apply_retpolines()… would rewrite them.
  for (const rs of elf.relocSections) {
    if (!rs.rela || rs.targetIndex === sec.index) continue;
    const target = elf.sections[rs.targetIndex]?.name ?? '';
    if (target === '.orc_unwind_ip') continue; // only the unwinder reads it
    for (let i = 0; i < rs.count; i++) {
      const to = pointsAt(elf, syms[rs.sym[i]], (BigInt(rs.addendHi[i]) << 32n) | BigInt(rs.addendLo[i]));
      if (to && to[0] === sec.index && to[1] >= lo && to[1] < hi && target !== '.return_sites')
        bad(`${target} points into ${name}'s bytes at ${hex(to[1] - fn)}: patching them would break that fix-up`);
    }
  }

  const out = elfBytes.slice();
  out.set(code, at(lo));
  let none = 0;
  if (rela) {
    const base = elf.sections[rela.sectionIndex].offset;
    for (let i = 0; i < rela.count; i++) {
      const off = relaOffset(rela, i);
      if (off < hi && off + relocWidth(rela.type[i]) > lo) {
        // r_info's low 32 bits are the type: R_X86_64_NONE is 0.
        out.fill(0, base + i * RELA_SIZE + 8, base + i * RELA_SIZE + 12);
        none++;
      }
    }
  }
  const what = value < 0 && value >= -4095 ? ` (-${errnoName(value)})` : '';
  return {
    image: out,
    offset: at(lo),
    change:
      `init ${name} returns ${value}${what}: ${code.length} bytes at ${sec.name}+${hex(lo)} (file offset ${hex(at(lo))}) ` +
      `become "${how}"${none ? `, ${none} relocation${none > 1 ? 's' : ''} there set to R_X86_64_NONE` : ''}${withoutSignature(trailer)}`,
  };
}
