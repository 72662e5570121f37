import { ByteView } from './bytes';
import { PHDR_SIZE } from './constants';
import { ElfError, elfErrorInfo } from './errors';
import { hex } from '../base/hex';
import { headerFieldOffset, type RawHeader } from './header';
import type { ElfErrorInfo, ElfProgramHeader } from './types';

/**
 * Read the program header table when e_phnum > 0 (modules have none; executables and core
 * files do). Problems are warnings: the section view of a file is still useful without it.
 */
export function readProgramHeaders(view: ByteView, h: RawHeader, warnings: ElfErrorInfo[]): ElfProgramHeader[] {
  if (h.phnum === 0) return [];
  const entSize = PHDR_SIZE[h.class];
  if (h.phentsize !== entSize) {
    warnings.push(
      elfErrorInfo(
        'BAD_PHENTSIZE',
        `e_phentsize is ${h.phentsize}, expected ${entSize} for ELF${h.class}; program headers skipped`,
        headerFieldOffset(h.class, 'e_phentsize'),
        'e_phentsize',
      ),
    );
    return [];
  }
  if (h.phoff === 0 || h.phnum > (view.length - h.phoff) / entSize) {
    warnings.push(
      elfErrorInfo(
        'TRUNCATED',
        `program header table (${h.phnum} entries of ${entSize} bytes at e_phoff ${hex(h.phoff)}) runs past the end of the file (${hex(view.length)} ` +
          `bytes); program headers skipped`,
        headerFieldOffset(h.class, 'e_phoff'),
        'e_phoff',
      ),
    );
    return [];
  }
  const out: ElfProgramHeader[] = [];
  try {
    for (let i = 0; i < h.phnum; i++) {
      const o = h.phoff + i * entSize;
      const w = (f: string): string => `${f} of program header ${i}`;
      if (h.class === 64) {
        out.push({
          index: i,
          type: view.u32(o, w('p_type')),
          flags: view.u32(o + 4, w('p_flags')),
          offset: view.size(o + 8, true, w('p_offset')),
          vaddr: view.u64(o + 16, w('p_vaddr')),
          paddr: view.u64(o + 24, w('p_paddr')),
          filesz: view.size(o + 32, true, w('p_filesz')),
          memsz: view.u64(o + 40, w('p_memsz')),
          align: view.u64(o + 48, w('p_align')),
        });
      } else {
        out.push({
          index: i,
          type: view.u32(o, w('p_type')),
          offset: view.u32(o + 4, w('p_offset')),
          vaddr: BigInt(view.u32(o + 8, w('p_vaddr'))),
          paddr: BigInt(view.u32(o + 12, w('p_paddr'))),
          filesz: view.u32(o + 16, w('p_filesz')),
          memsz: BigInt(view.u32(o + 20, w('p_memsz'))),
          flags: view.u32(o + 24, w('p_flags')),
          align: BigInt(view.u32(o + 28, w('p_align'))),
        });
      }
    }
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    warnings.push(e.toInfo());
    return [];
  }
  return out;
}
