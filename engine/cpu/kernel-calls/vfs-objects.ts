/**
 * What the VFS models (vfs-dcache.ts, vfs-inode.ts, vfs-mount.ts) share: their state, the list and hlist operations of
 * include/linux/list.h on model memory, and per-CPU counters (this_cpu_inc of nr_inodes, nr_dentry).
 */
import type { KernelCallContext } from '../types';
import { readU32, readU64, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

export class VfsState {
  /** struct mount → mnt_count (the sum over CPUs of mnt_pcp->mnt_count, which the model keeps here). */
  readonly mountCounts = new Map<bigint, number>();
  /**
   * __d_rehash() puts a dentry on its dentry_hashtable chain; the boot's table (vmalloc'd, its chains full of the
   * boot's dentries) is not modelled, so hashed dentries go on one chain head the model allocates.
   */
  hashChain = 0n;
}

export interface VfsEnv {
  s: KernelCallState;
  v: VfsState;
  /** A vmlinux symbol's address (kallsyms), null when the profile lacks it. */
  sym(name: string): bigint | null;
}

export const r64 = (ctx: KernelCallContext, a: bigint): bigint => readU64(ctx.mem, a);
export const w64 = (ctx: KernelCallContext, a: bigint, v: bigint): void => writeU64(ctx.mem, a, v);
export const r32 = (ctx: KernelCallContext, a: bigint): number => readU32(ctx.mem, a);
export const w32 = (ctx: KernelCallContext, a: bigint, v: number): void => writeU32(ctx.mem, a, v);
export const r16 = (ctx: KernelCallContext, a: bigint): number => {
  const b = ctx.mem.read(a, 2, 'read');
  return b[0] | (b[1] << 8);
};
export const w16 = (ctx: KernelCallContext, a: bigint, v: number): void => ctx.mem.write(a, Uint8Array.of(v & 0xff, (v >> 8) & 0xff));
export const s32 = (v: number): number => v | 0;

export { listAdd, listAddTail, listDelInit, listEmpty, listInit } from './list-head';

/** hlist_add_head(n, h) (also hlist_bl_add_head for an unlocked chain: the lock bit is bit 0 of first). */
export function hlistAddHead(ctx: KernelCallContext, node: bigint, head: bigint): void {
  const first = r64(ctx, head);
  w64(ctx, node, first);
  if (first !== 0n) w64(ctx, first + 8n, node);
  w64(ctx, head, node);
  w64(ctx, node + 8n, head);
}
/** hlist_del_init(n) / __hlist_bl_del + pprev = NULL: unhash it if hashed. */
export function hlistDelInit(ctx: KernelCallContext, node: bigint): void {
  const pprev = r64(ctx, node + 8n);
  if (pprev === 0n) return;
  const next = r64(ctx, node);
  w64(ctx, pprev, next);
  if (next !== 0n) w64(ctx, next + 8n, pprev);
  w64(ctx, node, 0n);
  w64(ctx, node + 8n, 0n);
}

/** this_cpu_add(var, delta) on CPU 0's per-CPU area (the symbol is the per-CPU offset, %gs-relative). */
export function thisCpuAdd(ctx: KernelCallContext, env: VfsEnv, name: string, delta: bigint): void {
  const off = env.sym(name);
  if (off === null) return;
  const at = (ctx.state.gsBase + off) & 0xffffffffffffffffn;
  w64(ctx, at, r64(ctx, at) + delta);
}

/** A callback the kernel calls through a pointer (module code, or a kernel function the models cover): 0 when NULL. */
export function indirect(ctx: KernelCallContext, fn: bigint, ...args: bigint[]): bigint {
  return fn === 0n ? 0n : ctx.callModule(fn, ...args);
}
