/**
 * Mounting a filesystem inside the kernel (fs/libfs.c simple_pin_fs(), fs/namespace.c vfs_kern_mount(),
 * fs/fs_context.c, fs/super.c of 6.1) and unmounting it again (simple_release_fs() → mntput() → cleanup_mnt() →
 * deactivate_super() → kill_sb), on real struct fs_context, super_block and mount objects in model memory.
 *
 * vfs_kern_mount(type, SB_KERNMOUNT, type->name, NULL): alloc_fs_context() (get_filesystem() takes a reference on the
 * type's module; the type's init_fs_context() is called: module code), the "source" parameter, vfs_get_tree()
 * (fc->ops->get_tree(): module code, which calls back get_tree_single() here: sget_fc() → alloc_super(), then its
 * fill_super(sb, fc), module code again), vfs_create_mount(), put_fs_context(). The super_block holds a reference on
 * the module until kill_sb: /proc/modules counts it.
 *
 * Not modelled (each said in a step): a filesystem without init_fs_context (legacy ->mount), one with parse_param,
 * the boot's global lists (super_blocks, the mount hash), anonymous device numbers (s_dev stays 0), mount ids,
 * mnt_pcp (the count is kept by the model), LSM blobs, shrinkers and list_lru registration.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { FS_CONTEXT, FS_CONTEXT_OPS, FS_TYPE, MAX_NON_LFS, MNT_INTERNAL, MOUNT } from './vfs-layout';
import { MUTEX_WAIT_LIST, RWSEM_WAIT_LIST, SB, SB_FLAGS, DENTRY, VFSMOUNT } from './vfs-layout';
import { hlistAddHead, hlistDelInit, indirect, listAddTail, listDelInit, listEmpty, listInit, r32, r64, s32, w32, w64, type VfsEnv } from './vfs-objects';
import { dput } from './vfs-dcache';
import { isErrValue, readCStringBytes, ret } from './mem';
import { hexU64 } from '../../base/hex';

const TIME64_MIN = -(1n << 63n);
const TIME64_MAX = (1n << 63n) - 1n;
/** RWSEM_WRITER_LOCKED (kernel/locking/rwsem.c). */
const RWSEM_WRITER_LOCKED = 1n;

const moduleGet = (ctx: KernelCallContext, type: bigint): void => {
  const owner = r64(ctx, type + FS_TYPE.owner);
  if (owner !== 0n) ctx.moduleRef(owner, 'get-always');
};
const modulePut = (ctx: KernelCallContext, type: bigint): void => {
  const owner = r64(ctx, type + FS_TYPE.owner);
  if (owner !== 0n) ctx.moduleRef(owner, 'put');
};
const typeName = (ctx: KernelCallContext, type: bigint): string => String.fromCharCode(...readCStringBytes(ctx.mem, r64(ctx, type + FS_TYPE.name), 64));

/** alloc_super(type, flags, user_ns) (fs/super.c): s_umount held for writing by the caller-to-be. */
function allocSuper(ctx: KernelCallContext, env: VfsEnv, type: bigint, flags: bigint, userNs: bigint): bigint {
  const s = ctx.kmalloc(SB.size, true, 'super_block (alloc_super)');
  listInit(ctx, s + SB.list);
  w64(ctx, s + SB.userNs, userNs);
  listInit(ctx, s + SB.umount + RWSEM_WAIT_LIST);
  w64(ctx, s + SB.bdi, env.sym('noop_backing_dev_info') ?? 0n);
  w64(ctx, s + SB.flags, flags);
  if (userNs !== env.sym('init_user_ns')) w64(ctx, s + SB.iflags, 4n); // SB_I_NODEV
  listInit(ctx, s + SB.syncLock + MUTEX_WAIT_LIST);
  listInit(ctx, s + SB.inodes);
  listInit(ctx, s + SB.inodesWb);
  listInit(ctx, s + SB.mounts);
  w32(ctx, s + SB.count, 1);
  w32(ctx, s + SB.active, 1);
  listInit(ctx, s + SB.vfsRenameMutex + MUTEX_WAIT_LIST);
  w64(ctx, s + SB.maxbytes, MAX_NON_LFS);
  // static const struct super_operations default_op (kallsyms: default_op.4);
  w64(ctx, s + SB.op, env.sym('default_op.4') ?? 0n);
  w32(ctx, s + SB.timeGran, 1_000_000_000);
  w64(ctx, s + SB.timeMin, BigInt.asUintN(64, TIME64_MIN));
  w64(ctx, s + SB.timeMax, TIME64_MAX);
  // down_write_nested(&s->s_umount, SINGLE_DEPTH_NESTING): held by current (init_task here).
  w64(ctx, s + SB.umount, RWSEM_WRITER_LOCKED);
  w64(ctx, s + SB.umount + 8n, env.sym('init_task') ?? 0n);
  return s;
}

const upWrite = (ctx: KernelCallContext, sem: bigint): void => {
  w64(ctx, sem, 0n);
  w64(ctx, sem + 8n, 0n);
};

/** put_fs_context(fc) (fs/fs_context.c). */
function putFsContext(ctx: KernelCallContext, env: VfsEnv, fc: bigint): 'not-modelled' | null {
  const root = r64(ctx, fc + FS_CONTEXT.root);
  if (root !== 0n) {
    const sb = r64(ctx, root + DENTRY.sb);
    if (dput(ctx, env, root)) return 'not-modelled';
    w64(ctx, fc + FS_CONTEXT.root, 0n);
    if (deactivateSuper(ctx, env, sb)) return 'not-modelled';
  }
  const ops = r64(ctx, fc + FS_CONTEXT.ops);
  if (ctx.mem.read(fc + FS_CONTEXT.needFree, 1, 'read')[0] & 1 && ops !== 0n) indirect(ctx, r64(ctx, ops + FS_CONTEXT_OPS.free), fc);
  modulePut(ctx, r64(ctx, fc + FS_CONTEXT.fsType));
  const source = r64(ctx, fc + FS_CONTEXT.source);
  if (source !== 0n) ctx.kfree(source);
  ctx.kfree(fc);
  return null;
}

/** vfs_kern_mount(type, SB_KERNMOUNT, type->name, NULL): the struct vfsmount, or an ERR_PTR. */
function vfsKernMount(ctx: KernelCallContext, env: VfsEnv, type: bigint): bigint | 'not-modelled' {
  const name = typeName(ctx, type);
  const init = r64(ctx, type + FS_TYPE.initFsContext);
  if (init === 0n) {
    ctx.note(`vfs_kern_mount '${name}': a legacy filesystem (->mount, legacy_init_fs_context): not modelled`);
    return 'not-modelled';
  }
  const userNs = env.sym('init_user_ns');
  const cred = env.sym('init_cred');
  const net = env.sym('init_net');
  if (userNs === null || cred === null || net === null) return 'not-modelled';
  // alloc_fs_context(type, NULL, SB_KERNMOUNT, 0, FS_CONTEXT_FOR_MOUNT); current is init_task, whose cred is init_cred.
  const fc = ctx.kmalloc(FS_CONTEXT.size, true, 'fs_context (alloc_fs_context)');
  w32(ctx, fc + FS_CONTEXT.sbFlags, Number(SB_FLAGS.KERNMOUNT));
  moduleGet(ctx, type);
  w64(ctx, fc + FS_CONTEXT.fsType, type);
  w64(ctx, fc + FS_CONTEXT.cred, cred);
  w64(ctx, fc + FS_CONTEXT.netNs, net);
  w64(ctx, fc + FS_CONTEXT.logPrefix, r64(ctx, type + FS_TYPE.name));
  listInit(ctx, fc + FS_CONTEXT.uapiMutex + MUTEX_WAIT_LIST);
  w64(ctx, fc + FS_CONTEXT.userNs, userNs);
  ctx.note(`vfs_kern_mount '${name}': fs_context at ${hexU64(fc)}; calling the type's init_fs_context()`);
  const err = s32(Number(ctx.callModule(init, fc) & 0xffffffffn));
  if (err < 0) {
    // alloc_fs_context()'s err_fc: put_fs_context() (need_free is not set yet).
    if (putFsContext(ctx, env, fc)) return 'not-modelled';
    return ret(err);
  }
  const b = ctx.mem.read(fc + FS_CONTEXT.needFree, 1, 'read')[0];
  ctx.mem.write(fc + FS_CONTEXT.needFree, Uint8Array.of(b | 1));
  const ops = r64(ctx, fc + FS_CONTEXT.ops);
  // vfs_parse_fs_string(fc, "source", name): no sb flag, no LSM parse hook on this machine, then the filesystem's
  // parse_param (not modelled), else vfs_parse_fs_param_source(): fc->source = the kmemdup_nul()'d name.
  if (ops === 0n || r64(ctx, ops + FS_CONTEXT_OPS.parseParam) !== 0n) {
    ctx.note(`vfs_kern_mount '${name}': the filesystem's parse_param for "source" is not modelled`);
    return 'not-modelled';
  }
  const source = ctx.kmalloc(name.length + 1, true, 'fs_context source (kmemdup_nul)');
  ctx.mem.write(source, Uint8Array.from([...name].map((c) => c.charCodeAt(0))));
  w64(ctx, fc + FS_CONTEXT.source, source);
  // fc_mount() → vfs_get_tree()
  const getTree = r64(ctx, ops + FS_CONTEXT_OPS.getTree);
  const e = getTree === 0n ? -22 : s32(Number(ctx.callModule(getTree, fc) & 0xffffffffn));
  let result: bigint;
  if (e < 0) result = ret(e);
  else {
    const root = r64(ctx, fc + FS_CONTEXT.root);
    if (root === 0n) return 'not-modelled'; // "get_tree() didn't set fc->root", then BUG()
    const sb = r64(ctx, root + DENTRY.sb);
    w64(ctx, sb + SB.flags, r64(ctx, sb + SB.flags) | SB_FLAGS.BORN);
    upWrite(ctx, sb + SB.umount);
    result = createMount(ctx, env, fc, source, userNs);
  }
  if (putFsContext(ctx, env, fc)) return 'not-modelled';
  return result;
}

/** vfs_create_mount(fc) with alloc_vfsmnt(fc->source): the struct vfsmount inside a new struct mount. */
function createMount(ctx: KernelCallContext, env: VfsEnv, fc: bigint, source: bigint, userNs: bigint): bigint {
  const root = r64(ctx, fc + FS_CONTEXT.root);
  const sb = r64(ctx, root + DENTRY.sb);
  const m = ctx.kmalloc(MOUNT.size, true, 'struct mount (alloc_vfsmnt)');
  const len = readCStringBytes(ctx.mem, source, 256).length;
  const devname = ctx.kmalloc(len + 1, true, 'mnt_devname (kstrdup_const)');
  ctx.mem.write(devname, ctx.mem.read(source, len, 'read'));
  w64(ctx, m + MOUNT.devname, devname);
  for (const l of [MOUNT.child, MOUNT.mounts, MOUNT.list, MOUNT.expire, MOUNT.share, MOUNT.slaveList, MOUNT.slave, MOUNT.umounting]) listInit(ctx, m + l);
  listInit(ctx, m + MOUNT.instance);
  const mnt = m + MOUNT.mnt;
  w64(ctx, mnt + VFSMOUNT.userns, userNs);
  w32(ctx, mnt + VFSMOUNT.flags, MNT_INTERNAL);
  w32(ctx, sb + SB.active, r32(ctx, sb + SB.active) + 1);
  w64(ctx, mnt + VFSMOUNT.sb, sb);
  w32(ctx, root + DENTRY.count, r32(ctx, root + DENTRY.count) + 1);
  w64(ctx, mnt + VFSMOUNT.root, root);
  w64(ctx, m + MOUNT.mountpoint, root);
  w64(ctx, m + MOUNT.parent, m);
  listAddTail(ctx, m + MOUNT.instance, sb + SB.mounts);
  env.v.mountCounts.set(m, 1);
  ctx.note(`vfs_create_mount: struct mount at ${hexU64(m)} (vfsmount ${hexU64(mnt)}, MNT_INTERNAL), root ${hexU64(root)}, sb ${hexU64(sb)}`);
  return mnt;
}

/** deactivate_super(s) → deactivate_locked_super(): the last active reference runs kill_sb and frees the sb. */
function deactivateSuper(ctx: KernelCallContext, env: VfsEnv, s: bigint): 'not-modelled' | null {
  const active = s32(r32(ctx, s + SB.active));
  if (active > 1) {
    w32(ctx, s + SB.active, active - 1);
    return null;
  }
  w32(ctx, s + SB.active, 0);
  const type = r64(ctx, s + SB.type);
  ctx.note(`deactivate_locked_super: the last reference on '${typeName(ctx, type)}' super_block ${hexU64(s)}: kill_sb`);
  ctx.callModule(r64(ctx, type + FS_TYPE.killSb), s);
  modulePut(ctx, type);
  // put_super() → __put_super(): off super_blocks, freed (destroy_super_rcu after an RCU grace period on the real kernel).
  const count = s32(r32(ctx, s + SB.count)) - 1;
  w32(ctx, s + SB.count, count);
  if (count === 0) {
    listDelInit(ctx, s + SB.list);
    ctx.kfree(s);
  }
  return null;
}

/** generic_shutdown_super(sb) (fs/super.c) for a super_block whose inodes are all gone once its root is. */
function genericShutdownSuper(ctx: KernelCallContext, env: VfsEnv, sb: bigint): 'not-modelled' | null {
  const root = r64(ctx, sb + SB.root);
  if (root !== 0n) {
    // shrink_dcache_for_umount(): sb->s_root = NULL; do_one_tree(): children left are not modelled; d_drop, dput.
    if (!listEmpty(ctx, root + DENTRY.subdirs)) {
      ctx.note('generic_shutdown_super: dentries left under the root (shrink_dcache_parent) are not modelled');
      return 'not-modelled';
    }
    w64(ctx, sb + SB.root, 0n);
    hlistDelInit(ctx, root + DENTRY.hash);
    if (dput(ctx, env, root)) return 'not-modelled';
    const ops = r64(ctx, sb + SB.op);
    // sync_filesystem(): noop_backing_dev_info writes nothing back; ->sync_fs(sb, 0) then (sb, 1).
    const syncFs = ops === 0n ? 0n : r64(ctx, ops + 64n);
    if (syncFs !== 0n) {
      ctx.callModule(syncFs, sb, 0n);
      ctx.callModule(syncFs, sb, 1n);
    }
    w64(ctx, sb + SB.flags, r64(ctx, sb + SB.flags) & ~SB_FLAGS.ACTIVE);
    if (!listEmpty(ctx, sb + SB.inodes)) {
      ctx.note('generic_shutdown_super: inodes left on s_inodes (evict_inodes) are not modelled');
      return 'not-modelled';
    }
    if (ops !== 0n) indirect(ctx, r64(ctx, ops + 56n), sb);
  }
  hlistDelInit(ctx, sb + SB.instances);
  upWrite(ctx, sb + SB.umount);
  return null;
}

/** mntput(mnt) (fs/namespace.c): the last reference on an MNT_INTERNAL mount runs cleanup_mnt() at once. */
function mntput(ctx: KernelCallContext, env: VfsEnv, mnt: bigint): 'not-modelled' | null {
  if (mnt === 0n) return null;
  const m = mnt - MOUNT.mnt;
  const n = (env.v.mountCounts.get(m) ?? 0) - 1;
  if (n > 0) {
    env.v.mountCounts.set(m, n);
    return null;
  }
  env.v.mountCounts.delete(m);
  if (!(r32(ctx, mnt + VFSMOUNT.flags) & MNT_INTERNAL)) return 'not-modelled';
  listDelInit(ctx, m + MOUNT.instance);
  // cleanup_mnt(): dput(mnt_root), deactivate_super(mnt_sb), then delayed_free_vfsmnt (RCU: freed now).
  const sb = r64(ctx, mnt + VFSMOUNT.sb);
  if (dput(ctx, env, r64(ctx, mnt + VFSMOUNT.root))) return 'not-modelled';
  // deactivate_super() takes s_umount for writing around deactivate_locked_super().
  if (deactivateSuper(ctx, env, sb)) return 'not-modelled';
  ctx.kfree(r64(ctx, m + MOUNT.devname));
  ctx.kfree(m);
  ctx.note(`mntput: the last reference on mount ${hexU64(m)}: unmounted`);
  return null;
}

export function mountFunctions(env: VfsEnv): Record<string, KernelFunction> {
  return {
    // int simple_pin_fs(struct file_system_type *type, struct vfsmount **mount, int *count)
    simple_pin_fs: (ctx) => {
      const [type, mount, countAt] = [ctx.arg(0), ctx.arg(1), ctx.arg(2)];
      let mnt = 0n;
      if (r64(ctx, mount) === 0n) {
        const r = vfsKernMount(ctx, env, type);
        if (r === 'not-modelled') return r;
        if (isErrValue(r)) return ret(BigInt.asIntN(32, r));
        mnt = r;
        w64(ctx, mount, mnt);
      }
      const pinned = r64(ctx, mount);
      env.v.mountCounts.set(pinned - MOUNT.mnt, (env.v.mountCounts.get(pinned - MOUNT.mnt) ?? 0) + 1);
      w32(ctx, countAt, r32(ctx, countAt) + 1);
      if (mntput(ctx, env, mnt)) return 'not-modelled';
      ctx.note(`simple_pin_fs '${typeName(ctx, type)}': pinned (count ${r32(ctx, countAt)}), vfsmount ${hexU64(pinned)}`);
      return 0n;
    },
    // void simple_release_fs(struct vfsmount **mount, int *count)
    simple_release_fs: (ctx) => {
      const [mount, countAt] = [ctx.arg(0), ctx.arg(1)];
      const mnt = r64(ctx, mount);
      const n = s32(r32(ctx, countAt)) - 1;
      w32(ctx, countAt, n);
      if (n === 0) w64(ctx, mount, 0n);
      if (mnt !== 0n && !env.v.mountCounts.has(mnt - MOUNT.mnt)) {
        ctx.note('simple_release_fs: a mount the model did not make: not modelled');
        return 'not-modelled';
      }
      return mntput(ctx, env, mnt) ?? 0n;
    },
    // int get_tree_single(struct fs_context *fc, int (*fill_super)(struct super_block *, struct fs_context *))
    // vfs_get_super(fc, vfs_get_single_super, fill_super): sget_fc() finds the type's one super_block or allocates it.
    get_tree_single: (ctx) => {
      const [fc, fill] = [ctx.arg(0), ctx.arg(1)];
      const type = r64(ctx, fc + FS_CONTEXT.fsType);
      if (r64(ctx, type + FS_TYPE.fsSupers) !== 0n) {
        ctx.note(`get_tree_single '${typeName(ctx, type)}': a super_block already exists (grab_super, reconfigure): not modelled`);
        return 'not-modelled';
      }
      const flags = BigInt(r32(ctx, fc + FS_CONTEXT.sbFlags)) & ~SB_FLAGS.SUBMOUNT;
      const s = allocSuper(ctx, env, type, flags, r64(ctx, fc + FS_CONTEXT.userNs));
      // sget_fc(): s_fs_info from fc, set_anon_super_fc() (get_anon_bdev: the device number is not modelled, 0),
      // s_type, s_iflags, s_id, on the type's fs_supers, a reference on the type's module.
      w64(ctx, s + SB.fsInfo, r64(ctx, fc + FS_CONTEXT.sFsInfo));
      w64(ctx, fc + FS_CONTEXT.sFsInfo, 0n);
      w64(ctx, s + SB.type, type);
      w64(ctx, s + SB.iflags, r64(ctx, s + SB.iflags) | BigInt(r32(ctx, fc + FS_CONTEXT.sIflags)));
      const name = readCStringBytes(ctx.mem, r64(ctx, type + FS_TYPE.name), 31);
      ctx.mem.write(s + SB.id, Uint8Array.from([...name, 0]));
      hlistAddHead(ctx, s + SB.instances, type + FS_TYPE.fsSupers);
      moduleGet(ctx, type);
      ctx.note(`get_tree_single '${String.fromCharCode(...name)}': super_block at ${hexU64(s)}; calling fill_super`);
      const err = s32(Number(ctx.callModule(fill, s, fc) & 0xffffffffn));
      if (err) {
        ctx.note(`get_tree_single: fill_super returned ${err}: deactivate_locked_super() is not modelled`);
        return 'not-modelled';
      }
      w64(ctx, s + SB.flags, r64(ctx, s + SB.flags) | SB_FLAGS.ACTIVE);
      const root = r64(ctx, s + SB.root);
      w32(ctx, root + DENTRY.count, r32(ctx, root + DENTRY.count) + 1);
      w64(ctx, fc + FS_CONTEXT.root, root);
      return 0n;
    },
    // void kill_litter_super(struct super_block *sb): d_genocide(s_root) (nothing left under it is modelled), then
    // kill_anon_super(): generic_shutdown_super() and free_anon_bdev() (s_dev was never allocated: nothing to free).
    kill_litter_super: (ctx) => {
      const sb = ctx.arg(0);
      const root = r64(ctx, sb + SB.root);
      if (root !== 0n && !listEmpty(ctx, root + DENTRY.subdirs)) {
        ctx.note('kill_litter_super: d_genocide() of dentries left under the root is not modelled');
        return 'not-modelled';
      }
      return genericShutdownSuper(ctx, env, sb) ?? 0n;
    },
    kill_anon_super: (ctx) => genericShutdownSuper(ctx, env, ctx.arg(0)) ?? 0n,
  };
}
