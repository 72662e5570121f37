/**
 * The open-addressing name index of the binary kernel profile (profile-binary.ts): FNV-1a over a name's character
 * codes (symbol names are ASCII), a power-of-two table of entry + 1 (0 = empty), linear probing. The same function
 * hashes a name at build time (from the JSON) and at lookup (from the string asked for).
 */

/** FNV-1a (32-bit) of a string's character codes. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a of bytes [start, end) (a Latin-1 name in a blob): equal to hashName() of the string they spell. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/** A table for `count` names: at least twice as many slots, a power of two. */
export function indexSize(count: number): number {
  let n = 8;
  while (n < count * 2) n *= 2;
  return n;
}

/**
 * Fill a table with the entries `ids` in that order; the first of a name wins (a later one of the same name is left
 * out). hashOf(id) is the hash of the entry's name, sameName(a, b) compares two entries' names.
 */
export function buildIndex(ids: ArrayLike<number>, hashOf: (id: number) => number, sameName: (a: number, b: number) => boolean): Uint32Array {
  const slots = new Uint32Array(indexSize(ids.length));
  const mask = slots.length - 1;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    let s = hashOf(id) & mask;
    let dup = false;
    while (slots[s] !== 0) {
      if (sameName(slots[s] - 1, id)) {
        dup = true;
        break;
      }
      s = (s + 1) & mask;
    }
    if (!dup) slots[s] = id + 1;
  }
  return slots;
}

/** The entry the index holds for `name` (isName(entry) compares its name), or -1. */
export function probeIndex(slots: Uint32Array, name: string, isName: (entry: number) => boolean): number {
  const mask = slots.length - 1;
  for (let s = hashName(name) & mask; slots[s] !== 0; s = (s + 1) & mask) if (isName(slots[s] - 1)) return slots[s] - 1;
  return -1;
}
