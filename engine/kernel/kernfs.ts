/**
 * sysfs directory order as readdir() sees it (fs/kernfs/dir.c): the kernel's, so both the load path's
 * snapshots and the shell (kmod's holders lists, `ls -f`) read it from here.
 */
import type { LoadedModule } from './module-record';

/**
 * kernfs_name_hash() (fs/kernfs/dir.c): the order of entries in a sysfs directory, which is the
 * order readdir() returns them in (kmod's holders lists, `ls -f`). ns is NULL for module dirs.
 */
export function kernfsNameHash(name: string): number {
  const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
  const mask = (1n << 64n) - 1n;
  let hash = 0n;
  for (let i = 0; i < name.length; i++) {
    // partial_name_hash(c, prev) = (prev + (c << 4) + (c >> 4)) * 11, c a (signed) char.
    let c = BigInt(name.charCodeAt(i) & 0xff);
    if (c >= 128n) c = (c - 256n) & mask;
    hash = ((hash + ((c << 4n) & mask) + (c >> 4n)) * 11n) & mask;
  }
  // end_name_hash() = hash_long(hash, 32) on 64-bit.
  let h = Number(((hash * GOLDEN_RATIO_64) & mask) >> 32n);
  h &= 0x7fffffff;
  if (h < 2) h += 2;
  if (h >= 0x7fffffff) h = 0x7fffffff - 1;
  return h;
}

/** Module names hashed so far: the load path snapshots every module's holders at each step (BigInt arithmetic per character). */
const hashes = new Map<string, number>();
function cachedHash(name: string): number {
  let h = hashes.get(name);
  if (h === undefined) hashes.set(name, (h = kernfsNameHash(name)));
  return h;
}

/** Names in kernfs readdir order (hash, then strcmp). */
export function kernfsOrder(names: readonly string[]): string[] {
  if (names.length < 2) return [...names];
  return [...names].sort((a, b) => cachedHash(a) - cachedHash(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** /sys/module/<m>/holders entries, in readdir order. */
export function holders(m: LoadedModule): string[] {
  return kernfsOrder(m.usedBy);
}
