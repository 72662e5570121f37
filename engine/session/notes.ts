import type { NoteRow } from '../api-types';
import { noteDesc, NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0, NT_LINUX_VERSION } from '../elf/index';
import type { ElfFile, ElfNote } from '../elf/types';

/** readelf -n's wording for the notes modules carry (.note.gnu.build-id, .note.Linux, .note.gnu.property). */
export function describeNote(elf: ElfFile, n: ElfNote): NoteRow {
  const desc = noteDesc(elf, n);
  const section = n.sectionIndex >= 0 ? (elf.sections[n.sectionIndex]?.name ?? '') : '';
  const hexBytes = Array.from(desc, (b) => b.toString(16).padStart(2, '0')).join('');
  let typeName = `0x${n.type.toString(16).padStart(8, '0')}`;
  let description = hexBytes;
  if (n.owner === 'GNU' && n.type === NT_GNU_BUILD_ID) {
    typeName = 'NT_GNU_BUILD_ID (unique build ID bitstring)';
    description = `Build ID: ${hexBytes}`;
  } else if (n.owner === 'GNU' && n.type === NT_GNU_PROPERTY_TYPE_0) {
    typeName = 'NT_GNU_PROPERTY_TYPE_0';
  } else if (n.owner === 'Linux') {
    // .note.Linux in a module: the kernel version (LINUX_ELFNOTE / .note.Linux with "Linux" owner).
    const text = desc.every((b) => b === 0 || (b >= 0x20 && b < 0x7f)) ? String.fromCharCode(...desc).replace(/\0+$/, '') : '';
    typeName = n.type === NT_LINUX_VERSION ? 'NT_VERSION (version)' : typeName;
    description = text ? `"${text}"` : hexBytes;
  }
  return { section, owner: n.owner, type: n.type, typeName, description };
}
