/**
 * filp_open(filename, flags, mode) (fs/open.c) on the modelled machine's root: the recorder's busybox initramfs
 * (scripts/qemu/run-scenario.mjs initramfsEntries), whose /init mounts only proc, sysfs and devtmpfs. Its top level
 * holds bin, sbin, dev, proc, sys, tmp, root, etc, lib, lib64, init and scenario, and /etc is empty; a path whose
 * first component is none of these, or that goes below /etc, does not exist: path_openat() fails in the lookup with
 * -ENOENT (O_CREAT would create it: not modelled), and filp_open() returns ERR_PTR(-ENOENT). Every other path
 * (one that may exist, a relative one) is not modelled.
 */
import type { KernelFunction } from '../types';
import { ENOENT } from './errname';
import { ret, tryCString } from './mem';

const TOP_LEVEL = new Set(['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'root', 'etc', 'lib', 'lib64', 'init', 'scenario']);
/** Directories of the initramfs that hold nothing while modules load. */
const EMPTY_DIRS = new Set(['etc']);
const O_CREAT = 0o100;

/** Whether an absolute path names nothing on the modelled machine's root; null when the model cannot say. */
export function rootfsLacks(path: string): boolean | null {
  if (!path.startsWith('/')) return null;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return null;
  if (!TOP_LEVEL.has(parts[0])) return true;
  if (EMPTY_DIRS.has(parts[0]) && parts.length > 1) return true;
  return null;
}

export function rootfsOpenFunctions(): Record<string, KernelFunction> {
  return {
    // struct file *filp_open(const char *filename, int flags, umode_t mode)
    filp_open: (ctx) => {
      const path = tryCString(ctx, ctx.arg(0), 4096);
      if (path === null || (Number(ctx.arg(1) & 0xffffffffn) & O_CREAT) !== 0) return 'not-modelled';
      if (rootfsLacks(path) !== true) return 'not-modelled';
      ctx.note(`filp_open("${path}"): no such file on the modelled machine's initramfs root → -ENOENT`);
      return ret(-ENOENT);
    },
  };
}
