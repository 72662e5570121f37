/**
 * modutils 2.4.16's object library (obj/obj_load.c, obj/obj_common.c, obj/obj_reloc.c) as insmod uses
 * it: read the object, check its undefined symbols, allocate commons, size the image, relocate it.
 */
import { EM_X86_64, ET_REL, SHF_ALLOC, SHF_WRITE, SHN_COMMON, SHT_PROGBITS, STT_SECTION } from '../elf/constants';
import { isElfError } from '../elf/errors';
import { readElf } from '../elf/index';
import { readModuleFacts } from '../kmod/facts';
import { applyRelocateAdd, relocationSectionsToApply, type SectionTarget } from '../load/relocate';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { UserSpaceRelocations, USER_BUFFER } from './user-relocations';
import { OBJ, type InsmodRun } from './insmod-run24';
import { hx } from '../load/step-text';
import { layoutImage, type LayoutInput } from './layout24';
import { M24, putU64, SIZEOF_MODULE24, SIZEOF_MODULE_REF, SIZEOF_MODULE_SYMBOL } from './struct-module';

/** Sections of a .ko that mean nothing to 2.4, and what they are. */
const NO_24_MEANING: Record<string, string> = {
  __versions: "__versions is 6.1's CRC table (2.4 put CRCs in the symbol names)",
  '.gnu.linkonce.this_module': ".gnu.linkonce.this_module is 6.1's struct module (2.4's is the .this section insmod creates)",
  __ksymtab: '__ksymtab holds 6.1-format kernel_symbol entries',
  __param: "__param holds module_param descriptors for 6.1's parse_args()",
};

/** obj_load(): the ELF object into insmod's memory and hash table. */
export function objLoad(f: InsmodRun): boolean {
  const { file } = f;
  let elf;
  try {
    elf = readElf(f.req.image);
  } catch (e) {
    if (!isElfError(e)) throw e;
    f.user('check', 'obj_load', 'Not a loadable object', `${e.message} (at byte ${e.offset}).`, [], -1);
    return f.error(file, e.code === 'NOT_ELF' || e.code === 'BAD_MAGIC' ? `${file} is not an ELF file` : `error reading ELF section data ${file}`);
  }
  if (elf.header.machine !== EM_X86_64 || elf.header.class !== 64) {
    f.user('check', 'obj_load', 'Wrong architecture', `e_machine ${elf.header.machine}: this insmod handles EM_X86_64 ELF64 only.`, [], -1);
    return f.error(file, `ELF file ${file} not for this architecture`);
  }
  if (elf.header.type !== ET_REL) {
    f.user('check', 'obj_load', 'Not relocatable', `e_type ${elf.header.type}, not ET_REL.`, [], -1);
    return f.error(file, `ELF file ${file} not a relocatable object`);
  }
  f.elf = elf;
  f.facts = readModuleFacts(elf, null);
  // "The kernel may have marked these sections as ALLOC, ignore the allocate bit."
  f.allocIdx = new Set(elf.sections.filter((s) => s.flags & SHF_ALLOC && s.name !== '.modinfo').map((s) => s.index));
  const extras = Object.keys(NO_24_MEANING).filter((n) => elf.sections.some((s) => s.name === n));
  f.user(
    'check',
    'obj_load',
    `ELF object read: ${elf.sections.length} sections, ${elf.symtab?.symbols.length ?? 0} symbols`,
    "Every section's contents are read and every symbol goes into insmod's hash table. " +
      '.modinfo loses SHF_ALLOC ("the kernel may have marked these sections as ALLOC, ignore the allocate bit"): 2.4\'s kernel never sees it. ' +
      (extras.length
        ? `Sections of a .ko with no 2.4 meaning: ${extras.map((n) => NO_24_MEANING[n]).join('; ')}. They are loaded as plain data.`
        : ''),
  );
  return true;
}

/** obj_check_undefineds(): every undefined non-weak symbol must have been defined by add_kernel_symbols(). */
export function objCheckUndefineds(f: InsmodRun): boolean {
  const { file, op, unresolved } = f;
  if (!unresolved.length) return true;
  f.user(
    'symbols',
    'obj_check_undefineds',
    `${unresolved.length} unresolved symbol${unresolved.length > 1 ? 's' : ''}`,
    `No loaded module and no kernel export provides ${unresolved.join(', ')}. insmod stops before asking the kernel for memory.`,
    [],
    -1,
  );
  for (const u of unresolved) op.output.push(`${file}: unresolved symbol ${u}`);
  // error("\nHint: …") after the file-name prefix, word for word.
  if (!f.gpl)
    op.output.push(
      `${file}: `,
      'Hint: You are trying to load a module without a GPL compatible license',
      ...(f.gplonlySeen
        ? [
            '      and it has unresolved symbols.  The module may be trying to access',
            '      GPLONLY symbols but the problem is more likely to be a coding or',
            '      user error.  Contact the module supplier for assistance, only they',
            '      can help you.',
          ]
        : ['      and it has unresolved symbols.  Contact the module supplier for', '      assistance, only they can help you.']),
    );
  f.res.errno = -1;
  return false;
}

/** obj_allocate_commons(): COMMON symbols would go to .bss; modules are built with -fno-common, so the model refuses them. */
export function objAllocateCommons(f: InsmodRun): boolean {
  for (const s of f.symbols) {
    if (s.rawShndx !== SHN_COMMON) continue;
    f.user(
      'relocate',
      'obj_allocate_commons',
      'COMMON symbols',
      `${s.name} is a COMMON symbol; obj_allocate_commons() would put it in .bss. Modscope does not model that (modules are built with -fno-common).`,
      [],
      -1,
    );
    return f.error(f.file, `COMMON symbol ${s.name} not modelled`);
  }
  return true;
}

/** obj_relocate(): symbol values, every RELA entry, then the string and symbol patches, all in insmod's memory. */
export function objRelocate(f: InsmodRun): boolean {
  const { K, req, elf, name, placements, offOf, base } = f;
  const symbols = f.symbols;
  const count = symbols.length;
  const buf = K.k.memory.allocate(USER_BUFFER, f.size, 'reserved', `insmod's image of ${name} (user space)`, null, K.timeline.position);
  f.buf = buf;
  for (const p of placements) {
    if (p.index < 0 || p.zero) continue;
    const s = elf.sections[p.index];
    buf.bytes.set(elf.bytes.subarray(s.offset, s.offset + s.size), p.offset);
  }
  for (const w of f.writes) if (w.bytes) buf.bytes.set(w.bytes, (offOf.get(w.section)?.offset ?? 0) + w.offset);
  const symLo = new Uint32Array(count);
  const symHi = new Uint32Array(count);
  for (let i = 1; i < count; i++) {
    const v = f.valueOf(i);
    symLo[i] = Number(v & 0xffffffffn);
    symHi[i] = Number(v >> 32n);
    f.finals.push({ index: i, name: symbols[i].name, value: v });
  }
  const targets: (SectionTarget | null)[] = elf.sections.map((s) => {
    const p = offOf.get(s.index);
    if (!p) return null;
    const a = f.secAddr(s.index);
    return { lo: Number(a & 0xffffffffn), hi: Number(a >> 32n), alloc: buf, offset: p.offset, size: s.size };
  });
  const relsecs = relocationSectionsToApply(elf, (i) => (offOf.has(i) ? SHF_ALLOC : 0));
  const firstPos = K.timeline.position;
  const symNames = (i: number): string =>
    symbols[i]?.type === STT_SECTION && !symbols[i].name ? (elf.sections[symbols[i].shndx]?.name ?? `#${i}`) : (symbols[i]?.name ?? `#${i}`);
  const out = applyRelocateAdd({ elf, modName: name, symLo, symHi, symNames, targets, firstPos }, relsecs);
  f.res.relocations = out.block;
  const addrEffects = placements
    .filter((p) => p.index >= 0)
    .map((p): Effect => ({ kind: 'address', section: p.index, name: p.name, address: hex64(f.secAddr(p.index)) }));
  K.step(
    {
      stage: 'relocate',
      side: 'user',
      fn: 'obj_relocate',
      file: OBJ,
      title: out.error ? 'A relocation cannot be applied' : `${out.applied.toLocaleString('en-US')} relocations applied in user space`,
      text:
        `Every section's sh_addr gets ${hx(base)} added; then arch_apply_relocation() (obj_x86_64.c) patches insmod's own copy: ` +
        `${out.sections.map((s) => `${s.name} → ${s.target} (${s.count})`).join(', ') || 'no relocation sections'}. ` +
        'modutils adds to the bytes already there (64: += S + A; PC32: += S + A − P) with no overflow check; ' +
        'the targets of a .ko are zero, so the result is the same S + A (− P) the 6.1 kernel writes.',
      effects: addrEffects,
      ...(out.error ? { errno: -1 } : {}),
    },
    req.relocateAt ? out.block : new UserSpaceRelocations(out.block, USER_BUFFER - base),
  );
  if (out.error) {
    const rs = out.block.describe(out.error.item);
    const what = rs.status === 'unknown-type' ? 'Unhandled relocation' : rs.status === 'overflow' ? 'Relocation overflow' : 'Dangerous relocation';
    return f.error(f.file, `${what} of type ${rs.typeNumber} for ${rs.symbol}`);
  }
  objRelocatePatches(f);
  return true;
}

/** The rest of obj_relocate(): the .this name, string parameters, .kmodtab refs and the export table. */
function objRelocatePatches(f: InsmodRun): void {
  const { K, offOf, depMods, stringPatches } = f;
  const buf = f.buf;
  if (!buf) return;
  const kstrAddr = f.secAddr(-2);
  const thisOff = offOf.get(-1)?.offset ?? 0;
  const kstrOff = offOf.get(-2)?.offset ?? 0;
  // Later writes into insmod's buffer are recorded, so its memory window can be scrubbed.
  const mem = K.k.memory;
  const rec64 = (off: number, v: bigint, what: string): void => {
    const b = new Uint8Array(8);
    putU64(b, 0, v);
    mem.writeAt(buf, off, b, K.timeline.position, what);
  };
  mem.writeAt(
    buf,
    kstrOff,
    Uint8Array.from(f.kstr, (c) => c.charCodeAt(0) & 0xff),
    K.timeline.position,
    '.kstrtab strings',
  );
  rec64(thisOff + M24.name, kstrAddr + BigInt(f.nameAt), 'string patch: struct module name');
  for (const p of stringPatches) rec64((offOf.get(p.section)?.offset ?? 0) + p.offset, kstrAddr + BigInt(p.at), 'string patch: parameter');
  const modOff = offOf.get(-3)?.offset ?? 0;
  depMods.forEach((m, i) => {
    rec64(modOff + i * SIZEOF_MODULE_REF, m.info?.addr ?? 0n, 'module_ref.dep');
    rec64(modOff + i * SIZEOF_MODULE_REF + 8, f.secAddr(-1), 'symbol patch: module_ref.ref');
  });
  const ksymOff = offOf.get(-4)?.offset ?? 0;
  f.exportsFinal = f.exportList.map((e, i) => {
    const v = e.symbol !== null ? f.valueOf(e.symbol) : e.section !== undefined ? f.secAddr(e.section) : 0n;
    rec64(ksymOff + i * SIZEOF_MODULE_SYMBOL, v, 'export value');
    rec64(ksymOff + i * SIZEOF_MODULE_SYMBOL + 8, kstrAddr + BigInt(f.exportNameAt[i]), 'string patch: export name');
    return { name: e.name, value: v };
  });
  const n = stringPatches.length;
  f.user(
    'relocate',
    'obj_relocate',
    'String and symbol patches',
    `The module name, ${n} string parameter${n === 1 ? '' : 's'} and ${f.exportsFinal.length} export names now point into .kstrtab at ${hx(kstrAddr)}` +
      `${depMods.length ? "; each module_ref.ref points at this module's struct module" : ''}.`,
  );
  f.res.image = buf.bytes;
}

/** obj_load_size(): the sections in obj_load_order_prio() order, .this (struct module) first; m_size. */
export function objLoadSize(f: InsmodRun): void {
  const { elf, allocIdx, depMods, kstr } = f;
  const inputs: LayoutInput[] = elf.sections
    .filter((s) => allocIdx.has(s.index))
    .map((s) => ({ index: s.index, name: s.name, flags: s.flags, type: s.type, size: s.size, align: s.addralign }));
  inputs.push({ index: -2, name: '.kstrtab', flags: SHF_ALLOC, type: SHT_PROGBITS, size: kstr.length, align: 1 });
  if (depMods.length)
    inputs.push({ index: -3, name: '.kmodtab', flags: SHF_ALLOC, type: SHT_PROGBITS, size: depMods.length * SIZEOF_MODULE_REF, align: 8 });
  const ksymtab = f.hasKsymtab ? '__ksymtab (2.4 form)' : '__ksymtab';
  inputs.push({ index: -4, name: ksymtab, flags: SHF_ALLOC, type: SHT_PROGBITS, size: f.exportList.length * SIZEOF_MODULE_SYMBOL, align: 8 });
  const { placements, size } = layoutImage(
    { index: -1, name: '.this', flags: SHF_ALLOC | SHF_WRITE, type: SHT_PROGBITS, size: SIZEOF_MODULE24, align: 8 },
    inputs,
  );
  f.placements = placements;
  f.size = size;
  f.res.layout = placements;
  f.offOf = new Map(placements.map((p) => [p.index, p]));
  f.user(
    'reserve',
    'obj_load_size',
    `Image of ${size.toLocaleString('en-US')} bytes: struct module first`,
    'obj_insert_section_load_order() sorts by obj_load_order_prio() (not ".init" 64, ALLOC 32, EXEC 16, read-only 8, not NOBITS 4): ' +
      `${placements.map((p) => `${p.name}@${hx(BigInt(p.offset))}`).join(', ')}. ` +
      'One region: 2.4 has no separate init memory and never frees .init.text. ' +
      '(2.4 named init sections ".text.init"; this .ko\'s ".init.text" does not end in ".init", so it sorts with the other code.)',
    placements.map((p): Effect => ({
      kind: 'place',
      section: p.index,
      name: p.name,
      region: 'core',
      group: p.exec ? 'text' : 'data',
      offset: p.offset,
      size: p.size,
      align: p.align,
    })),
  );
}
