import type { HeaderRow } from '../api-types';
import { EM_X86_64, ET_REL, elfTypeName, machineName } from '../elf/index';
import type { ElfHeader } from '../elf/types';
import { hex32, hex64 } from '../base/hex';

const OSABI: Record<number, string> = { 0: 'UNIX - System V', 3: 'UNIX - GNU', 9: 'UNIX - FreeBSD' };

/**
 * The ELF header as readelf -h shows it, one row per field, each with a sentence saying what it means
 * for a kernel module (load_module's elf_validity_check() reads the same fields).
 */
export function headerRows(h: ElfHeader): HeaderRow[] {
  const w = h.class === 64 ? 8 : 4; // address-sized fields
  const is64 = h.class === 64;
  let o = 16;
  const rows: HeaderRow[] = [
    {
      field: 'e_ident[EI_MAG0..3]',
      value: '7f 45 4c 46',
      explain: 'The magic number: 0x7f then "ELF". The kernel rejects anything else ("Invalid ELF header magic").',
      offset: 0,
      size: 4,
    },
    {
      field: 'e_ident[EI_CLASS]',
      value: is64 ? 'ELF64' : 'ELF32',
      explain: is64 ? '64-bit objects: 8-byte addresses, 64-byte header.' : '32-bit objects: 4-byte addresses, 52-byte header.',
      offset: 4,
      size: 1,
    },
    {
      field: 'e_ident[EI_DATA]',
      value: h.endian === 'little' ? "2's complement, little endian" : "2's complement, big endian",
      explain:
        h.endian === 'little' ? 'Multi-byte values are stored lowest byte first, as x86 does.' : 'Multi-byte values are stored highest byte first.',
      offset: 5,
      size: 1,
    },
    { field: 'e_ident[EI_VERSION]', value: String(h.identVersion), explain: 'ELF version 1 (current): the only one there is.', offset: 6, size: 1 },
    {
      field: 'e_ident[EI_OSABI]',
      value: OSABI[h.osabi] ?? `<unknown: ${h.osabi}>`,
      explain: 'The OS/ABI the object targets; Linux modules use 0 (System V).',
      offset: 7,
      size: 1,
    },
  ];
  const push = (field: string, value: string, explain: string, size: number) => {
    rows.push({ field, value, explain, offset: o, size });
    o += size;
  };
  push(
    'e_type',
    `${elfTypeName(h.type)}`,
    h.type === ET_REL
      ? 'A relocatable object: code not yet placed at any address. Every .ko is one; the kernel links it at load time ("Invalid ELF header type" otherwise).'
      : 'Not a relocatable object: the kernel would refuse to load this as a module.',
    2,
  );
  push(
    'e_machine',
    machineName(h.machine),
    h.machine === EM_X86_64
      ? 'Built for x86-64, the architecture Modscope models.'
      : 'Not x86-64: an x86-64 kernel rejects it ("Invalid architecture in ELF header").',
    2,
  );
  push('e_version', hex32(h.version), 'Object file version (1).', 4);
  push('e_entry', hex64(h.entry), 'Entry point: 0 for a module; the kernel finds init through struct module instead.', w);
  push(
    'e_phoff',
    String(h.phoff),
    h.phnum ? 'File offset of the program header table.' : 'No program headers: a module is linked by the kernel, not mapped by a loader.',
    w,
  );
  push('e_shoff', String(h.shoff), 'File offset of the section header table, which the kernel walks to find every section.', w);
  push('e_flags', hex32(h.flags), 'Processor-specific flags (none on x86-64).', 4);
  push('e_ehsize', String(h.ehsize), `Size of this header in bytes (${is64 ? 64 : 52} for ELF${h.class}).`, 2);
  push('e_phentsize', String(h.phentsize), 'Size of one program header.', 2);
  push('e_phnum', String(h.phnum), 'Number of program headers.', 2);
  push(
    'e_shentsize',
    String(h.shentsize),
    `Size of one section header (${is64 ? 64 : 40}); the kernel checks it ("Invalid ELF section header size").`,
    2,
  );
  push('e_shnum', String(h.shnum), 'Number of sections.', 2);
  push('e_shstrndx', String(h.shstrndx), 'Index of .shstrtab, the section that holds the section names.', 2);
  return rows;
}

/** One sentence a lecturer could read aloud about the header. */
export function headerSummary(h: ElfHeader, sectionCount: number): string {
  const kind = h.type === ET_REL ? 'a relocatable object (REL)' : `an ELF file of type ${elfTypeName(h.type)}`;
  return `${kind} for ${machineName(h.machine)}, ELF${h.class} ${h.endian} endian, with ${sectionCount} sections and ${h.phnum} program headers.`;
}
