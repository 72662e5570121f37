/**
 * DEV ONLY: a canned stand-in for engine/engine.ts, used when the dev server runs with
 * MODSCOPE_FAKE_ENGINE=1 (see vite.web.config.ts) so the UI can be exercised before/without the
 * real engine. It serves realistic-looking data and 320,000 synthetic relocations.
 */
import type { EngineArg, EngineMethod, EngineValue, ModuleOverview, ProgressEvent, Result, SectionRow } from '../../engine/api-types';

export interface Engine {
  call<M extends EngineMethod>(m: M, arg: EngineArg<M>, onProgress?: (p: ProgressEvent) => void): Promise<Result<EngineValue<M>>>;
}

const files = new Map<string, Uint8Array>();
let n = 0;

function sec(index: number, name: string, type: string, flags: string, offset: number, size: number, relocCount = 0): SectionRow {
  return {
    index,
    name,
    type,
    flags,
    flagsExplained: flags.replace('A', 'alloc ').replace('X', 'exec ').replace('W', 'write '),
    addr: '0x0',
    offset,
    size,
    entsize: type === 'RELA' ? 24 : 0,
    link: 0,
    info: 0,
    align: 16,
    fileSize: type === 'NOBITS' ? 0 : size,
    relocCount,
  };
}

function overview(id: string, name: string, size: number): ModuleOverview {
  const sections = [
    sec(0, '', 'NULL', '', 0, 0),
    sec(1, '.text', 'PROGBITS', 'AX', 0x40, 0x40, 4),
    sec(2, '.rela.text', 'RELA', 'I', 0x80, 0x60),
    sec(3, '.init.text', 'PROGBITS', 'AX', 0xe0, 0x20, 2),
    sec(4, '.modinfo', 'PROGBITS', 'A', 0x100, 0x90),
    sec(5, '.gnu.linkonce.this_module', 'PROGBITS', 'WA', 0x1c0, 0x140),
    sec(6, '.rela.big', 'RELA', 'I', 0x300, 0x200),
    sec(7, '.symtab', 'SYMTAB', '', 0x500, 0x300),
    sec(8, '.strtab', 'STRTAB', '', 0x800, Math.max(0, Math.min(0x200, size - 0x800))),
  ];
  return {
    id,
    fileName: name,
    fileSize: size,
    compression: null,
    header: [
      { field: 'e_ident[EI_MAG]', value: '7f 45 4c 46', explain: 'The ELF magic number: this is an ELF file.', offset: 0, size: 4 },
      { field: 'e_ident[EI_CLASS]', value: 'ELF64', explain: '64-bit objects.', offset: 4, size: 1 },
      { field: 'e_type', value: 'REL (Relocatable file)', explain: 'A relocatable object: the kernel links it at load time.', offset: 16, size: 2 },
      { field: 'e_machine', value: 'Advanced Micro Devices X86-64', explain: 'Built for x86-64.', offset: 18, size: 2 },
      { field: 'e_shoff', value: '4096 (bytes into file)', explain: 'Where the section header table starts.', offset: 40, size: 8 },
    ],
    headerSummary: 'A 64-bit little-endian relocatable ELF object for x86-64 with 9 sections (FAKE ENGINE DATA).',
    sections,
    relocSections: [
      { sectionIndex: 2, name: '.rela.text', target: 1, targetName: '.text', rela: true, count: 4 },
      { sectionIndex: 6, name: '.rela.big', target: 1, targetName: '.text', rela: true, count: 320000 },
    ],
    symbolCount: 2000,
    relocationCount: 320004,
    fileMap: [
      { start: 0, end: 0x40, label: 'ELF header', kind: 'header' },
      ...sections
        .slice(1)
        .filter((s) => s.fileSize)
        .map((s) => ({ start: s.offset, end: s.offset + s.fileSize, label: s.name, kind: 'section' as const, sectionIndex: s.index })),
      { start: 0xa00, end: Math.max(0xa00, size), label: 'section header table', kind: 'section-table' },
    ],
    modinfo: [
      { key: 'license', value: 'GPL', offset: 0x100 },
      { key: 'description', value: 'Hello world module', offset: 0x10c },
      { key: 'vermagic', value: '6.1.0-50-amd64 SMP preempt mod_unload modversions', offset: 0x130 },
    ],
    versions: [
      { name: 'module_layout', crc: '0x1a2b3c4d', offset: 0x900 },
      { name: '_printk', crc: '0x92997ed8', offset: 0x940 },
    ],
    exports: [],
    params: [{ name: 'who', type: 'charp', perm: '0444', variable: 'who', description: 'whom to greet' }],
    notes: [{ section: '.note.gnu.build-id', owner: 'GNU', type: 3, typeName: 'NT_GNU_BUILD_ID', description: 'e3b0c44298fc1c149afbf4c8996fb924' }],
    signature: { present: false, elfLength: size, signatureOffset: 0, signatureLength: 0, idType: '', description: '' },
    thisModule: { name: 'hello', init: 'hello_init', exit: 'hello_exit', size: 0x140 },
    imports: ['_printk', '__fentry__', '__x86_return_thunk'],
    license: 'GPL',
    gplCompatible: true,
    warnings: [],
  };
}

export function createEngine(): Engine {
  const call = async (method: EngineMethod, arg: never, onProgress?: (p: ProgressEvent) => void): Promise<Result<unknown>> => {
    const a = arg as Record<string, unknown>;
    switch (method) {
      case 'open': {
        const bytes = a.bytes as Uint8Array;
        if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
          return {
            ok: false,
            error: { code: 'BAD_MAGIC', message: 'not an ELF file: the first 4 bytes are not 7f 45 4c 46', offset: 0, field: 'e_ident[EI_MAG0..3]' },
          };
        if (bytes.length < 64)
          return {
            ok: false,
            error: {
              code: 'TRUNCATED',
              message: `the ELF header needs 64 bytes, the file has ${bytes.length}`,
              offset: bytes.length,
              field: 'e_ident',
            },
          };
        for (let i = 0; i <= 10; i++) {
          onProgress?.({ stage: 'parse', done: i, total: 10 });
          await new Promise((r) => setTimeout(r, 20));
        }
        const id = `m${++n}`;
        files.set(id, bytes);
        return { ok: true, value: overview(id, a.name as string, bytes.length) };
      }
      case 'close':
        files.delete(a.id as string);
        return { ok: true, value: true };
      case 'bytes': {
        const f = files.get(a.id as string)!;
        return { ok: true, value: f.subarray(a.offset as number, (a.offset as number) + (a.length as number)) };
      }
      case 'symbols': {
        const filter = (a.filter as string | undefined) ?? '';
        const all = Array.from({ length: 2000 }, (_, i) =>
          i === 0 ? 'init_module' : i === 1 ? 'hello_init' : i === 2 ? 'cleanup_module' : `sym_${i}`,
        );
        const names = all.map((name, index) => ({ name, index })).filter((x) => x.name.includes(filter));
        const off = a.offset as number,
          lim = a.limit as number;
        await new Promise((r) => setTimeout(r, 30));
        return {
          ok: true,
          value: {
            total: names.length,
            offset: off,
            rows: names
              .slice(off, off + lim)
              .map(({ name, index }) => ({
                index,
                name,
                value: '0x0000000000000000',
                size: '16',
                type: index < 3 ? 'FUNC' : 'OBJECT',
                bind: 'GLOBAL',
                visibility: 'DEFAULT',
                ndx: '1',
                section: '.text',
              })),
          },
        };
      }
      case 'relocations': {
        const total = a.section === 2 ? 4 : 320000;
        const off = a.offset as number,
          lim = a.limit as number;
        await new Promise((r) => setTimeout(r, 30));
        const rows = [];
        for (let i = off; i < Math.min(total, off + lim); i++)
          rows.push({
            index: i,
            offset: `0x${(i * 8).toString(16).padStart(16, '0')}` as const,
            type: i % 3 ? 'R_X86_64_PLT32' : 'R_X86_64_32S',
            typeNumber: 4,
            symbolIndex: i % 50,
            symbolName: i % 3 ? '_printk' : '.rodata.str1.1',
            symbolValue: '0x0000000000000000' as const,
            addend: '-0x4',
          });
        return { ok: true, value: { total, offset: off, rows } };
      }
      default:
        return { ok: false, error: { code: 'BAD_REQUEST', message: 'fake engine: ' + method } };
    }
  };
  return { call: call as Engine['call'] };
}
