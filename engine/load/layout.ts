/**
 * layout_sections() and layout_symtab() of Linux 6.1 (kernel/module/main.c, kernel/module/kallsyms.c)
 * for x86-64: one core allocation (data_layout is core_layout when
 * CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC is off) and one init allocation, five mask passes each,
 * sections in index order, page rounding between groups because STRICT_MODULE_RWX=y (strict_align).
 */
import { SHF_ALLOC, SHF_EXECINSTR, SHF_RO_AFTER_INIT, SHF_WRITE, SHN_UNDEF, SHT_NOBITS } from '../elf/constants';
import { PAGE_SIZE } from '../machine/address-space';

export interface LayoutSection {
  index: number;
  name: string;
  type: number;
  /** sh_flags as the loader has rewritten them so far (low 32 bits). */
  flags: number;
  size: number;
  addralign: number;
}

export interface Placement {
  index: number;
  name: string;
  init: boolean;
  offset: number;
  size: number;
  align: number;
  /** Which mask pass took it, in the kernel's words. */
  group: 'text' | 'rodata' | 'ro_after_init' | 'data' | 'other' | 'symtab' | 'strtab';
}

export interface RegionLayout {
  size: number;
  textSize: number;
  roSize: number;
  roAfterInitSize: number;
}

export interface ModuleLayoutResult {
  placements: Placement[];
  core: RegionLayout;
  init: RegionLayout;
  /** layout_symtab(): where add_kallsyms() puts the core symbol table, its strings and typetab. */
  kallsyms: {
    coreSymOffset: number;
    coreStrOffset: number;
    coreTypeOffset: number;
    coreCount: number;
    coreStrSize: number;
    initModKallsymsOffset: number;
    initTypeOffset: number;
    symtabCount: number;
  };
  /** Symbol indices kept in the core symbol table (is_core_symbol), symbol 0 included. */
  coreSymbols: number[];
}

const MASKS: [number, number][] = [
  [SHF_EXECINSTR | SHF_ALLOC, 0],
  [SHF_ALLOC, SHF_WRITE],
  [SHF_RO_AFTER_INIT | SHF_ALLOC, 0],
  [SHF_WRITE | SHF_ALLOC, 0],
  [SHF_ALLOC, 0],
];
const GROUPS: Placement['group'][] = ['text', 'rodata', 'ro_after_init', 'data', 'other'];

const align = (v: number, a: number): number => Math.ceil(v / a) * a;
const pageAlign = (v: number): number => align(v, PAGE_SIZE);

/** module_init_layout_section(): with MODULE_UNLOAD=y only names starting ".init" go to init. */
export function isInitSection(name: string): boolean {
  return name.startsWith('.init');
}

export interface SymbolForLayout {
  nameOffset: number;
  name: string;
  shndx: number;
}

/**
 * @param sections every section header (index order) with the loader's flags
 * @param symtab the .symtab section index and its string table index
 * @param symbols the symbols, for layout_symtab's core symbol count
 * @param pcpuIndex index of .data..percpu, or 0
 * @param namesAscii every name is ASCII
 */
export function layoutModule(
  sections: LayoutSection[],
  symtab: { index: number; strIndex: number },
  symbols: SymbolForLayout[],
  pcpuIndex: number,
  /** Every name is ASCII (ElfSymbolTable.namesAscii): a name's length is its byte count. */
  namesAscii = false,
): ModuleLayoutResult {
  const placements: Placement[] = [];
  const placed = new Map<number, Placement>();
  const core: RegionLayout = { size: 0, textSize: 0, roSize: 0, roAfterInitSize: 0 };
  const init: RegionLayout = { size: 0, textSize: 0, roSize: 0, roAfterInitSize: 0 };

  // module_get_offset(): offset = ALIGN(size, sh_addralign ?: 1); size = offset + sh_size.
  const place = (r: RegionLayout, s: LayoutSection, isInit: boolean, group: Placement['group']): void => {
    const a = s.addralign || 1;
    const offset = align(r.size, a);
    r.size = offset + s.size;
    const p: Placement = { index: s.index, name: s.name, init: isInit, offset, size: s.size, align: a, group };
    placements.push(p);
    placed.set(s.index, p);
  };

  for (const isInit of [false, true]) {
    const r = isInit ? init : core;
    for (let m = 0; m < MASKS.length; m++) {
      const [must, mustNot] = MASKS[m];
      for (const s of sections) {
        if ((s.flags & must) !== must || s.flags & mustNot || placed.has(s.index) || isInitSection(s.name) !== isInit) continue;
        place(r, s, isInit, GROUPS[m]);
      }
      if (m === 0) r.textSize = r.size = pageAlign(r.size);
      else if (m === 1) r.roSize = r.size = pageAlign(r.size);
      else if (m === 2) {
        // "This is not possible in init": ro_after_init_size is just ro_size there.
        if (isInit) r.roAfterInitSize = r.roSize;
        else r.roAfterInitSize = r.size = pageAlign(r.size);
      } else if (m === 4) r.size = pageAlign(r.size);
    }
  }

  // layout_symtab(): the whole .symtab and .strtab go to the end of init (flagged ALLOC there) …
  const byIndex = new Map(sections.map((s) => [s.index, s]));
  const symsect = byIndex.get(symtab.index);
  const strsect = byIndex.get(symtab.strIndex);
  if (!symsect || !strsect) throw new Error('layout_symtab: no symbol table');
  place(init, symsect, true, 'symtab');

  // … and a cut-down table of "core symbols" (is_core_symbol, KALLSYMS_ALL=y) after core's data.
  const coreSymbols: number[] = [];
  let strtabSize = 0;
  for (let i = 0; i < symbols.length; i++) {
    if (i === 0 || isCoreSymbol(symbols[i], byIndex, placed, pcpuIndex)) {
      coreSymbols.push(i);
      strtabSize += (namesAscii ? symbols[i].name.length : utf8Length(symbols[i].name)) + 1;
    }
  }
  const coreSymOffset = align(core.size, symsect.addralign || 1);
  const coreStrOffset = coreSymOffset + coreSymbols.length * 24;
  core.size = coreStrOffset + strtabSize;
  const coreTypeOffset = core.size;
  core.size += coreSymbols.length;
  core.size = pageAlign(core.size);

  place(init, strsect, true, 'strtab');
  // struct mod_kallsyms (32 bytes, 8-aligned) and one type byte per symbol.
  init.size = align(init.size, 8);
  const initModKallsymsOffset = init.size;
  init.size += 32;
  const initTypeOffset = init.size;
  init.size += symbols.length;
  init.size = pageAlign(init.size);

  return {
    placements,
    core,
    init,
    kallsyms: {
      coreSymOffset,
      coreStrOffset,
      coreTypeOffset,
      coreCount: coreSymbols.length,
      coreStrSize: strtabSize,
      initModKallsymsOffset,
      initTypeOffset,
      symtabCount: symbols.length,
    },
    coreSymbols,
  };
}

/** is_core_symbol() (kernel/module/kallsyms.c) with CONFIG_KALLSYMS_ALL=y. */
function isCoreSymbol(s: SymbolForLayout, byIndex: Map<number, LayoutSection>, placed: Map<number, Placement>, pcpuIndex: number): boolean {
  if (s.shndx === SHN_UNDEF || !byIndex.has(s.shndx) || s.nameOffset === 0) return false;
  if (pcpuIndex !== 0 && s.shndx === pcpuIndex) return true;
  const sec = byIndex.get(s.shndx);
  if (!sec || !(sec.flags & SHF_ALLOC)) return false;
  const p = placed.get(s.shndx);
  return !(p && p.init);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

export const NOBITS = SHT_NOBITS;
