import { ByteView } from './bytes';
import { elfErrorInfo } from './errors';
import { hex } from '../base/hex';
import { decodeUtf8 } from './strings';
import type { ElfErrorInfo, ElfNote } from './types';

/**
 * Parse the notes in file bytes [start, start+size): each is { namesz, descsz, type, name,
 * desc } with name and desc padded (from the note's start) to 4 bytes, or to 8 when the section/segment is 8-aligned
 * (GNU property notes; readelf decides the same way). Stops with a warning at the first note
 * that does not fit; the notes before it are kept.
 */
export function readNotes(
  view: ByteView,
  start: number,
  size: number,
  align: number,
  sectionIndex: number,
  where: string,
  warnings: ElfErrorInfo[],
  out: ElfNote[],
): void {
  const pad = align === 8 ? 8 : 4;
  const end = start + size;
  const { dv, little, bytes } = view;
  let pos = start;
  while (pos < end) {
    if (end - pos < 12) {
      warnings.push(
        elfErrorInfo(
          'TRUNCATED',
          `${where}: ${end - pos} stray byte(s) at ${hex(pos)} are too few for a note header`,
          pos,
          `note header in ${where}`,
        ),
      );
      return;
    }
    const namesz = dv.getUint32(pos, little);
    const descsz = dv.getUint32(pos + 4, little);
    const type = dv.getUint32(pos + 8, little);
    const nameOff = pos + 12;
    // binutils' ELF_NOTE_DESC_OFFSET / ELF_NOTE_NEXT_OFFSET: padding is measured from the
    // note's start (header included), which matters for 8-byte alignment.
    const descOffset = pos + alignUp(12 + namesz, pad);
    const next = pos + alignUp(descOffset - pos + descsz, pad);
    if (nameOff + namesz > end || descOffset + descsz > end) {
      warnings.push(
        elfErrorInfo(
          'TRUNCATED',
          `${where}: note at ${hex(pos)} (namesz ${namesz}, descsz ${descsz}) runs past the end of its ${sectionIndex >= 0 ? 'section' : 'segment'} ` +
            `at ${hex(end)}`,
          pos,
          `n_namesz of note in ${where}`,
        ),
      );
      return;
    }
    // The owner name is NUL-terminated inside namesz ("GNU\0", "Linux\0").
    let nameEnd = nameOff;
    while (nameEnd < nameOff + namesz && bytes[nameEnd] !== 0) nameEnd++;
    out.push({ sectionIndex, owner: decodeUtf8(bytes, nameOff, nameEnd), type, descOffset, descSize: descsz });
    // The last note's padding may be cut off by the section end; that is fine.
    pos = Math.min(next, end);
  }
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
