/**
 * `.modinfo`: NUL-separated "key=value" strings, read in file order as modinfo(8) prints them
 * (get_modinfo()/get_next_modinfo() in kernel/module/main.c walk it the same way).
 */
import type { ElfFile } from '../elf/types';
import { findSection, utf8String, sectionBytes } from './elf-access';
import type { ModinfoEntry } from './types';

export function readModinfo(elf: ElfFile): ModinfoEntry[] {
  const sec = findSection(elf, '.modinfo');
  if (!sec) return [];
  const b = sectionBytes(elf, sec);
  const out: ModinfoEntry[] = [];
  let i = 0;
  while (i < b.length) {
    // Entries are padded with runs of NULs (alignment); skip them like get_next_modinfo().
    if (b[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < b.length && b[j] !== 0) j++;
    const text = utf8String(b.subarray(i, j));
    const eq = text.indexOf('=');
    out.push(
      eq < 0 ? { key: text, value: '', offset: sec.offset + i } : { key: text.slice(0, eq), value: text.slice(eq + 1), offset: sec.offset + i },
    );
    i = j + 1;
  }
  return out;
}

/** The first value for `key` (get_modinfo()), or null. */
export function modinfoValue(entries: ModinfoEntry[], key: string): string | null {
  return entries.find((e) => e.key === key)?.value ?? null;
}
