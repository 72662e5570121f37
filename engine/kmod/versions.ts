/**
 * `__versions`: struct modversion_info { unsigned long crc; char name[MODULE_NAME_LEN]; } —
 * what check_version() (kernel/module/version.c) compares against the exporter's CRC.
 * MODULE_NAME_LEN = 64 - sizeof(unsigned long): 64-byte entries on 64-bit, 4 + 60 on 32-bit.
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import type { ElfFile } from '../elf/types';
import { dataView, findSection, utf8String, sectionBytes } from './elf-access';
import type { VersionEntry } from './types';

export function readVersions(elf: ElfFile): VersionEntry[] {
  const sec = findSection(elf, '__versions');
  if (!sec) return [];
  const b = sectionBytes(elf, sec);
  const is64 = elf.header.class === 64;
  const little = elf.header.endian === 'little';
  const entSize = 64;
  const crcSize = is64 ? 8 : 4;
  if (b.length % entSize !== 0) {
    throw new ElfError('BAD_MODULE_DATA', `__versions is ${hex(b.length)} bytes, not a multiple of ${entSize}`, sec.offset, '__versions');
  }
  const dv = dataView(b);
  const out: VersionEntry[] = [];
  for (let o = 0; o < b.length; o += entSize) {
    const crc = is64 ? dv.getBigUint64(o, little) : BigInt(dv.getUint32(o, little));
    const nameBytes = b.subarray(o + crcSize, o + entSize);
    const nul = nameBytes.indexOf(0);
    if (nul < 0) {
      throw new ElfError(
        'BAD_MODULE_DATA',
        `__versions entry at ${hex(sec.offset + o)} has an unterminated name`,
        sec.offset + o + crcSize,
        '__versions name',
      );
    }
    out.push({ name: utf8String(nameBytes.subarray(0, nul)), crc, offset: sec.offset + o });
  }
  return out;
}
