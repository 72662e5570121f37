/**
 * Character-device regions as fs/char_dev.c (6.1) hands them out: the majors tty, misc and the
 * __register_chrdev models share.
 */
import type { KernelCallContext } from '../types';
import { EBUSY, EINVAL } from './errname';
import { printkText } from './printk';
import type { KernelCallState } from './state';

const CHRDEV_MAJOR_MAX = 512;
const CHRDEV_MAJOR_HASH_SIZE = 255;
const CHRDEV_MAJOR_DYN_END = 234;
const CHRDEV_MAJOR_DYN_EXT_START = 511;
const CHRDEV_MAJOR_DYN_EXT_END = 384;
export const MINORBITS = 20;
export const MINORMASK = (1 << MINORBITS) - 1;

/**
 * find_dynamic_major(): chrdevs[] is a hash by major % 255; slots 254..234 are free when no region
 * of any major hashes there, then majors 511..384 are tried one by one.
 */
export function findDynamicMajor(state: KernelCallState): number {
  const used = state.charRegions.map((r) => r.major);
  for (let i = CHRDEV_MAJOR_HASH_SIZE - 1; i >= CHRDEV_MAJOR_DYN_END; i--) if (!used.some((m) => m % CHRDEV_MAJOR_HASH_SIZE === i)) return i;
  for (let i = CHRDEV_MAJOR_DYN_EXT_START; i >= CHRDEV_MAJOR_DYN_EXT_END; i--) if (!used.includes(i)) return i;
  return -EBUSY;
}

/** __register_chrdev_region(): the major (chosen when 0) or -errno, printing the kernel's pr_err lines. */
export function registerChrdevRegion(
  ctx: KernelCallContext,
  state: KernelCallState,
  major: number,
  baseminor: number,
  count: number,
  name: string,
): number {
  if (major >= CHRDEV_MAJOR_MAX) {
    printkText(ctx, state, 3, `CHRDEV "${name}" major requested (${major}) is greater than the maximum (${CHRDEV_MAJOR_MAX - 1})\n`);
    return -EINVAL;
  }
  if (count > MINORMASK + 1 - baseminor) {
    printkText(
      ctx,
      state,
      3,
      `CHRDEV "${name}" minor range requested (${baseminor}-${baseminor + count - 1}) is out of range of maximum range (0-${MINORMASK}) for a single major\n`,
    );
    return -EINVAL;
  }
  if (major === 0) {
    const m = findDynamicMajor(state);
    if (m < 0) {
      printkText(ctx, state, 3, `CHRDEV "${name}" dynamic allocation region is full\n`);
      return m;
    }
    major = m;
  }
  for (const r of state.charRegions) {
    if (r.major !== major) continue;
    if (r.baseminor + r.count <= baseminor || r.baseminor >= baseminor + count) continue;
    return -EBUSY;
  }
  state.charRegions.push({ major, baseminor, count, name });
  return major;
}

export function unregisterChrdevRegion(state: KernelCallState, major: number, baseminor: number, count: number): boolean {
  const i = state.charRegions.findIndex((r) => r.major === major && r.baseminor === baseminor && r.count === count);
  if (i < 0) return false;
  state.charRegions.splice(i, 1);
  return true;
}
