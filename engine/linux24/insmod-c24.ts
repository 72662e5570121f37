/**
 * The functions of modutils 2.4.16's insmod/insmod.c that INSMOD_MAIN calls, as recorded steps:
 * version checks, add_kernel_symbols(), create_this_module(), check_tainted_module(),
 * process_module_arguments(), hide_special_symbols(), add_ksymoops_symbols(),
 * create_module_ksymtab() and init_module().
 */
import { SHF_ALLOC, STB_LOCAL, STB_WEAK } from '../elf/constants';
import type { PlacedSection } from '../kernel/module-record';
import { taintBit } from '../kernel/taint';
import { hx } from '../load/step-text';
import { hex64 } from '../base/hex';
import type { InsmodRun, Provider } from './insmod-run24';
import { paramWidth, processArgument } from './params24';
import { M24, MOD_AUTOCLEAN, putU32, putU64, SIZEOF_MODULE24 } from './struct-module';
import { sysInitModule } from './sys-module';

/** obj_gpl_license() of modutils 2.4.16: note "GPL v2" is missing from its list. */
const GPL_24 = ['GPL', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MPL/GPL'];

/** "6.1.0" → a<<16 | b<<8 | c (get_module_version); -1 if it does not parse. */
export function versionCode(s: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(s);
  return m ? (Number(m[1]) << 16) | (Number(m[2]) << 8) | Number(m[3]) : -1;
}

/** get_module_version(): kernel_version= from .modinfo (a .ko has only vermagic=, whose release stands in). */
export function getModuleVersion(f: InsmodRun): boolean {
  const kv = f.facts.modinfo.find((e) => e.key === 'kernel_version')?.value ?? null;
  const mStr = kv ?? f.facts.vermagic?.split(' ')[0] ?? null;
  if (mStr === null || versionCode(mStr) < 0) {
    f.user(
      'check',
      'get_module_version',
      'No kernel version',
      'Neither kernel_version= nor vermagic= in .modinfo gives the version the module was built for.',
      [],
      -1,
    );
    return f.error(f.file, "couldn't find the kernel version the module was compiled for");
  }
  f.mVersion = mStr;
  return true;
}

/** INSMOD_MAIN's version correspondence: is_kernel_checksummed(), is_module_checksummed(), -f. */
export function insmodMainVersionCheck(f: InsmodRun): boolean {
  const { K, file, op, mVersion, versioned } = f;
  const kv = f.facts.modinfo.find((e) => e.key === 'kernel_version')?.value ?? null;
  const mCrcs = f.symbols.some((s) => s.name === 'Using_Versions');
  f.mismatch = (!mCrcs || !versioned) && mVersion !== K.release;
  const verText =
    `The module says it was built for ${mVersion} ` +
    `(${kv ? 'kernel_version=' : "the release in vermagic=, standing in for 2.4's kernel_version= which a .ko lacks"}); ` +
    `uname -r says ${K.release}. The kernel is ${versioned ? 'versioned (Using_Versions is in its symbol table)' : 'not versioned'}, ` +
    `the module ${mCrcs ? 'is' : 'is not (no Using_Versions symbol: its references are plain names)'}, ` +
    `so ${!mCrcs || !versioned ? 'the version strings must match' : 'only the CRCs in the names matter'}.`;
  if (f.mismatch && !f.req.force) {
    f.user('check', 'INSMOD_MAIN', 'Kernel-module version mismatch', `${verText} They differ and -f was not given.`, [], -1);
    return f.error(
      file,
      `kernel-module version mismatch\n\t${file} was compiled for kernel version ${mVersion}\n\twhile this kernel is version ${K.release}.`,
    );
  }
  if (f.mismatch)
    op.output.push(
      `Warning: kernel-module version mismatch`,
      `\t${file} was compiled for kernel version ${mVersion}`,
      `\twhile this kernel is version ${K.release}`,
    );
  // m_crcs != k_crcs: obj_set_symbol_compare(f, ncv_strcmp, ncv_symbol_hash).
  f.ncv = mCrcs !== versioned;
  f.user(
    'check',
    'INSMOD_MAIN',
    f.mismatch ? 'Version mismatch forced (-f)' : 'Versions agree',
    `${verText}${f.mismatch ? ' They differ; -f turns the refusal into a warning.' : ''}` +
      (f.ncv
        ? " Exactly one side is versioned: names are compared ignoring the _R<crc> suffix (ncv_strcmp), so no CRC is checked at all. The .ko's " +
          '__versions CRCs play no part.'
        : ''),
  );
  return true;
}

/** add_kernel_symbols(): modules' symbols first, then the kernel's; GPLONLY_ ones only for a GPL module. */
export function addKernelSymbols(f: InsmodRun): void {
  const license = f.facts.license;
  f.gpl = license !== null && GPL_24.includes(license);
  const strip = (n: string): string => {
    if (!f.ncv) return n;
    const m = /^(.*)_R(?:smp_)?[0-9a-f]{8}$/.exec(n);
    return m ? m[1] : n;
  };
  const provider = new Map<string, Provider>();
  const add = (list: { name: string; value: bigint }[], from: string): void => {
    for (const s of list) {
      let n = s.name;
      if (n.startsWith('GPLONLY_')) {
        f.gplonlySeen = true;
        if (!f.gpl) continue;
        n = n.slice('GPLONLY_'.length);
      }
      const key = strip(n);
      if (!provider.has(key)) provider.set(key, { value: s.value, from, exported: s.name });
    }
  };
  for (const m of f.stat) add(m.syms, m.name);
  add(f.ksyms, 'kernel');
  const symbols = f.symbols;
  for (let i = 1; i < symbols.length; i++) {
    const s = symbols[i];
    if (s.rawShndx !== 0 || !s.name) continue;
    const p = provider.get(s.name);
    if (p) {
      f.resolved.set(i, p);
      if (p.from !== 'kernel' && !f.used.includes(p.from)) f.used.push(p.from);
    } else if (s.bind !== STB_WEAK) f.unresolved.push(s.name);
  }
  if (f.unresolved.length) return;
  const { resolved, used } = f;
  const sample = [...resolved]
    .slice(0, 4)
    .map(([i, p]) => `${symbols[i].name} → ${p.exported} = ${hx(p.value)}${p.from !== 'kernel' ? ` [${p.from}]` : ''}`);
  f.user(
    'symbols',
    'add_kernel_symbols',
    `${resolved.size} undefined symbols resolved in user space`,
    "Each undefined global of the object is looked up among the loaded modules' symbols first, then the kernel's: " +
      `${sample.join('; ') || 'none needed'}${resolved.size > 4 ? '; …' : ''}.` +
      `${used.length ? ` Symbols come from ${used.join(', ')}: ${used.length > 1 ? 'they become' : 'it becomes'} a dependency.` : ''} The kernel ` +
      `checks none of this.`,
  );
}

/** create_this_module(): the .this section (2.4's struct module) with the module's name in a new .kstrtab. */
export function createThisModule(f: InsmodRun): boolean {
  f.nameAt = f.kstrAdd(f.name);
  return true;
}

/** check_tainted_module(): the licence, judged in user space; insmod writes /proc/sys/kernel/tainted itself. */
export function checkTaintedModule(f: InsmodRun): void {
  const { K, op, file } = f;
  const license = f.facts.license;
  if (!f.gpl) {
    const why = license === null ? 'no license' : `non-GPL license - ${license}`;
    op.output.push(
      `Warning: loading ${file} will taint the kernel: ${why}`,
      '  See http://www.tux.org/lkml/#export-tainted for information about tainted modules',
    );
    K.tainted |= taintBit('P');
  }
  if (f.mismatch) K.tainted |= taintBit('F');
  f.user(
    'check',
    'check_tainted_module',
    f.gpl ? `Licence "${license}" is GPL-compatible` : 'Tainting licence',
    f.gpl
      ? 'obj_gpl_license() accepts it: no taint.'
      : `insmod itself writes TAINT_PROPRIETARY_MODULE into /proc/sys/kernel/tainted (2.4.16's list lacks "GPL v2"): the 2.4 kernel never reads .modinfo.`,
  );
}

/** process_module_arguments(): each name=value written into the object's section contents. */
export function processModuleArguments(f: InsmodRun): boolean {
  const { req, elf, facts } = f;
  const symbols = f.symbols;
  const findSym = (n: string): { name: string; shndx: number; value: number } | null => {
    let best: { name: string; shndx: number; value: number } | null = null;
    for (const s of symbols) if (s.name === n && (best === null || s.bind !== STB_LOCAL)) best = { name: n, shndx: s.shndx, value: Number(s.value) };
    return best;
  };
  for (const a of req.args) {
    const r = processArgument(a, findSym);
    if ('error' in r) {
      f.user('params', 'process_module_arguments', 'Bad parameter', r.error, [], -1);
      return f.error(f.file, r.error);
    } else f.writes.push(...r.writes);
  }
  const { writes } = f;
  // obj_string_patch(): string values go to .kstrtab, after the module's name.
  for (const w of writes) if (w.str !== null) f.stringPatches.push({ section: w.section, offset: w.offset, at: f.kstrAdd(w.str) });
  if (!req.args.length) return true;
  const notes = [...new Set(writes.map((w) => w.param))].map((p) => {
    const decl = facts.params.find((x) => x.name === p);
    const ws = writes.filter((w) => w.param === p);
    const kind = ws[0].bytes ? 'int (4 bytes)' : 'char * (string patched to a copy in .kstrtab)';
    const width = decl ? paramWidth(decl.type) : null;
    const same = decl && ((ws[0].bytes && width === 4 && decl.type !== 'charp') || (!ws[0].bytes && decl.type === 'charp'));
    const verdict = same ? ', which agrees' : `, which ${decl ? 'differs: 6.1 would parse it as ' + decl.type : 'has no declaration'}`;
    return (
      `${p}: written as ${kind} at ${elf.sections[ws[0].section]?.name}+${hx(BigInt(ws[0].offset))}; the .ko declares it with ` +
      `module_param(${decl ? decl.type : '?'})${verdict}`
    );
  });
  const n = req.args.length;
  f.user(
    'params',
    'process_module_arguments',
    `${n} argument${n > 1 ? 's' : ''} written into the object`,
    '2.4 parameters are MODULE_PARM(var, fmt) with "parm_<var>=<fmt>" in .modinfo; ' +
      "this .ko uses 6.1's module_param (descriptors in __param, read by the kernel's parse_args()). " +
      'Without kernel_version= in .modinfo, insmod takes the untyped path: a value starting with a digit is an int, anything else a string. ' +
      `${notes.join('; ')}.`,
  );
  return true;
}

/** hide_special_symbols(): init_module, cleanup_module and kernel_version become local (never exported). */
export function hideSpecialSymbols(f: InsmodRun): void {
  for (const n of ['init_module', 'cleanup_module', 'kernel_version']) f.hidden.add(n);
}

/** add_ksymoops_symbols(): __insmod_<name>_O<file>_M<mtime>_V<version> and one _S<section>_L<size> per main section. */
export function addKsymoopsSymbols(f: InsmodRun): void {
  const { elf, name, file } = f;
  const version = versionCode(f.mVersion);
  f.exportList.push({ name: `__insmod_${name}_O/root/${file.split('/').pop()}_M${'0'.repeat(16)}_V${version}`, symbol: null, section: -1 });
  for (const sn of ['.text', '.rodata', '.data', '.bss']) {
    const s = elf.sections.find((x) => x.name === sn && x.size > 0);
    if (s) f.exportList.push({ name: `__insmod_${name}_S${sn}_L${s.size}`, symbol: null, section: s.index });
  }
}

/** create_module_ksymtab(): the export table and, for each module used, a struct module_ref in .kmodtab. */
export function createModuleKsymtab(f: InsmodRun): void {
  const { elf, facts, name, exportList } = f;
  const symbols = f.symbols;
  f.hasKsymtab = elf.sections.some((s) => s.name === '__ksymtab' && s.flags & SHF_ALLOC);
  if (f.hasKsymtab) {
    for (const e of facts.exports) {
      const i = symbols.findIndex((s) => s.name === e.symbol && s.rawShndx !== 0);
      exportList.push({ name: (e.gplOnly ? 'GPLONLY_' : '') + e.name, symbol: i < 0 ? null : i });
    }
  } else {
    for (let i = 1; i < symbols.length; i++) {
      const s = symbols[i];
      if (s.bind === STB_LOCAL || !s.name || f.hidden.has(s.name) || !f.allocIdx.has(s.shndx)) continue;
      exportList.push({ name: s.name, symbol: i });
    }
  }
  f.exportNameAt = exportList.map((e) => f.kstrAdd(e.name));
  f.depMods = f.stat.filter((m) => f.used.includes(m.name));
  const { depMods } = f;
  f.user(
    'link',
    'create_module_ksymtab',
    `struct module, ${exportList.length} exports, ${depMods.length} dependencies`,
    `create_this_module() puts a ${SIZEOF_MODULE24}-byte .this section (2.4's struct module) first in the load order, with the name "${name}" in a ` +
      `new .kstrtab. ` +
      'init_module, cleanup_module and kernel_version become local. ' +
      (f.hasKsymtab
        ? `The .ko has a __ksymtab (6.1 format, meaningless here), so Modscope writes its ${facts.exports.length} exports in 2.4's {value, name} form ` +
          "into a section of its own (GPL-only ones as GPLONLY_<name>); a real 2.4 insmod would have read 6.1's entries as 2.4 ones."
        : 'The object has no __ksymtab, so every global symbol in a loaded section is exported (flag_export).') +
      ` add_ksymoops_symbols() adds __insmod_${name}_O…/_S… symbols for ksymoops. ` +
      (depMods.length
        ? `.kmodtab gets one struct module_ref per module used (${depMods.map((m) => m.name).join(', ')}).`
        : 'No other module is used: no .kmodtab.'),
  );
}

/** init_module() of insmod.c: fill in struct module, obj_create_image(), sys_init_module(); the syscall's result. */
export function initModule(f: InsmodRun): number {
  const { K, req, elf, name, size, base, offOf, exportsFinal, depMods } = f;
  const buf = f.buf;
  const image = f.res.image;
  if (!buf || !image) throw new Error('init_module() before obj_relocate()');
  const symbols = f.symbols;
  const initIdx = symbols.findIndex((s) => s.name === 'init_module' && s.rawShndx !== 0);
  const exitIdx = symbols.findIndex((s) => s.name === 'cleanup_module' && s.rawShndx !== 0);
  const initAddr = initIdx > 0 ? f.valueOf(initIdx) : 0n;
  const exitAddr = exitIdx > 0 ? f.valueOf(exitIdx) : 0n;
  const t = offOf.get(-1)?.offset ?? 0;
  const hdr = image.slice(t, t + SIZEOF_MODULE24);
  putU64(hdr, M24.sizeOfStruct, BigInt(SIZEOF_MODULE24));
  putU64(hdr, M24.size, BigInt(size));
  putU64(hdr, M24.flags, BigInt(req.autoclean ? MOD_AUTOCLEAN : 0));
  if (exportsFinal.length) {
    putU64(hdr, M24.syms, f.secAddr(-4));
    putU32(hdr, M24.nsyms, exportsFinal.length);
  }
  if (depMods.length) {
    putU64(hdr, M24.deps, f.secAddr(-3));
    putU32(hdr, M24.ndeps, depMods.length);
  }
  putU64(hdr, M24.init, initAddr);
  putU64(hdr, M24.cleanup, exitAddr);
  const ex = elf.sections.find((s) => s.name === '__ex_table' && offOf.has(s.index));
  if (ex) {
    putU64(hdr, M24.exTableStart, f.secAddr(ex.index));
    putU64(hdr, M24.exTableEnd, f.secAddr(ex.index) + BigInt(ex.size));
  }
  K.k.memory.writeAt(buf, t, hdr, K.timeline.position, 'struct module (insmod fills it in)');
  f.user(
    'copy',
    'init_module',
    'struct module filled in',
    `In .this: size_of_struct ${SIZEOF_MODULE24}, size ${size}, flags ${req.autoclean ? 'MOD_AUTOCLEAN (-k)' : '0'}, ` +
      `syms ${exportsFinal.length ? hx(f.secAddr(-4)) : 'NULL'} (${exportsFinal.length}), deps ${depMods.length ? hx(f.secAddr(-3)) : 'NULL'} ` +
      `(${depMods.length}), ` +
      `init = init_module ${hx(initAddr)}, cleanup = cleanup_module ${hx(exitAddr)}${ex ? `, ex_table ${hx(f.secAddr(ex.index))}…` : ''}. ` +
      `obj_create_image() lays every section at sh_addr − ${hx(base)} in one ${size}-byte buffer; init_module("${name}", image) hands it over.`,
    [{ kind: 'write', address: hex64(buf.base + BigInt(t)), length: SIZEOF_MODULE24, what: 'struct module (user copy)' }],
  );
  K.pendingSymbols.set(name, f.finals);
  const sections: PlacedSection[] = f.placements.map((p) => ({
    index: p.index,
    name: p.name,
    address: base + BigInt(p.offset),
    size: p.size,
    init: false,
    group: p.exec ? 'text' : 'data',
    nobits: p.zero,
  }));
  const r = sysInitModule(K, name, image, sections);
  K.pendingSymbols.delete(name);
  K.k.memory.free(buf, K.timeline.position);
  return r;
}
