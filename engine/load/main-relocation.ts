/**
 * simplify_symbols(), apply_relocations() and post_relocation() of load_module() (kernel/module/main.c,
 * 6.1): every symbol gets its final value, every relocation is applied through apply_relocate_add()
 * (relocate.ts), and the core kallsyms table and the module's exports are written.
 */
import { thousands } from '../base/thousands';
import { STT_FUNC, STT_SECTION } from '../elf/constants';
import { KERN_WARNING } from '../kernel/log';
import type { FinalSymbol, LoadedModule } from '../kernel/module-record';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { ARCH_MODULE_C, moduleFinalizeSummary } from './arch-module';
import type { LoadInfo } from './context';
import { utf8Bytes } from '../base/utf8';
import { buildCoreKallsyms } from './kallsyms';
import { applyRelocateAdd, relocationSectionsToApply, type SectionTarget } from './relocate';
import { resolveEnvFor } from './resolve-env';
import { ENOMEM } from './errno';
import { moduleKmalloc } from './module-kmallocs';
import { hx, MAIN } from './step-text';
import { readPtr, STRUCT_MODULE, u64, writeField } from './struct-module';
import { simplifySymbolBlock } from './symbols';

/** simplify_symbols(): undefined symbols looked up (and CRC-checked), the others relocated to their section. */
export function simplifySymbols(info: LoadInfo): number {
  const { rec, elf } = info;
  const mod = info.module;
  const name = mod.name;
  const symbols = elf.symtab?.symbols ?? [];
  const usesBefore = mod.uses.length;
  const simp = simplifySymbolBlock(symbols, resolveEnvFor(info, mod));
  const undef = symbols.filter((s) => s.rawShndx === 0 && s.name !== '').length;
  const providers = new Map<string, number>();
  for (let i = 0; i < simp.block.count; i++) {
    const p = simp.block.provider[i];
    if (p && simp.block.status[i] === 'resolved') providers.set(p, (providers.get(p) ?? 0) + 1);
  }
  const from = [...providers].map(([p, n]) => `${n} from ${p}`).join(', ') || 'none found';
  rec.step(
    {
      phase: 'symbols',
      fn: 'simplify_symbols',
      file: MAIN,
      title: simp.errno ? 'Some symbols cannot be resolved' : 'Every symbol has its final value',
      text:
        `${symbols.length - 1} symbols: ${undef} undefined ones looked up (${from}), each CRC compared with __versions; ` +
        `the others get their section's final address added.${simp.errno ? ` Failed with ${simp.errno}.` : ''}`,
      effects: mod.uses.slice(usesBefore).map((u): Effect => ({ kind: 'ref', from: name, to: u, action: 'get' })),
      ...(simp.errno ? { errno: simp.errno } : {}),
    },
    simp.block,
  );
  info.symbolBlock = simp.block;
  return simp.errno;
}

/** apply_relocations(): each SHT_RELA section whose target is allocated, through apply_relocate_add(). */
export function applyRelocations(info: LoadInfo): number {
  const { k, rec, elf } = info;
  const mod = info.module;
  const block = info.symbolBlock;
  if (!block) throw new Error('apply_relocations() before simplify_symbols()');
  const byIndex = new Map(info.layout.placements.map((q) => [q.index, q]));
  const targets: (SectionTarget | null)[] = elf.sections.map((s) => {
    const p = byIndex.get(s.index);
    const a = p ? (p.init ? info.init : info.core) : null;
    if (!p || !a) return null;
    const addr = a.base + BigInt(p.offset);
    return { lo: Number(addr & 0xffffffffn), hi: Number(addr >> 32n), alloc: a, offset: p.offset, size: s.size };
  });
  const relsecs = relocationSectionsToApply(elf, (i) => info.secs[i].flags);
  const firstPos = rec.pos;
  const out = applyRelocateAdd(
    { elf, modName: mod.name, symLo: block.lo, symHi: block.hi, symNames: (i) => symbolDisplayName(info, i), targets, firstPos },
    relsecs,
  );
  if (out.error) for (const line of out.error.lines) k.printkAt(KERN_WARNING, line, firstPos + out.error.item);
  const skipped = elf.relocSections.filter((r) => !relsecs.includes(r)).map((r) => r.name);
  const applied = out.sections.map((s) => `${s.name} → ${s.target} (${s.count})`).join(', ') || 'No relocation sections';
  rec.step(
    {
      phase: 'relocate',
      fn: 'apply_relocations',
      file: ARCH_MODULE_C,
      title: out.error ? 'A relocation is refused' : `${thousands(out.applied)} relocations applied`,
      text:
        `${applied}${skipped.length ? `; skipped (target not allocated): ${skipped.join(', ')}` : ''}. ` +
        'Each writes S + A (absolute) or S + A − P (PC-relative) into the copied bytes, which must still be zero.',
      ...(out.error ? { errno: -out.error.errno } : {}),
    },
    out.block,
  );
  if (out.error) return -out.error.errno;
  mod.relocationCount = out.applied;
  lazy(
    mod,
    'symbolTable',
    finalSymbols(
      (elf.symtab?.symbols ?? []).map((s) => s.name),
      block.lo,
      block.hi,
    ),
  );
  return 0;
}

/** Section symbols are shown by their section's name, as readelf does. */
function symbolDisplayName(info: LoadInfo, i: number): string {
  const s = info.elf.symtab?.symbols[i];
  if (!s) return `#${i}`;
  if (s.type === STT_SECTION && s.name === '') return info.elf.sections[s.shndx]?.name ?? `#${i}`;
  return s.name;
}

/** post_relocation(): add_kallsyms(), the exports as others will see them, module_finalize(). */
export function postRelocation(info: LoadInfo): number {
  const { k, rec, elf, facts } = info;
  const mod = info.module;
  const lay = info.layout;
  const symbols = elf.symtab?.symbols ?? [];
  const block = info.symbolBlock;
  const value = (i: number): bigint => (block ? block.value(i) : symbols[i].value);
  // add_kallsyms()
  // s_show() upper-cases a module symbol when is_exported() finds it, and 6.1's is_exported() looks
  // only at mod->syms (EXPORT_SYMBOL), not gpl_syms: a GPL-only export stays lower case.
  const exported = new Set(facts.exports.filter((e) => !e.gplOnly).map((e) => e.symbol));
  const ks = buildCoreKallsyms(elf, symbols, lay.coreSymbols, value, (i) => info.secs[i]?.flags ?? 0, info.index.pcpu, exported, block ?? undefined);
  const core = info.core;
  if (core) {
    // The room layout_symtab() made after core's data: move_module() memset() all of core to 0 and copied sections
    // only into their own places (kernel/module/main.c), so these writes replace zero bytes (no copy kept for undo).
    k.memory.writeAt(core, lay.kallsyms.coreSymOffset, ks.symtab, rec.pos, 'core kallsyms: symtab', true);
    k.memory.writeAt(core, lay.kallsyms.coreStrOffset, ks.strtab, rec.pos, 'core kallsyms: strtab', true);
    k.memory.writeAt(core, lay.kallsyms.coreTypeOffset, ks.typetab, rec.pos, 'core kallsyms: typetab', true);
  }
  lazy(mod, 'kallsyms', ks.entries);
  // Exports as other modules will see them: __ksymtab entries resolve to these symbols.
  // Only the exported names are looked up: index those, not all of .symtab (amdgpu: ~26,000 names for a few hundred exports).
  const wanted = new Set(facts.exports.map((e) => e.symbol));
  const symByName = new Map<string, number>();
  if (wanted.size)
    symbols.forEach((s, i) => {
      if (s.name && s.rawShndx !== 0 && wanted.has(s.name) && !symByName.has(s.name)) symByName.set(s.name, i);
    });
  mod.exports = facts.exports.map((e) => ({
    name: e.name,
    address: symByName.has(e.symbol) ? value(symByName.get(e.symbol) as number) : 0n,
    crc: e.crc === undefined ? null : Number(e.crc),
    gpl: e.gplOnly,
    namespace: e.namespace || null,
  }));
  const initAt = readPtr(info, STRUCT_MODULE.init);
  const exitAt = readPtr(info, STRUCT_MODULE.exit);
  mod.initFn = initAt;
  mod.exitFn = exitAt;
  mod.initName = initAt === null ? null : functionAt(info, initAt);
  mod.exitName = exitAt === null ? null : functionAt(info, exitAt);
  const symAt = (core?.base ?? 0n) + BigInt(lay.kallsyms.coreSymOffset);
  rec.step({
    phase: 'finalize',
    fn: 'post_relocation',
    file: MAIN,
    title: 'Symbols for kallsyms, and x86 fix-ups',
    text: `add_kallsyms() writes ${lay.kallsyms.coreCount} core symbols at ${hx(symAt)}. ${moduleFinalizeSummary(elf)}`,
    effects: core
      ? [{ kind: 'write', address: hex64(symAt), length: ks.symtab.length + ks.strtab.length + ks.typetab.length, what: 'core kallsyms' }]
      : [],
  });
  return 0;
}

/** mod->args = strndup_user(uargs): the argument string is copied into kmalloc'd memory. */
export function strndupUser(info: LoadInfo): number {
  const { k, rec } = info;
  const name = info.module.name;
  const size = info.args.length + 1;
  // What if…: memdup_user()'s kmalloc returns NULL (a fault): mod->args = ERR_PTR(-ENOMEM), goto free_arch_cleanup.
  if (info.fault.alloc('strndup_user', 'strndup_user', 'memdup_user', `${name} args`, size, -ENOMEM) || info.fault.call('strndup_user')) {
    rec.step({
      phase: 'finalize',
      fn: 'strndup_user',
      file: MAIN,
      title: 'No memory for the argument string',
      text:
        `memdup_user(uargs, ${size}) cannot allocate (what if…: a fault put here): ` +
        'mod->args is ERR_PTR(-ENOMEM) and load_module() jumps to free_arch_cleanup.',
      errno: -ENOMEM,
    });
    return -ENOMEM;
  }
  const argsBase = moduleKmalloc(k, name, 'args', size, `${name} args`, rec.pos).base;
  k.memory.write(argsBase, utf8Bytes(info.args + '\0'), rec.pos, 'mod->args');
  writeField(info, STRUCT_MODULE.args, u64(argsBase), 'args');
  rec.step({
    phase: 'finalize',
    fn: 'strndup_user',
    file: MAIN,
    title: 'The argument string is kept',
    text: `mod->args = "${info.args}" (kmalloc'd at ${hx(argsBase)}); parse_args() will read it once the module is formed.`,
  });
  return 0;
}

/** The name of the function at `addr` (a FUNC symbol), preferring the real name over init_module/cleanup_module. */
function functionAt(info: LoadInfo, addr: bigint): string | null {
  const block = info.symbolBlock;
  const symbols = info.elf.symtab?.symbols ?? [];
  if (!block) return null;
  const lo = Number(addr & 0xffffffffn);
  const hi = Number(addr >> 32n);
  let alias: string | null = null;
  for (let i = 1; i < symbols.length; i++) {
    if (symbols[i].type !== STT_FUNC || block.lo[i] !== lo || block.hi[i] !== hi) continue;
    const n = symbols[i].name;
    if (n === 'init_module' || n === 'cleanup_module') alias = n;
    else return n;
  }
  return alias;
}

/**
 * The symbol table with final values, made on first read from the names and the final values' halves only: a closure
 * in applyRelocations() would keep the whole load_info (the file's bytes, every parsed symbol) alive with the module.
 */
function finalSymbols(names: readonly string[], lo: Uint32Array, hi: Uint32Array): () => FinalSymbol[] {
  return () => names.map((name, index) => ({ index, name, value: (BigInt(hi[index]) << 32n) | BigInt(lo[index]) }));
}

/** A field computed on first read (big modules have 100,000 symbols; most loads never list them). */
function lazy<K extends 'symbolTable' | 'kallsyms'>(mod: LoadedModule, key: K, make: () => LoadedModule[K]): void {
  let v: LoadedModule[K] | null = null;
  Object.defineProperty(mod, key, { get: () => (v ??= make()), configurable: true, enumerable: true });
}
