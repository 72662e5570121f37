/**
 * layout_and_allocate() (kernel/module/main.c, 6.1): check_modinfo(), the flag fix-ups, the layout of
 * core and init memory, and move_module() into the modules area.
 */
import { SHF_ALLOC, SHF_RO_AFTER_INIT, SHT_NOBITS } from '../elf/constants';
import type { PlacedSection } from '../kernel/module-record';
import type { Effect } from '../trace/types';
import { hex64 } from '../base/hex';
import { moduleAlloc } from './arch-module';
import type { LoadInfo } from './context';
import { layoutSymtab } from './kallsyms';
import { layoutModule } from './layout';
import { checkModinfo } from './main-modinfo';
import { hx, MAIN } from './step-text';
import { moduleEnforceRwxSections } from './strict-rwx';

export function layoutAndAllocate(info: LoadInfo): number {
  const { rec, elf } = info;
  let err = checkModinfo(info);
  if (err) return err;
  // module_frob_arch_sections(): x86-64 has nothing to frob.
  err = moduleEnforceRwxSections(info);
  if (err) return err;
  // We will do a special allocation for per-cpu sections later.
  if (info.index.pcpu) info.secs[info.index.pcpu].flags &= ~SHF_ALLOC;
  const roai: string[] = [];
  for (const n of ['.data..ro_after_init', '__jump_table']) {
    const i = elf.sections.findIndex((s) => s.name === n && info.secs[s.index].flags & SHF_ALLOC);
    if (i > 0) {
      info.secs[i].flags |= SHF_RO_AFTER_INIT;
      roai.push(n);
    }
  }
  rec.step({
    phase: 'layout',
    fn: 'layout_and_allocate',
    file: MAIN,
    title: 'Flags adjusted before layout',
    text:
      'No section is both writable and executable. ' +
      (info.index.pcpu ? '.data..percpu loses SHF_ALLOC (it gets per-CPU memory instead). ' : '') +
      (roai.length
        ? roai.join(' and ') + ' get SHF_RO_AFTER_INIT: writable during init, read-only after.'
        : 'No .data..ro_after_init or __jump_table section.'),
  });
  layoutSections(info);
  layoutSymtab(info);
  return moveModule(info);
}

/** layout_sections(): sections sorted into core and init by their flags (the symbol tables' room is computed with them). */
export function layoutSections(info: LoadInfo): void {
  const { rec, elf } = info;
  const symbols = elf.symtab?.symbols ?? [];
  const lay = layoutModule(
    elf.sections.map((s) => ({ index: s.index, name: s.name, type: s.type, flags: info.secs[s.index].flags, size: s.size, addralign: s.addralign })),
    { index: info.index.sym, strIndex: info.index.str },
    // ElfSymbol.shndx is st_shndx, or the SHN_XINDEX escape resolved when it can be (else SHN_XINDEX): what layout wants.
    symbols,
    info.index.pcpu,
    elf.symtab?.namesAscii ?? false,
  );
  info.layout = lay;
  const secPlacements = lay.placements.filter((p) => p.group !== 'symtab' && p.group !== 'strtab');
  const { core } = lay;
  rec.step({
    phase: 'layout',
    fn: 'layout_sections',
    file: MAIN,
    title: 'Sections sorted into core and init memory',
    text:
      `${secPlacements.filter((p) => !p.init).length} sections go to core ` +
      `(text ${hx(BigInt(core.textSize))}, read-only up to ${hx(BigInt(core.roSize))}, ro-after-init up to ${hx(BigInt(core.roAfterInitSize))}) ` +
      `and ${secPlacements.filter((p) => p.init).length} to init (names starting ".init"). ` +
      'Each pass takes sections in index order, aligned to sh_addralign; STRICT_MODULE_RWX page-aligns each group.',
    effects: secPlacements.map((p): Effect => ({
      kind: 'place',
      section: p.index,
      name: p.name,
      region: p.init ? 'init' : 'core',
      group: p.group,
      offset: p.offset,
      size: p.size,
      align: p.align,
    })),
  });
}

/** move_module(): module_alloc() for core and init, then every allocated section copied to its final address. */
export function moveModule(info: LoadInfo): number {
  const { k, rec, elf } = info;
  const lay = info.layout;
  const err = moduleAlloc(info);
  if (err) return err;
  const { core, init } = info;
  const copied: Effect[] = [];
  const placedSections: PlacedSection[] = [];
  for (const p of lay.placements) {
    const s = elf.sections[p.index];
    const a = p.init ? init : core;
    if (!a) continue;
    const dest = a.base + BigInt(p.offset);
    if (s.type !== SHT_NOBITS && s.size > 0) {
      k.memory.writeAt(a, p.offset, elf.bytes.subarray(s.offset, s.offset + s.size), rec.pos, `copy of ${s.name}`, true);
      copied.push({ kind: 'write', address: hex64(dest), length: s.size, what: s.name });
    }
    info.secs[p.index].addr = dest;
    copied.push({ kind: 'address', section: p.index, name: s.name, address: hex64(dest) });
    placedSections.push({ index: p.index, name: s.name, address: dest, size: s.size, init: p.init, group: p.group, nobits: s.type === SHT_NOBITS });
  }
  info.placed = placedSections;
  const nobits = lay.placements.filter((p) => elf.sections[p.index].type === SHT_NOBITS).map((p) => p.name);
  rec.step({
    phase: 'allocate',
    fn: 'move_module',
    file: MAIN,
    title: 'Sections copied to their final addresses',
    text:
      `${lay.placements.length} sections copied from the temporary image${nobits.length ? `; ${nobits.join(', ')} (NOBITS) not copied: already zero` : ''}. ` +
      `From now on every sh_addr is the final address; struct module lives at ${hx(info.secs[info.index.mod].addr)}.`,
    effects: copied,
  });
  return 0;
}
