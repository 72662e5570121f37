/**
 * modutils 2.4.16's insmod (insmod/insmod.c INSMOD_MAIN, obj/obj_*.c) as timeline steps: the user-space
 * linker. It reads the object, asks the kernel for its symbols (query_module), checks versions,
 * resolves the object's undefined symbols, lays the image out with struct module first, writes
 * parameters, reserves kernel memory (create_module), relocates in user space against the returned
 * address (the same RelocationBlock math as the 6.1 path), fills struct module and hands the finished
 * image to init_module(name, image).
 */
import { isElfError } from '../elf/errors';
import { readElf } from '../elf/index';
import type { ElfFile } from '../elf/types';
import type { FinalSymbol, PlacedSection } from '../kernel/module-record';
import { readModuleFacts } from '../kmod/facts';
import { applyRelocateAdd, relocationSectionsToApply, type RelocationBlock, type SectionTarget } from '../load/relocate';
import { strerror } from '../load/errno';
import { hex64 } from '../session/hex';
import type { ForeignWrite } from '../machine/memory';
import type { StepBlock } from '../trace/timeline';
import type { Effect, OperationInfo, RelocationDetail } from '../trace/types';
import type { Kernel24, Module24 } from './kernel24';
import { layoutImage, type LayoutInput, type Placement24 } from './layout24';
import { paramWidth, processArgument, type ParamWrite } from './params24';
import { M24, MOD_AUTOCLEAN, putU32, putU64, QM_INFO, QM_MODULES, QM_SYMBOLS, SIZEOF_MODULE24, SIZEOF_MODULE_REF } from './struct-module';
import { sysCreateModule, sysDeleteModule, sysInitModule, sysQueryModule } from './sys-module';

const INSMOD = 'modutils insmod/insmod.c';
const OBJ = 'modutils obj/obj_reloc.c';
const SHF_ALLOC = 2;
/** Where insmod's xmalloc'd image sits in its own address space (a modelled heap address). */
const USER_BUFFER = 0x0000555555600000n;
/** insmod -n: "Don't bother actually touching the kernel." */
const NOLOAD_ADDR = 0x12340000n;

export interface Insmod24Request {
  /** The path as typed (messages use it), e.g. "hello.ko". */
  fileName: string;
  image: Uint8Array;
  /** name=value arguments. */
  args: string[];
  /** insmod -f: load despite a kernel-version mismatch. */
  force?: boolean;
  /** insmod -k: MOD_AUTOCLEAN. */
  autoclean?: boolean;
  /** insmod -n: lay out and relocate at 0x12340000 (or at relocateAt), never touch the kernel. */
  noload?: boolean;
  /** With noload: relocate as if these ELF sections were at these addresses (e.g. where the 6.1 path put them). */
  relocateAt?: ReadonlyMap<number, bigint>;
  command?: string;
}

export interface Insmod24Result {
  /** insmod's exit status (0 or 1). */
  exit: number;
  /** The failing syscall's -errno, -1 when insmod gave up in user space, 0 on success. */
  errno: number;
  op: OperationInfo;
  module: Module24 | null;
  /** Every relocation insmod applied (null if it never got that far). */
  relocations: RelocationBlock | null;
  layout: Placement24[];
  /** The image as handed to init_module (or as relocated with noload). */
  image: Uint8Array | null;
}

const hx = (v: bigint): string => '0x' + v.toString(16);

/** The relocations happen in insmod's buffer: their writes are shown there (at buffer + (P − base)), not at P. */
class UserSpaceRelocations implements StepBlock {
  readonly kind = 'relocations';
  readonly count: number;
  constructor(
    private readonly inner: RelocationBlock,
    private readonly shift: bigint,
  ) {
    this.count = inner.count;
  }

  describe(item: number): RelocationDetail {
    return this.inner.describe(item);
  }

  writesOverlapping(address: bigint, length: number, firstPos: number): ForeignWrite[] {
    return this.inner.writesOverlapping(address - this.shift, length, firstPos).map((w) => ({ ...w, address: w.address + this.shift }));
  }
}

class Stop extends Error {
  constructor(readonly errno: number) {
    super('insmod stopped');
  }
}

/** The module name: the basename minus .o, .mod, .o.gz (modutils) — and .ko, which 2.4 never saw. */
export function moduleName24(fileName: string): string {
  const base = fileName.split('/').pop() ?? fileName;
  for (const ext of ['.ko', '.o.gz', '.o', '.mod']) if (base.length > ext.length && base.endsWith(ext)) return base.slice(0, -ext.length);
  return base;
}

/** "6.1.0" → a<<16 | b<<8 | c (get_module_version); -1 if it does not parse. */
function versionCode(s: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(s);
  return m ? (Number(m[1]) << 16) | (Number(m[2]) << 8) | Number(m[3]) : -1;
}

/** obj_gpl_license() of modutils 2.4.16: note "GPL v2" is missing from its list. */
const GPL_24 = ['GPL', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MPL/GPL'];

export function insmod24(K: Kernel24, req: Insmod24Request): Insmod24Result {
  const op = K.beginOp(req.command ?? `insmod ${req.force ? '-f ' : ''}${req.fileName}${req.args.length ? ' ' + req.args.join(' ') : ''}`);
  const res: Insmod24Result = { exit: 1, errno: 0, op, module: null, relocations: null, layout: [], image: null };
  try {
    run(K, req, res);
    res.exit = 0;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    res.errno = e.errno;
    res.exit = 1;
    K.step({ stage: 'result', side: 'user', fn: 'insmod', file: INSMOD, title: 'insmod exits 1', text: op.output.length ? `insmod printed: ${op.output.join(' / ')}` : 'insmod gives up.' });
  }
  K.timeline.endOp(op, res.errno);
  return res;
}

function run(K: Kernel24, req: Insmod24Request, res: Insmod24Result): void {
  const op = res.op;
  const file = req.fileName;
  const name = moduleName24(file);
  const user = (stage: Parameters<Kernel24['step']>[0]['stage'], fn: string, title: string, text: string, effects: Effect[] = [], errno?: number): void => {
    K.step({ stage, side: 'user', fn, file: INSMOD, title, text, effects, ...(errno ? { errno } : {}) });
  };
  const error = (prefix: string, msg: string, errno = -1): never => {
    for (const l of `${prefix}: ${msg}`.split('\n')) op.output.push(l);
    throw new Stop(errno);
  };

  // 1. Open and read the object.
  user('read', 'INSMOD_MAIN', `insmod reads ${file}`, `The module name is the file's basename without its extension: "${name}" (modutils strips .o, .mod and .o.gz; it would have called this one "${(file.split('/').pop() ?? file).replace(/\.(o\.gz|o|mod)$/, '')}" — a .ko did not exist in 2.4, so Modscope strips .ko too). gzf_open() and flock() the file (${req.image.length.toLocaleString('en-US')} bytes).`);

  // 2. get_kernel_info(K_SYMBOLS): what is loaded, and every exported symbol.
  const mods = sysQueryModule(K, null, QM_MODULES).names ?? [];
  const stat = mods.map((m) => ({ name: m, info: sysQueryModule(K, m, QM_INFO).info ?? null, syms: sysQueryModule(K, m, QM_SYMBOLS).symbols ?? [] }));
  const ksyms = sysQueryModule(K, null, QM_SYMBOLS).symbols ?? [];
  const versioned = ksyms.some((s) => s.name === 'Using_Versions');
  K.step({
    stage: 'symbols',
    side: 'syscall',
    fn: 'sys_query_module',
    file: 'kernel/module.c (2.4)',
    title: `${ksyms.length.toLocaleString('en-US')} kernel symbols fetched`,
    text: `query_module(NULL, QM_MODULES) → ${mods.length ? mods.join(', ') : 'no modules'}; ${mods.length ? 'QM_INFO and QM_SYMBOLS for each; ' : ''}query_module(NULL, QM_SYMBOLS) → the kernel's table of {value, name} pairs, names as /proc/ksyms shows them${versioned ? ` (versioned, e.g. "${ksyms.find((s) => s.name.startsWith('printk_R') || s.name.startsWith('_printk_R'))?.name ?? ksyms[1]?.name}")` : ''}. (Modelled: the symbols are the Debian 6.1 kernel's exports.)`,
  });
  if (!req.noload && mods.includes(name)) {
    user('check', 'INSMOD_MAIN', `"${name}" is already loaded`, `QM_MODULES lists ${name}: insmod refuses in user space, before touching the kernel.`, [], -1);
    error('insmod', `a module named ${name} already exists`);
  }

  // 3. obj_load(): the ELF object.
  let elf: ElfFile;
  try {
    elf = readElf(req.image);
  } catch (e) {
    if (!isElfError(e)) throw e;
    user('check', 'obj_load', 'Not a loadable object', `${e.message} (at byte ${e.offset}).`, [], -1);
    return error(file, e.code === 'NOT_ELF' || e.code === 'BAD_MAGIC' ? `${file} is not an ELF file` : `error reading ELF section data ${file}`);
  }
  if (elf.header.machine !== 62 || elf.header.class !== 64) {
    user('check', 'obj_load', 'Wrong architecture', `e_machine ${elf.header.machine}: this insmod handles EM_X86_64 ELF64 only.`, [], -1);
    error(file, `ELF file ${file} not for this architecture`);
  }
  if (elf.header.type !== 1) {
    user('check', 'obj_load', 'Not relocatable', `e_type ${elf.header.type}, not ET_REL.`, [], -1);
    error(file, `ELF file ${file} not a relocatable object`);
  }
  const facts = readModuleFacts(elf, null);
  const MEANING: Record<string, string> = {
    __versions: "__versions is 6.1's CRC table (2.4 put CRCs in the symbol names)",
    '.gnu.linkonce.this_module': ".gnu.linkonce.this_module is 6.1's struct module (2.4's is the .this section insmod creates)",
    __ksymtab: '__ksymtab holds 6.1-format kernel_symbol entries',
    __param: "__param holds module_param descriptors for 6.1's parse_args()",
  };
  const extras = Object.keys(MEANING).filter((n) => elf.sections.some((s) => s.name === n));
  user('check', 'obj_load', `ELF object read: ${elf.sections.length} sections, ${elf.symtab?.symbols.length ?? 0} symbols`, `Every section's contents are read and every symbol goes into insmod's hash table. .modinfo loses SHF_ALLOC ("the kernel may have marked these sections as ALLOC, ignore the allocate bit"): 2.4's kernel never sees it. ${extras.length ? `Sections of a .ko with no 2.4 meaning: ${extras.map((n) => MEANING[n]).join('; ')}. They are loaded as plain data.` : ''}`);

  // 4. Version checks (get_module_version, is_kernel_checksummed, is_module_checksummed).
  const kv = facts.modinfo.find((e) => e.key === 'kernel_version')?.value ?? null;
  const mStr = kv ?? facts.vermagic?.split(' ')[0] ?? null;
  if (mStr === null || versionCode(mStr) < 0) {
    user('check', 'get_module_version', 'No kernel version', 'Neither kernel_version= nor vermagic= in .modinfo gives the version the module was built for.', [], -1);
    error(file, "couldn't find the kernel version the module was compiled for");
  }
  const mVersion = mStr ?? '';
  const mCrcs = elf.symtab?.symbols.some((s) => s.name === 'Using_Versions') ?? false;
  const mismatch = (!mCrcs || !versioned) && mVersion !== K.release;
  const verText = `The module says it was built for ${mVersion} (${kv ? 'kernel_version=' : 'the release in vermagic=, standing in for 2.4\'s kernel_version= which a .ko lacks'}); uname -r says ${K.release}. The kernel is ${versioned ? 'versioned (Using_Versions is in its symbol table)' : 'not versioned'}, the module ${mCrcs ? 'is' : 'is not (no Using_Versions symbol: its references are plain names)'}, so ${!mCrcs || !versioned ? 'the version strings must match' : 'only the CRCs in the names matter'}.`;
  if (mismatch && !req.force) {
    user('check', 'INSMOD_MAIN', 'Kernel-module version mismatch', `${verText} They differ and -f was not given.`, [], -1);
    error(file, `kernel-module version mismatch\n\t${file} was compiled for kernel version ${mVersion}\n\twhile this kernel is version ${K.release}.`);
  }
  if (mismatch) op.output.push(`Warning: kernel-module version mismatch`, `\t${file} was compiled for kernel version ${mVersion}`, `\twhile this kernel is version ${K.release}`);
  const ncv = mCrcs !== versioned;
  user('check', 'INSMOD_MAIN', mismatch ? 'Version mismatch forced (-f)' : 'Versions agree', `${verText}${mismatch ? ' They differ; -f turns the refusal into a warning.' : ''}${ncv ? ' Exactly one side is versioned: names are compared ignoring the _R<crc> suffix (ncv_strcmp), so no CRC is checked at all. The .ko\'s __versions CRCs play no part.' : ''}`);

  // 5. add_kernel_symbols(): modules' symbols first, then the kernel's; GPLONLY_ only for GPL modules.
  const license = facts.license;
  const gpl = license !== null && GPL_24.includes(license);
  const strip = (n: string): string => {
    if (!ncv) return n;
    const m = /^(.*)_R(?:smp_)?[0-9a-f]{8}$/.exec(n);
    return m ? m[1] : n;
  };
  const provider = new Map<string, { value: bigint; from: string; exported: string }>();
  let gplonlySeen = false;
  const add = (list: { name: string; value: bigint }[], from: string): void => {
    for (const s of list) {
      let n = s.name;
      if (n.startsWith('GPLONLY_')) {
        gplonlySeen = true;
        if (!gpl) continue;
        n = n.slice(8);
      }
      const key = strip(n);
      if (!provider.has(key)) provider.set(key, { value: s.value, from, exported: s.name });
    }
  };
  for (const m of stat) add(m.syms, m.name);
  add(ksyms, 'kernel');
  const symbols = elf.symtab?.symbols ?? [];
  const count = symbols.length;
  const resolved = new Map<number, { value: bigint; from: string; exported: string }>();
  const unresolved: string[] = [];
  const used: string[] = [];
  for (let i = 1; i < count; i++) {
    const s = symbols[i];
    if (s.rawShndx !== 0 || !s.name) continue;
    const p = provider.get(s.name);
    if (p) {
      resolved.set(i, p);
      if (p.from !== 'kernel' && !used.includes(p.from)) used.push(p.from);
    } else if (s.bind !== 2) unresolved.push(s.name);
  }
  const sample = [...resolved].slice(0, 4).map(([i, p]) => `${symbols[i].name} → ${p.exported} = ${hx(p.value)}${p.from !== 'kernel' ? ` [${p.from}]` : ''}`);
  if (unresolved.length) {
    user('symbols', 'obj_check_undefineds', `${unresolved.length} unresolved symbol${unresolved.length > 1 ? 's' : ''}`, `No loaded module and no kernel export provides ${unresolved.join(', ')}. insmod stops before asking the kernel for memory.`, [], -1);
    for (const u of unresolved) op.output.push(`${file}: unresolved symbol ${u}`);
    // error("\nHint: …") after the file-name prefix, word for word.
    if (!gpl)
      op.output.push(
        `${file}: `,
        'Hint: You are trying to load a module without a GPL compatible license',
        ...(gplonlySeen
          ? ['      and it has unresolved symbols.  The module may be trying to access', '      GPLONLY symbols but the problem is more likely to be a coding or', '      user error.  Contact the module supplier for assistance, only they', '      can help you.']
          : ['      and it has unresolved symbols.  Contact the module supplier for', '      assistance, only they can help you.']),
      );
    throw new Stop(-1);
  }
  user('symbols', 'add_kernel_symbols', `${resolved.size} undefined symbols resolved in user space`, `Each undefined global of the object is looked up among the loaded modules' symbols first, then the kernel's: ${sample.join('; ') || 'none needed'}${resolved.size > 4 ? '; …' : ''}.${used.length ? ` Symbols come from ${used.join(', ')}: ${used.length > 1 ? 'they become' : 'it becomes'} a dependency.` : ''} The kernel checks none of this.`);

  // 6. check_tainted_module(): the licence, from user space.
  if (!gpl) {
    const why = license === null ? 'no license' : `non-GPL license - ${license}`;
    op.output.push(`Warning: loading ${file} will taint the kernel: ${why}`, '  See http://www.tux.org/lkml/#export-tainted for information about tainted modules');
    K.tainted |= 1;
  }
  if (mismatch) K.tainted |= 2;
  user('check', 'check_tainted_module', gpl ? `Licence "${license}" is GPL-compatible` : 'Tainting licence', gpl ? 'obj_gpl_license() accepts it: no taint.' : `insmod itself writes TAINT_PROPRIETARY_MODULE into /proc/sys/kernel/tainted (2.4.16's list lacks "GPL v2"): the 2.4 kernel never reads .modinfo.`);

  // 7. Parameters: written into the object's section contents before relocation.
  const findSym = (n: string): { name: string; shndx: number; value: number } | null => {
    let best: { name: string; shndx: number; value: number } | null = null;
    for (const s of symbols) if (s.name === n && (best === null || s.bind !== 0)) best = { name: n, shndx: s.shndx, value: Number(s.value) };
    return best;
  };
  const writes: ParamWrite[] = [];
  for (const a of req.args) {
    const r = processArgument(a, findSym);
    if ('error' in r) {
      user('params', 'process_module_arguments', 'Bad parameter', r.error, [], -1);
      error(file, r.error);
    } else writes.push(...r.writes);
  }
  const pNotes = [...new Set(writes.map((w) => w.param))].map((p) => {
    const decl = facts.params.find((x) => x.name === p);
    const ws = writes.filter((w) => w.param === p);
    const kind = ws[0].bytes ? 'int (4 bytes)' : 'char * (string patched to a copy in .kstrtab)';
    const width = decl ? paramWidth(decl.type) : null;
    const same = decl && ((ws[0].bytes && width === 4 && decl.type !== 'charp') || (!ws[0].bytes && decl.type === 'charp'));
    return `${p}: written as ${kind} at ${elf.sections[ws[0].section]?.name}+${hx(BigInt(ws[0].offset))}; the .ko declares it with module_param(${decl ? decl.type : '?'})${same ? ', which agrees' : `, which ${decl ? 'differs: 6.1 would parse it as ' + decl.type : 'has no declaration'}`}`;
  });
  if (req.args.length) user('params', 'process_module_arguments', `${req.args.length} argument${req.args.length > 1 ? 's' : ''} written into the object`, `2.4 parameters are MODULE_PARM(var, fmt) with "parm_<var>=<fmt>" in .modinfo; this .ko uses 6.1's module_param (descriptors in __param, read by the kernel's parse_args()). Without kernel_version= in .modinfo, insmod takes the untyped path: a value starting with a digit is an int, anything else a string. ${pNotes.join('; ')}.`);

  // 8. create_this_module, hide_special_symbols, add_ksymoops_symbols, create_module_ksymtab.
  let kstr = '';
  const kstrAdd = (s: string): number => {
    const at = kstr.length;
    kstr += s + '\0';
    return at;
  };
  const nameAt = kstrAdd(name);
  const stringPatches: { section: number; offset: number; at: number }[] = [];
  for (const w of writes) if (w.str !== null) stringPatches.push({ section: w.section, offset: w.offset, at: kstrAdd(w.str) });
  const hasKsymtab = elf.sections.some((s) => s.name === '__ksymtab' && s.flags & SHF_ALLOC);
  const special = new Set(['init_module', 'cleanup_module', 'kernel_version']);
  const allocIdx = new Set(elf.sections.filter((s) => s.flags & SHF_ALLOC && s.name !== '.modinfo').map((s) => s.index));
  const exportList: { name: string; symbol: number | null; section?: number }[] = [];
  const version = versionCode(mVersion);
  exportList.push({ name: `__insmod_${name}_O/root/${file.split('/').pop()}_M${'0'.repeat(16)}_V${version}`, symbol: null, section: -1 });
  for (const sn of ['.text', '.rodata', '.data', '.bss']) {
    const s = elf.sections.find((x) => x.name === sn && x.size > 0);
    if (s) exportList.push({ name: `__insmod_${name}_S${sn}_L${s.size}`, symbol: null, section: s.index });
  }
  if (hasKsymtab) {
    for (const e of facts.exports) {
      const i = symbols.findIndex((s) => s.name === e.symbol && s.rawShndx !== 0);
      exportList.push({ name: (e.gplOnly ? 'GPLONLY_' : '') + e.name, symbol: i < 0 ? null : i });
    }
  } else {
    for (let i = 1; i < count; i++) {
      const s = symbols[i];
      if (s.bind === 0 || !s.name || special.has(s.name) || !allocIdx.has(s.shndx)) continue;
      exportList.push({ name: s.name, symbol: i });
    }
  }
  const exportNameAt = exportList.map((e) => kstrAdd(e.name));
  const depMods = stat.filter((m) => used.includes(m.name));
  user('link', 'create_module_ksymtab', `struct module, ${exportList.length} exports, ${depMods.length} dependencies`, `create_this_module() puts a ${SIZEOF_MODULE24}-byte .this section (2.4's struct module) first in the load order, with the name "${name}" in a new .kstrtab. init_module, cleanup_module and kernel_version become local. ${hasKsymtab ? `The .ko has a __ksymtab (6.1 format, meaningless here), so Modscope writes its ${facts.exports.length} exports in 2.4's {value, name} form into a section of its own (GPL-only ones as GPLONLY_<name>); a real 2.4 insmod would have read 6.1's entries as 2.4 ones.` : 'The object has no __ksymtab, so every global symbol in a loaded section is exported (flag_export).'} add_ksymoops_symbols() adds __insmod_${name}_O…/_S… symbols for ksymoops. ${depMods.length ? `.kmodtab gets one struct module_ref per module used (${depMods.map((m) => m.name).join(', ')}).` : 'No other module is used: no .kmodtab.'}`);

  // 9. obj_load_size(): the layout.
  const inputs: LayoutInput[] = elf.sections.filter((s) => allocIdx.has(s.index)).map((s) => ({ index: s.index, name: s.name, flags: s.flags, type: s.type, size: s.size, align: s.addralign }));
  inputs.push({ index: -2, name: '.kstrtab', flags: SHF_ALLOC, type: 1, size: kstr.length, align: 1 });
  if (depMods.length) inputs.push({ index: -3, name: '.kmodtab', flags: SHF_ALLOC, type: 1, size: depMods.length * SIZEOF_MODULE_REF, align: 8 });
  inputs.push({ index: -4, name: hasKsymtab ? '__ksymtab (2.4 form)' : '__ksymtab', flags: SHF_ALLOC, type: 1, size: exportList.length * 16, align: 8 });
  const { placements, size } = layoutImage({ index: -1, name: '.this', flags: SHF_ALLOC | 1, type: 1, size: SIZEOF_MODULE24, align: 8 }, inputs);
  res.layout = placements;
  const offOf = new Map(placements.map((p) => [p.index, p]));
  user('reserve', 'obj_load_size', `Image of ${size.toLocaleString('en-US')} bytes: struct module first`, `obj_insert_section_load_order() sorts by obj_load_order_prio() (not ".init" 64, ALLOC 32, EXEC 16, read-only 8, not NOBITS 4): ${placements.map((p) => `${p.name}@${hx(BigInt(p.offset))}`).join(', ')}. One region: 2.4 has no separate init memory and never frees .init.text. (2.4 named init sections ".text.init"; this .ko's ".init.text" does not end in ".init", so it sorts with the other code.)`, placements.map((p) => ({ kind: 'place', section: p.index, name: p.name, region: 'core', group: p.exec ? 'text' : 'data', offset: p.offset, size: p.size, align: p.align }) as Effect));

  // 10. create_module(name, size).
  let base: bigint;
  if (req.noload) {
    base = NOLOAD_ADDR;
    user('reserve', 'INSMOD_MAIN', 'insmod -n: no kernel memory', `With -n insmod never calls create_module: it relocates against ${hx(NOLOAD_ADDR)}${req.relocateAt ? ' — here against the section addresses given instead' : ''}.`);
  } else {
    const c = sysCreateModule(K, name, size);
    if (c.errno) {
      if (c.errno === -17) {
        // dolock is on by default: "Assume that we were just invoked simultaneous with another insmod and return success."
        user('result', 'INSMOD_MAIN', 'EEXIST: assumed a racing insmod', 'create_module returned -EEXIST; with locking on, insmod assumes another insmod just loaded it and exits 0.');
        return;
      }
      return error(file, c.errno === -12 ? `can't allocate kernel memory for module; needed ${size} bytes` : `create_module: ${strerror(c.errno)}`, c.errno);
    }
    base = c.addr;
  }
  const secAddr = (i: number): bigint => req.relocateAt?.get(i) ?? base + BigInt(offOf.get(i)?.offset ?? 0);

  // 11. obj_relocate(): symbol values, then every RELA entry, then the string and symbol patches — all in insmod's memory.
  const buf = K.k.memory.allocate(USER_BUFFER, size, 'reserved', `insmod's image of ${name} (user space)`, null, K.timeline.position);
  for (const p of placements) {
    if (p.index < 0 || p.zero) continue;
    const s = elf.sections[p.index];
    buf.bytes.set(elf.bytes.subarray(s.offset, s.offset + s.size), p.offset);
  }
  for (const w of writes) if (w.bytes) buf.bytes.set(w.bytes, (offOf.get(w.section)?.offset ?? 0) + w.offset);
  const symLo = new Uint32Array(count);
  const symHi = new Uint32Array(count);
  const finals: FinalSymbol[] = [];
  const valueOf = (i: number): bigint => {
    const s = symbols[i];
    const r = resolved.get(i);
    if (r) return r.value;
    if (s.rawShndx === 0) return 0n;
    if (s.rawShndx === 0xfff1) return s.value;
    return offOf.has(s.shndx) ? secAddr(s.shndx) + s.value : s.value;
  };
  for (let i = 1; i < count; i++) {
    if (symbols[i].rawShndx === 0xfff2) {
      user('relocate', 'obj_allocate_commons', 'COMMON symbols', `${symbols[i].name} is a COMMON symbol; obj_allocate_commons() would put it in .bss. Modscope does not model that (modules are built with -fno-common).`, [], -1);
      error(file, `COMMON symbol ${symbols[i].name} not modelled`);
    }
    const v = valueOf(i);
    symLo[i] = Number(v & 0xffffffffn);
    symHi[i] = Number(v >> 32n);
    finals.push({ index: i, name: symbols[i].name, value: v });
  }
  const targets: (SectionTarget | null)[] = elf.sections.map((s) => {
    const p = offOf.get(s.index);
    if (!p) return null;
    const a = secAddr(s.index);
    return { lo: Number(a & 0xffffffffn), hi: Number(a >> 32n), alloc: buf, offset: p.offset, size: s.size };
  });
  const relsecs = relocationSectionsToApply(elf, (i) => (offOf.has(i) ? SHF_ALLOC : 0));
  const firstPos = K.timeline.position;
  const out = applyRelocateAdd({ elf, modName: name, symLo, symHi, symNames: (i) => (symbols[i]?.type === 3 && !symbols[i].name ? (elf.sections[symbols[i].shndx]?.name ?? `#${i}`) : (symbols[i]?.name ?? `#${i}`)), targets, firstPos }, relsecs);
  res.relocations = out.block;
  const addrEffects: Effect[] = placements.filter((p) => p.index >= 0).map((p) => ({ kind: 'address', section: p.index, name: p.name, address: hex64(secAddr(p.index)) }) as Effect);
  K.step(
    {
      stage: 'relocate',
      side: 'user',
      fn: 'obj_relocate',
      file: OBJ,
      title: out.error ? 'A relocation cannot be applied' : `${out.applied.toLocaleString('en-US')} relocations applied in user space`,
      text: `Every section's sh_addr gets ${hx(base)} added; then arch_apply_relocation() (obj_x86_64.c) patches insmod's own copy: ${out.sections.map((s) => `${s.name} → ${s.target} (${s.count})`).join(', ') || 'no relocation sections'}. modutils adds to the bytes already there (64: += S + A; PC32: += S + A − P) with no overflow check; the targets of a .ko are zero, so the result is the same S + A (− P) the 6.1 kernel writes.`,
      effects: addrEffects,
      ...(out.error ? { errno: -1 } : {}),
    },
    req.relocateAt ? out.block : new UserSpaceRelocations(out.block, USER_BUFFER - base),
  );
  if (out.error) {
    const rs = out.block.describe(out.error.item);
    error(file, `${rs.status === 'unknown-type' ? 'Unhandled relocation' : rs.status === 'overflow' ? 'Relocation overflow' : 'Dangerous relocation'} of type ${rs.typeNumber} for ${rs.symbol}`);
  }
  // The patches: .this's name, string parameters, .kmodtab refs, the export table.
  const kstrAddr = secAddr(-2);
  const thisOff = offOf.get(-1)?.offset ?? 0;
  const kstrOff = offOf.get(-2)?.offset ?? 0;
  // Later writes into insmod's buffer are recorded, so its memory window can be scrubbed.
  const mem = K.k.memory;
  const rec64 = (off: number, v: bigint, what: string): void => {
    const b = new Uint8Array(8);
    putU64(b, 0, v);
    mem.writeAt(buf, off, b, K.timeline.position, what);
  };
  mem.writeAt(buf, kstrOff, Uint8Array.from(kstr, (c) => c.charCodeAt(0) & 0xff), K.timeline.position, '.kstrtab strings');
  rec64(thisOff + M24.name, kstrAddr + BigInt(nameAt), 'string patch: struct module name');
  for (const p of stringPatches) rec64((offOf.get(p.section)?.offset ?? 0) + p.offset, kstrAddr + BigInt(p.at), 'string patch: parameter');
  const modOff = offOf.get(-3)?.offset ?? 0;
  depMods.forEach((m, i) => {
    rec64(modOff + i * SIZEOF_MODULE_REF, m.info?.addr ?? 0n, 'module_ref.dep');
    rec64(modOff + i * SIZEOF_MODULE_REF + 8, secAddr(-1), 'symbol patch: module_ref.ref');
  });
  const ksymOff = offOf.get(-4)?.offset ?? 0;
  const exportsFinal = exportList.map((e, i) => {
    const v = e.symbol !== null ? valueOf(e.symbol) : e.section !== undefined ? secAddr(e.section) : 0n;
    rec64(ksymOff + i * 16, v, 'export value');
    rec64(ksymOff + i * 16 + 8, kstrAddr + BigInt(exportNameAt[i]), 'string patch: export name');
    return { name: e.name, value: v };
  });
  user('relocate', 'obj_relocate', 'String and symbol patches', `The module name, ${stringPatches.length} string parameter${stringPatches.length === 1 ? '' : 's'} and ${exportsFinal.length} export names now point into .kstrtab at ${hx(kstrAddr)}${depMods.length ? '; each module_ref.ref points at this module\'s struct module' : ''}.`);
  const image = buf.bytes;
  res.image = image;
  if (req.noload) {
    user('result', 'INSMOD_MAIN', 'insmod -n: done', 'The image is built and relocated; the kernel was never asked.');
    return;
  }

  // 12. init_module() in insmod: fill struct module, obj_create_image(), sys_init_module().
  const initIdx = symbols.findIndex((s) => s.name === 'init_module' && s.rawShndx !== 0);
  const exitIdx = symbols.findIndex((s) => s.name === 'cleanup_module' && s.rawShndx !== 0);
  const initAddr = initIdx > 0 ? valueOf(initIdx) : 0n;
  const exitAddr = exitIdx > 0 ? valueOf(exitIdx) : 0n;
  const t = thisOff;
  const hdr = image.slice(t, t + SIZEOF_MODULE24);
  putU64(hdr, M24.sizeOfStruct, BigInt(SIZEOF_MODULE24));
  putU64(hdr, M24.size, BigInt(size));
  putU64(hdr, M24.flags, BigInt(req.autoclean ? MOD_AUTOCLEAN : 0));
  if (exportsFinal.length) {
    putU64(hdr, M24.syms, secAddr(-4));
    putU32(hdr, M24.nsyms, exportsFinal.length);
  }
  if (depMods.length) {
    putU64(hdr, M24.deps, secAddr(-3));
    putU32(hdr, M24.ndeps, depMods.length);
  }
  putU64(hdr, M24.init, initAddr);
  putU64(hdr, M24.cleanup, exitAddr);
  const ex = elf.sections.find((s) => s.name === '__ex_table' && offOf.has(s.index));
  if (ex) {
    putU64(hdr, M24.exTableStart, secAddr(ex.index));
    putU64(hdr, M24.exTableEnd, secAddr(ex.index) + BigInt(ex.size));
  }
  mem.writeAt(buf, t, hdr, K.timeline.position, 'struct module (insmod fills it in)');
  user('copy', 'init_module', 'struct module filled in', `In .this: size_of_struct ${SIZEOF_MODULE24}, size ${size}, flags ${req.autoclean ? 'MOD_AUTOCLEAN (-k)' : '0'}, syms ${exportsFinal.length ? hx(secAddr(-4)) : 'NULL'} (${exportsFinal.length}), deps ${depMods.length ? hx(secAddr(-3)) : 'NULL'} (${depMods.length}), init = init_module ${hx(initAddr)}, cleanup = cleanup_module ${hx(exitAddr)}${ex ? `, ex_table ${hx(secAddr(ex.index))}…` : ''}. obj_create_image() lays every section at sh_addr − ${hx(base)} in one ${size}-byte buffer; init_module("${name}", image) hands it over.`, [{ kind: 'write', address: hex64(USER_BUFFER + BigInt(t)), length: SIZEOF_MODULE24, what: 'struct module (user copy)' }]);
  K.pendingSymbols.set(name, finals);
  const sections: PlacedSection[] = placements.map((p) => ({ index: p.index, name: p.name, address: base + BigInt(p.offset), size: p.size, init: false, group: p.exec ? 'text' : 'data', nobits: p.zero }));
  const r = sysInitModule(K, name, image, sections);
  K.pendingSymbols.delete(name);
  K.k.memory.free(buf, K.timeline.position);
  if (r === -9) {
    // Killed by the oops: no message of its own, the shell reports the signal.
    op.output.push('Killed');
    throw new Stop(r);
  }
  if (r !== 0) {
    op.output.push(`${file}: init_module: ${strerror(r)}`, 'Hint: insmod errors can be caused by incorrect module parameters, including invalid IO or IRQ parameters.', '      You may find more information in syslog or the output from dmesg');
    sysDeleteModule(K, name);
    throw new Stop(r);
  }
  res.module = K.find(name) ?? null;
  if (mismatch) op.output.push(`Module ${name} loaded, with warnings`);
  user('result', 'INSMOD_MAIN', 'insmod exits 0', mismatch ? `It prints "Module ${name} loaded, with warnings".` : 'init_module returned 0; insmod prints nothing.');
}
