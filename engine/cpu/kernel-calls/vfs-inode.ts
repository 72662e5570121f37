/**
 * Inodes (fs/inode.c, fs/libfs.c of 6.1) in model memory: new_inode() allocates and initialises a struct inode as
 * inode_init_always() does and puts it on its super_block's s_inodes; iput() drops the last reference as iput_final()
 * and evict() do (the super_operations' drop_inode, evict_inode, destroy_inode and free_inode are called through
 * their pointers: module code, or generic_delete_inode/free_inode_nonrcu here).
 *
 * Not modelled, and said so in the steps: the LSM blob security_inode_alloc() hangs on i_security (NULL here), the
 * wall clock (current_time() gives the epoch), and writeback (an inode with dirty pages, or one iput_final() would
 * keep on the LRU, stops as not modelled).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { AS_EXITING, GFP_HIGHUSER_MOVABLE, I_STATE, INODE, MAPPING, RWSEM_WAIT_LIST, SB, SB_FLAGS } from './vfs-layout';
import { hlistDelInit, listDelInit, listAdd, listEmpty, listInit, r32, r64, s32, thisCpuAdd, w16, w32, w64, type VfsEnv } from './vfs-objects';
import { hexU64 } from '../../base/hex';

/** ACL_NOT_CACHED ((void *)(-1), include/linux/fs.h). */
const ACL_NOT_CACHED = 0xffffffffffffffffn;
/** LAST_INO_BATCH (fs/inode.c). */
const LAST_INO_BATCH = 1024;

/** inode_init_always(sb, inode) with inode_init_once()'s zeroing (the inode_cachep constructor). */
function inodeInitAlways(ctx: KernelCallContext, env: VfsEnv, sb: bigint, inode: bigint): void {
  w64(ctx, inode + INODE.sb, sb);
  ctx.mem.write(inode + INODE.blkbits, ctx.mem.read(sb + SB.blocksizeBits, 1, 'read'));
  w32(ctx, inode + INODE.flags, 0);
  w32(ctx, inode + INODE.count, 1);
  // static const struct inode_operations empty_iops; static const struct file_operations no_open_fops (kallsyms: .9, .8).
  w64(ctx, inode + INODE.op, env.sym('empty_iops.9') ?? 0n);
  w64(ctx, inode + INODE.fop, env.sym('no_open_fops.8') ?? 0n);
  w16(ctx, inode + INODE.opflags, 0);
  // if (sb->s_xattr) inode->i_opflags |= IOP_XATTR;
  if (r64(ctx, sb + 168n) !== 0n) w16(ctx, inode + INODE.opflags, 0x8);
  w32(ctx, inode + INODE.nlink, 1);
  const mapping = inode + INODE.data;
  // The fields it sets to 0: i_sequence, i_ino, i_uid, i_gid, i_writecount, i_size, i_write_hint (WRITE_LIFE_NOT_SET),
  // i_blocks, i_bytes, i_generation, i_pipe, i_rdev, dirtied_when, i_wb_frn_*, i_lock, i_dio_count, i_private,
  // i_dentry, i_fsnotify_mask, i_flctx; the rwsems' count and owner; the mapping's flags, wb_err, i_mmap_writable,
  // private_data, writeback_index.
  const zero: [bigint, number][] = [
    [336n, 8], [INODE.ino, 8], [4n, 8], [352n, 4], [80n, 8], [INODE.writeHint, 1], [144n, 8], [140n, 2], [592n, 4],
    [584n, 8], [76n, 4], [200n, 8], [256n, 8], [136n, 4], [348n, 4], [624n, 8], [INODE.dentry, 8], [596n, 4], [368n, 8],
    [INODE.rwsem, 16], [INODE.data + MAPPING.invalidateLock, 16], [INODE.data + MAPPING.flags, 8], [INODE.data + 160n, 4],
    [INODE.data + 68n, 4], [INODE.data + 184n, 8], [INODE.data + 136n, 8],
  ];
  for (const [off, n] of zero) ctx.mem.write(inode + off, new Uint8Array(n));
  listInit(ctx, inode + INODE.rwsem + RWSEM_WAIT_LIST);
  w64(ctx, mapping + MAPPING.aOps, env.sym('empty_aops') ?? 0n);
  w64(ctx, mapping + MAPPING.host, inode);
  w32(ctx, mapping + MAPPING.gfpMask, GFP_HIGHUSER_MOVABLE);
  listInit(ctx, mapping + MAPPING.invalidateLock + RWSEM_WAIT_LIST);
  w64(ctx, inode + INODE.mapping, mapping);
  w64(ctx, inode + INODE.acl, ACL_NOT_CACHED);
  w64(ctx, inode + INODE.defaultAcl, ACL_NOT_CACHED);
  thisCpuAdd(ctx, env, 'nr_inodes', 1n);
}

/** new_inode(sb): new_inode_pseudo() (alloc_inode(): s_op->alloc_inode or inode_cachep), then inode_sb_list_add(). */
export function newInode(ctx: KernelCallContext, env: VfsEnv, sb: bigint): bigint {
  const ops = r64(ctx, sb + SB.op);
  const alloc = ops === 0n ? 0n : r64(ctx, ops);
  let inode: bigint;
  if (alloc !== 0n) {
    inode = ctx.callModule(alloc, sb);
    if (inode === 0n) return 0n;
  } else {
    inode = ctx.kmalloc(INODE.size, true, 'new_inode: kmem_cache_alloc(inode_cachep)');
    // inode_init_once(): the lists and the mapping's tree start empty.
    for (const l of [INODE.ioList, INODE.lru, INODE.sbList, INODE.wbList, INODE.devices]) listInit(ctx, inode + l);
    listInit(ctx, inode + INODE.data + MAPPING.privateList);
  }
  inodeInitAlways(ctx, env, sb, inode);
  w64(ctx, inode + INODE.state, 0n);
  listInit(ctx, inode + INODE.sbList);
  listAdd(ctx, inode + INODE.sbList, sb + SB.inodes);
  return inode;
}

/** drop_nlink() (fs/inode.c). */
export function dropNlink(ctx: KernelCallContext, inode: bigint): void {
  const n = r32(ctx, inode + INODE.nlink) - 1;
  w32(ctx, inode + INODE.nlink, n);
  const sb = r64(ctx, inode + INODE.sb);
  if (n === 0) w64(ctx, sb + SB.removeCount, r64(ctx, sb + SB.removeCount) + 1n);
}

/** evict() then destroy_inode() (fs/inode.c); i_callback() runs at once (an RCU callback on the real kernel). */
function evict(ctx: KernelCallContext, env: VfsEnv, inode: bigint): 'not-modelled' | null {
  const sb = r64(ctx, inode + INODE.sb);
  const ops = r64(ctx, sb + SB.op);
  const at = (off: bigint): bigint => (ops === 0n ? 0n : r64(ctx, ops + off));
  if (!listEmpty(ctx, inode + INODE.ioList)) return 'not-modelled';
  listDelInit(ctx, inode + INODE.sbList);
  const mapping = inode + INODE.data;
  if (at(48n) !== 0n) ctx.callModule(at(48n), inode);
  else {
    // truncate_inode_pages_final(): mapping_set_exiting(); no pages to truncate (a page cache is not modelled).
    if (r64(ctx, mapping + 128n) !== 0n) return 'not-modelled';
    w64(ctx, mapping + MAPPING.flags, r64(ctx, mapping + MAPPING.flags) | (1n << AS_EXITING));
    // clear_inode()
    w64(ctx, inode + INODE.state, BigInt(I_STATE.FREEING | I_STATE.CLEAR));
  }
  hlistDelInit(ctx, inode + INODE.hash);
  // __destroy_inode(): s_remove_count for an unlinked inode, this_cpu_dec(nr_inodes).
  if (r32(ctx, inode + INODE.nlink) === 0) w64(ctx, sb + SB.removeCount, r64(ctx, sb + SB.removeCount) - 1n);
  thisCpuAdd(ctx, env, 'nr_inodes', -1n);
  if (at(8n) !== 0n) {
    ctx.callModule(at(8n), inode);
    if (at(16n) === 0n) return null;
  }
  // inode->free_inode = ops->free_inode; call_rcu(&inode->i_rcu, i_callback)
  const free = at(16n);
  w64(ctx, inode + INODE.fop, free);
  ctx.note(`destroy_inode ${hexU64(inode)}: i_callback() runs now (after an RCU grace period on the real kernel)`);
  if (free !== 0n) ctx.callModule(free, inode);
  else ctx.kfree(inode);
  return null;
}

/** iput(inode) (fs/inode.c): the last reference evicts it when drop_inode says so. */
export function iput(ctx: KernelCallContext, env: VfsEnv, inode: bigint): 'not-modelled' | null {
  if (inode === 0n) return null;
  const count = s32(r32(ctx, inode + INODE.count)) - 1;
  w32(ctx, inode + INODE.count, count);
  if (count !== 0) return null;
  const sb = r64(ctx, inode + INODE.sb);
  const ops = r64(ctx, sb + SB.op);
  const dropFn = ops === 0n ? 0n : r64(ctx, ops + 40n);
  // generic_drop_inode(): !inode->i_nlink || inode_unhashed(inode)
  const drop =
    dropFn !== 0n
      ? s32(Number(ctx.callModule(dropFn, inode) & 0xffffffffn)) !== 0
      : r32(ctx, inode + INODE.nlink) === 0 || r64(ctx, inode + INODE.hash + 8n) === 0n;
  const state = Number(r64(ctx, inode + INODE.state));
  if (!drop && !(state & I_STATE.DONTCACHE) && (r64(ctx, sb + SB.flags) & SB_FLAGS.ACTIVE) !== 0n) {
    ctx.note('iput: the inode would stay cached on its LRU list (inode_lru, writeback): not modelled');
    return 'not-modelled';
  }
  if (!drop) return 'not-modelled';
  w64(ctx, inode + INODE.state, BigInt(state | I_STATE.FREEING));
  return evict(ctx, env, inode);
}

export function inodeFunctions(env: VfsEnv): Record<string, KernelFunction> {
  return {
    // struct inode *new_inode(struct super_block *sb)
    new_inode: (ctx) => {
      const inode = newInode(ctx, env, ctx.arg(0));
      ctx.note(`new_inode: struct inode at ${hexU64(inode)} on super_block ${hexU64(ctx.arg(0))} (its LSM blob i_security is not modelled)`);
      return inode;
    },
    // unsigned int get_next_ino(void): per-CPU batches of LAST_INO_BATCH from shared_last_ino, over the modelled memory.
    get_next_ino: (ctx) => {
      const off = env.sym('last_ino');
      const shared = env.sym('shared_last_ino.2');
      if (off === null || shared === null) return 'not-modelled';
      const p = (ctx.state.gsBase + off) & 0xffffffffffffffffn;
      let res = r32(ctx, p);
      if ((res & (LAST_INO_BATCH - 1)) === 0) {
        const next = (r32(ctx, shared) + LAST_INO_BATCH) >>> 0;
        w32(ctx, shared, next);
        res = (next - LAST_INO_BATCH) >>> 0;
      }
      res = (res + 1) >>> 0;
      if (res === 0) res = 1;
      w32(ctx, p, res);
      return BigInt(res);
    },
    // struct timespec64 current_time(struct inode *inode): returned in rax:rdx. The wall clock is not modelled.
    current_time: (ctx) => {
      ctx.note('current_time: the wall clock (ktime_get_coarse_real_ts64) is not modelled: 0 s, 0 ns');
      ctx.state.gpr[2] = 0n;
      return 0n;
    },
    // void inc_nlink(struct inode *inode)
    inc_nlink: (ctx) => {
      const inode = ctx.arg(0);
      const n = r32(ctx, inode + INODE.nlink);
      if (n === 0) {
        const sb = r64(ctx, inode + INODE.sb);
        w64(ctx, sb + SB.removeCount, r64(ctx, sb + SB.removeCount) - 1n);
      }
      w32(ctx, inode + INODE.nlink, n + 1);
      return 0n;
    },
    drop_nlink: (ctx) => {
      dropNlink(ctx, ctx.arg(0));
      return 0n;
    },
    // void iput(struct inode *inode)
    iput: (ctx) => iput(ctx, env, ctx.arg(0)) ?? 0n,
    // int generic_delete_inode(struct inode *inode) { return 1; }
    generic_delete_inode: () => 1n,
    // void free_inode_nonrcu(struct inode *inode): kmem_cache_free(inode_cachep, inode)
    free_inode_nonrcu: (ctx) => {
      ctx.kfree(ctx.arg(0));
      return 0n;
    },
  };
}
