import { describe, expect, it } from 'vitest';
import { buildElf, buildModule, concat, note, relocs, strtab, symbols, type Cls, type End } from '../test-support/elf-builder';
import { ElfError, readElf, relocAddend, relocOffset, sectionFlagsString, noteDesc, type ElfFile } from './index';

const combos: [Cls, End][] = [
  [64, 'little'],
  [64, 'big'],
  [32, 'little'],
  [32, 'big'],
];

/** Run readElf and return the ElfError it throws (fails the test if it does not throw one). */
function elfError(bytes: Uint8Array): ElfError {
  try {
    readElf(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ElfError);
    return e as ElfError;
  }
  throw new Error('readElf did not throw');
}

function relocRows(f: ElfFile, k = 0): [bigint, number, number, bigint][] {
  const r = f.relocSections[k];
  return Array.from({ length: r.count }, (_, i) => [relocOffset(r, i), r.type[i], r.sym[i], relocAddend(r, i)]);
}

describe.each(combos)('ELF%i %s-endian module', (cls, endian) => {
  const built = buildModule(cls, endian);
  const f = readElf(built.bytes);

  it('reads the header', () => {
    expect(f.header).toMatchObject({
      class: cls,
      endian,
      type: 1,
      machine: cls === 64 ? 62 : 3,
      version: 1,
      identVersion: 1,
      shnum: 9,
      shstrndx: 8,
      shoff: built.shoff,
      ehsize: cls === 64 ? 64 : 52,
      shentsize: cls === 64 ? 64 : 40,
      phnum: 0,
    });
    expect(f.warnings).toEqual([]);
  });

  it('reads sections with names, offsets and sizes', () => {
    expect(f.sections.map((s) => s.name)).toEqual([
      '',
      '.text',
      '.data',
      '.bss',
      '.rela.text',
      '.symtab',
      '.strtab',
      '.note.gnu.build-id',
      '.shstrtab',
    ]);
    expect(f.sections.map((s) => s.type)).toEqual([0, 1, 1, 8, 4, 2, 3, 7, 3]);
    expect(f.sections.map((s) => s.offset)).toEqual(built.offsets);
    const text = f.sections[1];
    expect(text).toMatchObject({ index: 1, size: 32, flags: 6, flagsHigh: 0, addralign: 16, addr: 0n });
    expect(f.sections[3]).toMatchObject({ size: 64, addralign: 32 });
    expect(f.sections[4]).toMatchObject({ link: 5, info: 1, entsize: cls === 64 ? 24 : 12 });
    expect(sectionFlagsString(text, f.header.machine)).toBe('AX');
    expect(sectionFlagsString(f.sections[2], f.header.machine)).toBe('WA');
    expect(sectionFlagsString(f.sections[4], f.header.machine)).toBe('I');
  });

  it('reads symbols', () => {
    const syms = f.symtab?.symbols ?? [];
    expect(f.symtab?.sectionIndex).toBe(5);
    expect(f.symtab?.stringTableIndex).toBe(6);
    expect(syms.map((s) => s.name)).toEqual(['', 'vfat.c', '', 'counter', 'init_module', 'printk']);
    expect(syms[1]).toMatchObject({ type: 4, bind: 0, shndx: 0xfff1, rawShndx: 0xfff1 });
    expect(syms[3]).toMatchObject({ type: 1, bind: 0, shndx: 2, value: 4n, size: 4n });
    expect(syms[4]).toMatchObject({ type: 2, bind: 1, shndx: 1, value: 0x10n, size: 0x10n, visibility: 0 });
    expect(syms[5]).toMatchObject({ type: 0, bind: 1, shndx: 0 });
    expect(f.dynsym).toBeNull();
  });

  it('reads relocations into columns', () => {
    expect(f.relocSections).toHaveLength(1);
    const r = f.relocSections[0];
    expect(r).toMatchObject({ sectionIndex: 4, name: '.rela.text', rela: true, symtabIndex: 5, targetIndex: 1, count: 3 });
    expect(relocRows(f)).toEqual([
      [1n, cls === 64 ? 4 : 2, 5, -4n],
      [8n, 2, 3, cls === 64 ? -4n : 0n],
      [0x18n, 1, 2, 0x10n],
    ]);
  });

  it('reads REL (no addend) the same way', () => {
    const g = readElf(buildModule(cls, endian, false).bytes);
    expect(g.relocSections[0]).toMatchObject({ rela: false, name: '.rel.text', count: 3 });
    expect(relocRows(g).map((row) => row[3])).toEqual([0n, 0n, 0n]);
    expect(relocRows(g).map((row) => row[2])).toEqual([5, 3, 2]);
  });

  it('reads the build-id note', () => {
    expect(f.notes).toHaveLength(1);
    expect(f.notes[0]).toMatchObject({ sectionIndex: 7, owner: 'GNU', type: 3, descSize: 4, descOffset: built.offsets[7] + 16 });
    expect(Array.from(noteDesc(f, f.notes[0]))).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });
});

describe('64-bit values', () => {
  it('keeps full 64-bit addresses, symbol values and addends', () => {
    for (const endian of ['little', 'big'] as const) {
      const str = strtab(['big']);
      const f = readElf(
        buildElf({
          cls: 64,
          endian,
          sections: [
            { name: '.text', type: 1, flags: 6n | (1n << 40n), addr: 0xffffffffc0201000n, data: new Uint8Array(16) },
            {
              name: '.symtab',
              type: 2,
              link: 3,
              entsize: 24,
              data: symbols(64, endian, [
                { nameOffset: 0 },
                { nameOffset: str.offsets[0], value: 0xffffffff81000000n, size: 0x123456789n, shndx: 1 },
              ]),
            },
            { name: '.strtab', type: 3, data: str.data },
            {
              name: '.rela.text',
              type: 4,
              link: 2,
              info: 1,
              entsize: 24,
              data: relocs(64, endian, true, [
                { offset: 0x1_0000_0004n, sym: 1, type: 24, addend: -0x1_0000_0000n },
                { offset: 0n, sym: 1, type: 11, addend: 0x7fff_ffff_ffff_ffffn },
                { offset: 0xffff_ffff_ffff_fff0n, sym: 0, type: 0, addend: -1n },
              ]),
            },
          ],
        }).bytes,
      );
      expect(f.sections[1]).toMatchObject({ addr: 0xffffffffc0201000n, flags: 6, flagsHigh: 0x100 });
      expect(sectionFlagsString(f.sections[1], 62)).toBe('AXx');
      expect(f.symtab?.symbols[1]).toMatchObject({ name: 'big', value: 0xffffffff81000000n, size: 0x123456789n });
      expect(relocRows(f)).toEqual([
        [0x1_0000_0004n, 24, 1, -0x1_0000_0000n],
        [0n, 11, 1, 0x7fff_ffff_ffff_ffffn],
        [0xffff_ffff_ffff_fff0n, 0, 0, -1n],
      ]);
    }
  });

  it('decodes ELF32 r_info as sym<<8|type and sign-extends the addend', () => {
    const f = readElf(
      buildElf({
        cls: 32,
        endian: 'little',
        sections: [
          { name: '.text', type: 1, data: new Uint8Array(4) },
          {
            name: '.symtab',
            type: 2,
            link: 3,
            entsize: 16,
            data: symbols(
              32,
              'little',
              Array.from({ length: 300 }, () => ({ nameOffset: 0 })),
            ),
          },
          { name: '.strtab', type: 3, data: new Uint8Array([0]) },
          {
            name: '.rela.text',
            type: 4,
            link: 2,
            info: 1,
            entsize: 12,
            data: relocs(32, 'little', true, [{ offset: 0xfffffff0n, sym: 299, type: 0x2b, addend: -8n }]),
          },
        ],
      }).bytes,
    );
    expect(relocRows(f)).toEqual([[0xfffffff0n, 0x2b, 299, -8n]]);
  });
});

describe('extended section numbering (SHN_XINDEX)', () => {
  it.each(combos)('ELF%i %s: e_shnum 0 and e_shstrndx SHN_XINDEX resolve through section 0', (cls, endian) => {
    const str = strtab(['far']);
    const built = buildElf({
      cls,
      endian,
      shnumEscape: true,
      shstrndxEscape: true,
      sections: [
        { name: '.text', type: 1, data: new Uint8Array(4) },
        {
          name: '.symtab',
          type: 2,
          link: 3,
          entsize: cls === 64 ? 24 : 16,
          data: symbols(cls, endian, [{ nameOffset: 0 }, { nameOffset: str.offsets[0], shndx: 0xffff, value: 2n }, { nameOffset: 0, shndx: 0xfff2 }]),
        },
        { name: '.strtab', type: 3, data: str.data },
        {
          name: '.symtab_shndx',
          type: 18,
          link: 2,
          entsize: 4,
          data: new Uint8Array(endian === 'little' ? [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
        },
      ],
    });
    const f = readElf(built.bytes);
    expect(f.header.shnum).toBe(6);
    expect(f.header.shstrndx).toBe(5);
    expect(f.sections.map((s) => s.name)).toEqual(['', '.text', '.symtab', '.strtab', '.symtab_shndx', '.shstrtab']);
    expect(f.symtab?.symbols[1]).toMatchObject({ name: 'far', rawShndx: 0xffff, shndx: 1, value: 2n });
    expect(f.symtab?.symbols[2]).toMatchObject({ rawShndx: 0xfff2, shndx: 0xfff2 });
    expect(f.warnings).toEqual([]);
  });

  it('warns and leaves SHN_XINDEX when there is no .symtab_shndx', () => {
    const f = readElf(
      buildElf({
        cls: 64,
        endian: 'little',
        sections: [
          { name: '.symtab', type: 2, link: 2, entsize: 24, data: symbols(64, 'little', [{ nameOffset: 0 }, { nameOffset: 0, shndx: 0xffff }]) },
          { name: '.strtab', type: 3, data: new Uint8Array([0]) },
        ],
      }).bytes,
    );
    expect(f.symtab?.symbols[1].shndx).toBe(0xffff);
    expect(f.warnings.map((w) => w.code)).toEqual(['BAD_LINK']);
  });
});

describe('fatal errors', () => {
  const good = buildModule(64, 'little').bytes;
  const mutate = (edit: (b: Uint8Array, dv: DataView) => void, src = good): Uint8Array => {
    const b = src.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };

  it('rejects non-ELF input', () => {
    expect(elfError(new Uint8Array(0)).code).toBe('NOT_ELF');
    expect(elfError(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])).code).toBe('BAD_MAGIC');
    const e = elfError(
      mutate((b) => {
        b[1] = 0x46;
      }),
    );
    expect(e).toMatchObject({ code: 'BAD_MAGIC', offset: 0 });
    expect(e.message).toContain('7f 46 4c 46');
  });

  it('rejects a bad class or data encoding', () => {
    expect(
      elfError(
        mutate((b) => {
          b[4] = 3;
        }),
      ).toInfo(),
    ).toEqual({ code: 'BAD_CLASS', message: 'unknown ELF class 3 (expected 1 for ELF32 or 2 for ELF64)', offset: 4, field: 'e_ident[EI_CLASS]' });
    expect(
      elfError(
        mutate((b) => {
          b[5] = 0;
        }),
      ),
    ).toMatchObject({ code: 'BAD_DATA', offset: 5 });
  });

  it('rejects a truncated header', () => {
    expect(elfError(good.subarray(0, 10)).code).toBe('TRUNCATED');
    expect(elfError(good.subarray(0, 63))).toMatchObject({ code: 'TRUNCATED', offset: 0 });
    expect(elfError(buildModule(32, 'big').bytes.subarray(0, 51)).code).toBe('TRUNCATED');
  });

  it('rejects a section table outside the file', () => {
    const e = elfError(good.subarray(0, good.length - 1));
    expect(e).toMatchObject({ code: 'SECTION_TABLE_OUT_OF_BOUNDS', offset: 60, field: 'e_shnum' });
    expect(elfError(mutate((_b, dv) => dv.setBigUint64(40, BigInt(good.length), true))).code).toBe('SECTION_TABLE_OUT_OF_BOUNDS');
  });

  it('rejects a bad e_shentsize and e_shstrndx', () => {
    expect(elfError(mutate((_b, dv) => dv.setUint16(58, 65, true)))).toMatchObject({ code: 'BAD_SHENTSIZE', offset: 58, field: 'e_shentsize' });
    expect(elfError(mutate((_b, dv) => dv.setUint16(62, 9, true)))).toMatchObject({ code: 'BAD_SHSTRNDX', offset: 62 });
    // e_shstrndx naming a section whose data lies outside the file.
    const built = buildModule(64, 'little');
    const e = elfError(mutate((_b, dv) => dv.setBigUint64(built.shoff + 8 * 64 + 24, 0x100000n, true)));
    expect(e.code).toBe('BAD_SHSTRNDX');
  });

  it('rejects sizes of 2^53 or more with ABSURD_SIZE', () => {
    const built = buildModule(64, 'little');
    const e = elfError(mutate((_b, dv) => dv.setBigUint64(built.shoff + 1 * 64 + 32, 1n << 53n, true)));
    expect(e).toMatchObject({ code: 'ABSURD_SIZE', offset: built.shoff + 64 + 32, field: 'sh_size of section 1' });
    expect(elfError(mutate((_b, dv) => dv.setBigUint64(40, 0xffff_ffff_ffff_0000n, true))).code).toBe('ABSURD_SIZE');
  });
});

describe('per-section problems become warnings', () => {
  const built = buildModule(64, 'little');
  const sh = (i: number, field: number): number => built.shoff + i * 64 + field;
  const withEdit = (edit: (dv: DataView) => void): ElfFile => {
    const b = built.bytes.slice();
    edit(new DataView(b.buffer));
    return readElf(b);
  };

  it('skips a relocation section whose data runs past the end of the file', () => {
    const f = withEdit((dv) => dv.setBigUint64(sh(4, 32), 0x99999n, true));
    expect(f.relocSections).toEqual([]);
    expect(f.warnings).toEqual([
      {
        code: 'SECTION_OUT_OF_BOUNDS',
        message:
          `section 4 (.rela.text): sh_offset 0x${built.offsets[4].toString(16)} + sh_size 0x99999 ` +
          `runs past the end of the file (0x${built.bytes.length.toString(16)} bytes)`,
        offset: sh(4, 24),
        field: 'sh_offset of section 4',
      },
    ]);
  });

  it('skips a relocation section with a bad sh_link, sh_info or sh_entsize', () => {
    let f = withEdit((dv) => dv.setUint32(sh(4, 40), 6, true));
    expect(f.relocSections).toEqual([]);
    expect(f.warnings.map((w) => [w.code, w.offset])).toEqual([['BAD_LINK', sh(4, 40)]]);
    f = withEdit((dv) => dv.setUint32(sh(4, 44), 99, true));
    expect(f.warnings.map((w) => w.code)).toEqual(['BAD_INFO']);
    f = withEdit((dv) => dv.setBigUint64(sh(4, 56), 16n, true));
    expect(f.warnings.map((w) => w.code)).toEqual(['BAD_ENTSIZE']);
    expect(f.symtab?.symbols).toHaveLength(6); // the rest is still read
  });

  it('keeps relocations whose symbol index is past the symbol table, with one warning', () => {
    const f = withEdit((dv) => dv.setUint32(built.offsets[4] + 24 + 12, 77, true));
    expect(f.relocSections[0].sym[1]).toBe(77);
    expect(f.warnings).toHaveLength(1);
    expect(f.warnings[0]).toMatchObject({ code: 'SYMBOL_INDEX_OUT_OF_RANGE', offset: built.offsets[4] + 24 + 8 });
  });

  it('names a symbol "<corrupt>" when st_name is past the string table', () => {
    const f = withEdit((dv) => dv.setUint32(built.offsets[5] + 4 * 24, 0x5000, true));
    expect(f.symtab?.symbols[4].name).toBe('<corrupt>');
    expect(f.symtab?.symbols[5].name).toBe('printk');
    expect(f.warnings.map((w) => [w.code, w.offset])).toEqual([['STRING_OUT_OF_BOUNDS', built.offsets[5] + 4 * 24]]);
  });

  it('names a section "<corrupt>" when sh_name is past .shstrtab', () => {
    const f = withEdit((dv) => dv.setUint32(sh(2, 0), 0x7777, true));
    expect(f.sections[2].name).toBe('<corrupt>');
    expect(f.warnings[0]).toMatchObject({ code: 'STRING_OUT_OF_BOUNDS', field: 'sh_name of section 2' });
  });

  it('ignores the file range of NOBITS sections', () => {
    const f = withEdit((dv) => {
      dv.setBigUint64(sh(3, 24), 0x7fff_0000n, true);
      dv.setBigUint64(sh(3, 32), 0x10_0000_0000n, true);
    });
    expect(f.warnings).toEqual([]);
    expect(f.sections[3].size).toBe(0x10_0000_0000);
  });

  it('stops at a note that runs past its section', () => {
    const f = withEdit((dv) => dv.setUint32(built.offsets[7] + 4, 100, true));
    expect(f.notes).toEqual([]);
    expect(f.warnings.map((w) => [w.code, w.offset])).toEqual([['TRUNCATED', built.offsets[7]]]);
  });
});

describe('notes and program headers', () => {
  it('reads several notes, 8-aligned when the section is', () => {
    const notes8 = concat(note('little', 'GNU', 5, new Uint8Array(12), 8), note('little', 'Linux', 0x101, new Uint8Array([1, 2, 3]), 8));
    const notes4 = concat(note('little', 'Linux', 0x100, new Uint8Array([7, 0, 0, 0])), note('little', 'Xen', 1, new Uint8Array(0)));
    const built = buildElf({
      cls: 64,
      endian: 'little',
      sections: [
        { name: '.note.gnu.property', type: 7, data: notes8, addralign: 8 },
        { name: '.note.Linux', type: 7, data: notes4, addralign: 4 },
      ],
    });
    const f = readElf(built.bytes);
    expect(f.notes.map((n) => [n.sectionIndex, n.owner, n.type, n.descSize, n.descOffset])).toEqual([
      [1, 'GNU', 5, 12, built.offsets[1] + 16],
      [1, 'Linux', 0x101, 3, built.offsets[1] + 32 + 24],
      [2, 'Linux', 0x100, 4, built.offsets[2] + 20],
      [2, 'Xen', 1, 0, built.offsets[2] + 24 + 16],
    ]);
  });

  it.each(combos)('ELF%i %s: reads program headers and PT_NOTE notes once', (cls, endian) => {
    const n = note(endian, 'GNU', 3, new Uint8Array([9, 9, 9, 9]));
    const built = buildElf({
      cls,
      endian,
      type: 2,
      sections: [
        { name: '.note.gnu.build-id', type: 7, data: n, addralign: 4 },
        { name: '.text', type: 1, data: new Uint8Array(8) },
      ],
      programHeaders: [
        { type: 1, flags: 5, sectionIndex: 2, vaddr: 0x401000n, memsz: 0x2000n, align: 0x1000n },
        { type: 4, flags: 4, sectionIndex: 1, vaddr: 0x400100n },
        { type: 4, flags: 4, offset: 0, filesz: 0 },
      ],
    });
    const f = readElf(built.bytes);
    expect(f.header.phnum).toBe(3);
    expect(f.programHeaders[0]).toMatchObject({
      index: 0,
      type: 1,
      flags: 5,
      offset: built.offsets[2],
      filesz: 8,
      vaddr: 0x401000n,
      paddr: 0x401000n,
      memsz: 0x2000n,
      align: 0x1000n,
    });
    expect(f.programHeaders[1]).toMatchObject({ type: 4, offset: built.offsets[1], filesz: n.length });
    expect(f.notes).toEqual([{ sectionIndex: 1, owner: 'GNU', type: 3, descOffset: built.offsets[1] + 16, descSize: 4 }]);
  });

  it('reads notes from a PT_NOTE segment when no section holds them', () => {
    const n = note('big', 'CORE', 1, new Uint8Array(8));
    const built = buildElf({
      cls: 32,
      endian: 'big',
      type: 4,
      sections: [{ name: '.x', type: 1, data: n, addralign: 4 }],
      programHeaders: [{ type: 4, sectionIndex: 1 }],
    });
    const f = readElf(built.bytes);
    expect(f.notes).toEqual([{ sectionIndex: -1, owner: 'CORE', type: 1, descOffset: built.offsets[1] + 20, descSize: 8 }]);
  });

  it('warns and skips program headers with a bad e_phentsize', () => {
    const built = buildElf({ cls: 64, endian: 'little', type: 2, sections: [], programHeaders: [{ type: 1 }] });
    const b = built.bytes.slice();
    new DataView(b.buffer).setUint16(54, 50, true);
    const f = readElf(b);
    expect(f.programHeaders).toEqual([]);
    expect(f.warnings.map((w) => w.code)).toEqual(['BAD_PHENTSIZE']);
  });
});

describe('strings', () => {
  it('decodes UTF-8 names and replaces malformed bytes', () => {
    const raw = new Uint8Array([0, ...new TextEncoder().encode('μ_init_ü😀'), 0, 0x61, 0xff, 0x62, 0xc3, 0]);
    const f = readElf(
      buildElf({
        cls: 64,
        endian: 'little',
        sections: [
          {
            name: '.symtab',
            type: 2,
            link: 2,
            entsize: 24,
            data: symbols(64, 'little', [{ nameOffset: 0 }, { nameOffset: 1 }, { nameOffset: raw.indexOf(0x61) }, { nameOffset: 3 }]),
          },
          { name: '.strtab', type: 3, data: raw },
        ],
      }).bytes,
    );
    expect(f.symtab?.symbols.map((s) => s.name)).toEqual(['', 'μ_init_ü😀', 'a\ufffdb\ufffd', '_init_ü😀']);
  });

  it('ends an unterminated string at the end of its table', () => {
    const f = readElf(
      buildElf({
        cls: 32,
        endian: 'little',
        sections: [
          { name: '.symtab', type: 2, link: 2, entsize: 16, data: symbols(32, 'little', [{ nameOffset: 0 }, { nameOffset: 1 }]) },
          { name: '.strtab', type: 3, data: new Uint8Array([0, 0x41, 0x42]) },
          { name: '.after', type: 1, data: new Uint8Array([0x43, 0]) },
        ],
      }).bytes,
    );
    expect(f.symtab?.symbols[1].name).toBe('AB');
  });
});

describe('bounded work on hostile files', () => {
  it('stops reading relocation sections that overlap beyond the file size', () => {
    const r = relocs(
      64,
      'little',
      true,
      Array.from({ length: 100 }, (_, i) => ({ offset: BigInt(i), sym: 0, type: 1 })),
    );
    const sections = [
      { name: '.symtab', type: 2, link: 2, entsize: 24, data: symbols(64, 'little', [{ nameOffset: 0 }]) },
      { name: '.strtab', type: 3, data: new Uint8Array([0]) },
      { name: '.rela.a', type: 4, link: 1, info: 0, entsize: 24, data: r },
    ];
    const built = buildElf({ cls: 64, endian: 'little', sections });
    // 200 more RELA headers all pointing at the same 2400 bytes.
    const extra = Array.from({ length: 200 }, () => ({
      name: '.rela.b',
      type: 4,
      link: 1,
      info: 0,
      entsize: 24,
      offset: built.offsets[3],
      size: r.length,
    }));
    const f = readElf(buildElf({ cls: 64, endian: 'little', sections: [...sections, ...extra] }).bytes);
    const total = f.relocSections.reduce((a, s) => a + s.count * 24, 0);
    expect(total).toBeLessThanOrEqual(f.bytes.length);
    expect(f.relocSections.length).toBeGreaterThan(1);
    expect(f.warnings.map((w) => w.code)).toEqual(['TOO_MANY']);
  });

  it('caps string lengths in a table without NULs', () => {
    const big = new Uint8Array(20000).fill(0x41);
    big[0] = 0;
    const syms = Array.from({ length: 2000 }, (_, i) => ({ nameOffset: 1 + i }));
    const f = readElf(
      buildElf({
        cls: 64,
        endian: 'little',
        sections: [
          { name: '.symtab', type: 2, link: 2, entsize: 24, data: symbols(64, 'little', syms) },
          { name: '.strtab', type: 3, data: big },
        ],
      }).bytes,
    );
    const lens = f.symtab?.symbols.map((s) => s.name.length) ?? [];
    expect(lens[0]).toBe(4096);
    expect(Math.max(...lens)).toBe(4096);
    expect(lens.reduce((a, b) => a + b, 0)).toBeLessThan(8 * 20000 + 65536 + (2000 * 4096) / 8);
  });
});
