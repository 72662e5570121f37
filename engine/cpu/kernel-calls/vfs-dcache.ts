/**
 * Dentries (fs/dcache.c, fs/libfs.c of 6.1) in model memory: __d_alloc() and d_alloc() build a struct dentry with its
 * name (inline up to DNAME_INLINE_LEN - 1 bytes, hashed by hashlen_string() of fs/namei.c with the parent as salt),
 * d_instantiate()/d_add() attach an inode with d_flags_for_inode()'s type, dput() drops references and kills a dentry
 * its last reference leaves unhashed or whose d_op->d_delete says so (__dentry_kill(): d_iput or iput, d_release,
 * then the parent's reference), d_delete()/d_drop() as the kernel does them.
 *
 * Not modelled: the boot's dentry_hashtable (hashed dentries go on one chain the model allocates, vfs-objects.ts), the
 * superblock's dentry LRU (a dentry dput() would keep cached at count 0 stops as not modelled), LSM hooks
 * (security_d_instantiate), and fsnotify marks (none are set on these objects: fsnotify() finds no watcher).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { DCACHE, DENTRY, DENTRY_OPS, DNAME_INLINE_LEN, INODE, INODE_OPS, IOP, S_AUTOMOUNT, S_IFDIR, S_IFMT, S_IFREG, SB } from './vfs-layout';
import { hlistAddHead, hlistDelInit, indirect, listAdd, listDelInit, listInit } from './vfs-objects';
import { r16, r32, r64, s32, thisCpuAdd, w16, w32, w64, type VfsEnv } from './vfs-objects';
import { dropNlink, iput } from './vfs-inode';
import { hexU64 } from '../../base/hex';
import { readCStringBytes } from './mem';

const M64 = 0xffffffffffffffffn;
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
const rol64 = (x: bigint, n: bigint): bigint => ((x << n) | (x >> (64n - n))) & M64;

/**
 * hashlen_string(salt, name) (fs/namei.c, CONFIG_DCACHE_WORD_ACCESS on 64-bit): HASH_MIX over the name's 8-byte
 * words, the last one masked to the bytes before the NUL, then fold_hash(). Returns the hash and the length.
 */
export function hashlenString(salt: bigint, name: Uint8Array): { hash: number; len: number } {
  let x = 0n;
  let y = salt & M64;
  let len = 0;
  for (;;) {
    let a = 0n;
    let zeroAt = -1;
    for (let i = 7; i >= 0; i--) {
      const c = len + i < name.length ? name[len + i] : 0;
      if (c === 0) zeroAt = i;
      a = (a << 8n) | BigInt(c);
    }
    if (zeroAt >= 0) {
      // x ^= a & zero_bytemask(mask): the bytes before the first NUL; find_zero(mask) counts them.
      const mask = zeroAt === 0 ? 0n : (1n << BigInt(8 * zeroAt)) - 1n;
      x ^= a & mask;
      y ^= (x * GOLDEN_RATIO_64) & M64;
      y = (y * GOLDEN_RATIO_64) & M64;
      return { hash: Number(y >> 32n), len: len + zeroAt };
    }
    // HASH_MIX(x, y, a)
    x ^= a;
    y ^= x;
    x = rol64(x, 12n);
    x = (x + y) & M64;
    y = rol64(y, 45n);
    y = (y * 9n) & M64;
    len += 8;
  }
}

const flags = (ctx: KernelCallContext, d: bigint): number => r32(ctx, d + DENTRY.flags);
const setFlags = (ctx: KernelCallContext, d: bigint, f: number): void => w32(ctx, d + DENTRY.flags, f >>> 0);
const count = (ctx: KernelCallContext, d: bigint): number => s32(r32(ctx, d + DENTRY.count));
const setCount = (ctx: KernelCallContext, d: bigint, n: number): void => w32(ctx, d + DENTRY.count, n >>> 0);
/** raw_write_seqcount_begin/end, write_seqcount_invalidate: d_seq += 2 over the pair. */
const bumpSeq = (ctx: KernelCallContext, d: bigint): void => w32(ctx, d + DENTRY.seq, (r32(ctx, d + DENTRY.seq) + 2) >>> 0);
const unhashed = (ctx: KernelCallContext, d: bigint): boolean => r64(ctx, d + DENTRY.hash + 8n) === 0n;

/** d_set_d_op(dentry, op): the DCACHE_OP_* flags for the operations it has. */
function dSetDOp(ctx: KernelCallContext, d: bigint, op: bigint): void {
  w64(ctx, d + DENTRY.op, op);
  if (op === 0n) return;
  let f = flags(ctx, d);
  const has = (off: bigint): boolean => r64(ctx, op + off) !== 0n;
  if (has(DENTRY_OPS.hash)) f |= DCACHE.OP_HASH;
  if (has(DENTRY_OPS.compare)) f |= DCACHE.OP_COMPARE;
  if (has(DENTRY_OPS.revalidate)) f |= DCACHE.OP_REVALIDATE;
  if (has(DENTRY_OPS.weakRevalidate)) f |= DCACHE.OP_WEAK_REVALIDATE;
  if (has(DENTRY_OPS.delete)) f |= DCACHE.OP_DELETE;
  if (has(DENTRY_OPS.prune)) f |= DCACHE.OP_PRUNE;
  if (has(DENTRY_OPS.real)) f |= DCACHE.OP_REAL;
  setFlags(ctx, d, f);
}

/** offsetof(struct external_name, name). */
const EXTERNAL_NAME = 16;

/** __d_alloc(sb, name): name null is d_alloc_anon()'s slash_name ("/", hash 0); a long name goes in an external_name. */
export function dAllocSb(ctx: KernelCallContext, env: VfsEnv, sb: bigint, name: Uint8Array | null, hash: number): bigint | 'not-modelled' {
  const n = name ?? Uint8Array.of(0x2f);
  const d = ctx.kmalloc(DENTRY.size, true, 'dentry (kmem_cache_alloc_lru(dentry_cache))');
  let dname = d + DENTRY.iname;
  if (n.length > DNAME_INLINE_LEN - 1) {
    // struct external_name { union { atomic_t count; struct rcu_head head; } u; unsigned char name[]; }: count 1.
    const p = ctx.kmalloc(EXTERNAL_NAME + n.length + 1, false, 'external_name (a dentry name past DNAME_INLINE_LEN)');
    w32(ctx, p, 1);
    dname = p + BigInt(EXTERNAL_NAME);
  }
  w32(ctx, d + DENTRY.nameHash, name ? hash : 0);
  w32(ctx, d + DENTRY.nameLen, n.length);
  ctx.mem.write(dname, Uint8Array.from([...n, 0]));
  w64(ctx, d + DENTRY.name, dname);
  setCount(ctx, d, 1);
  w64(ctx, d + DENTRY.parent, d);
  w64(ctx, d + DENTRY.sb, sb);
  listInit(ctx, d + DENTRY.lru);
  listInit(ctx, d + DENTRY.subdirs);
  listInit(ctx, d + DENTRY.child);
  dSetDOp(ctx, d, r64(ctx, sb + SB.dOp));
  const op = r64(ctx, d + DENTRY.op);
  if (op !== 0n && r64(ctx, op + DENTRY_OPS.init) !== 0n) {
    const err = s32(Number(ctx.callModule(r64(ctx, op + DENTRY_OPS.init), d) & 0xffffffffn));
    if (err) return 'not-modelled'; // its error path (kmem_cache_free) is not followed
  }
  thisCpuAdd(ctx, env, 'nr_dentry', 1n);
  return d;
}

/** d_alloc(parent, name): __d_alloc on the parent's sb, a reference on the parent, on its d_subdirs. */
function dAlloc(ctx: KernelCallContext, env: VfsEnv, parent: bigint, name: Uint8Array, hash: number): bigint | 'not-modelled' {
  const d = dAllocSb(ctx, env, r64(ctx, parent + DENTRY.sb), name, hash);
  if (d === 'not-modelled') return d;
  setCount(ctx, parent, count(ctx, parent) + 1);
  w64(ctx, d + DENTRY.parent, parent);
  listAdd(ctx, d + DENTRY.child, parent + DENTRY.subdirs);
  return d;
}

/** d_flags_for_inode(inode) (fs/dcache.c). */
function dFlagsForInode(ctx: KernelCallContext, inode: bigint): number {
  const mode = r16(ctx, inode + INODE.mode);
  const iop = r64(ctx, inode + INODE.op);
  let opflags = r16(ctx, inode + INODE.opflags);
  let add: number = DCACHE.REGULAR_TYPE;
  if ((mode & S_IFMT) === S_IFDIR) {
    add = DCACHE.DIRECTORY_TYPE;
    if (!(opflags & IOP.LOOKUP)) {
      if (r64(ctx, iop + INODE_OPS.lookup) === 0n) add = DCACHE.AUTODIR_TYPE;
      else opflags |= IOP.LOOKUP;
    }
  } else {
    let symlink = false;
    if (!(opflags & IOP.NOFOLLOW)) {
      if (r64(ctx, iop + INODE_OPS.getLink) !== 0n) symlink = true;
      else opflags |= IOP.NOFOLLOW;
    }
    if (symlink) add = DCACHE.SYMLINK_TYPE;
    else if ((mode & S_IFMT) !== S_IFREG) add = DCACHE.SPECIAL_TYPE;
  }
  w16(ctx, inode + INODE.opflags, opflags);
  if (r32(ctx, inode + INODE.flags) & S_AUTOMOUNT) add |= DCACHE.NEED_AUTOMOUNT;
  return add;
}

/** __d_instantiate / __d_add's inode part: alias, d_inode and type, fsnotify_update_flags(). */
function attachInode(ctx: KernelCallContext, d: bigint, inode: bigint): void {
  const add = dFlagsForInode(ctx, inode);
  hlistAddHead(ctx, d + DENTRY.alias, inode + INODE.dentry);
  w64(ctx, d + DENTRY.inode, inode);
  setFlags(ctx, d, (flags(ctx, d) & ~(DCACHE.ENTRY_TYPE | DCACHE.FALLTHRU)) | add);
  bumpSeq(ctx, d);
  // fsnotify_update_flags(): no inode has fsnotify marks here, so the parent watches no children.
  setFlags(ctx, d, flags(ctx, d) & ~DCACHE.FSNOTIFY_PARENT_WATCHED);
}

/** __d_rehash(): onto the model's one chain (see VfsState.hashChain). */
function rehash(ctx: KernelCallContext, env: VfsEnv, d: bigint): void {
  if (env.v.hashChain === 0n) env.v.hashChain = ctx.kmalloc(8, true, 'dentry hash chain (the boot\'s dentry_hashtable is not modelled)');
  hlistAddHead(ctx, d + DENTRY.hash, env.v.hashChain);
}

/** __d_drop(): unhash, invalidate d_seq. */
function dDrop(ctx: KernelCallContext, d: bigint): void {
  if (!unhashed(ctx, d)) {
    hlistDelInit(ctx, d + DENTRY.hash);
    bumpSeq(ctx, d);
  }
}

/** dentry_unlink_inode(): clear type and inode, unalias, then d_op->d_iput(dentry, inode) or iput(inode). */
function unlinkInode(ctx: KernelCallContext, env: VfsEnv, d: bigint): 'not-modelled' | null {
  const inode = r64(ctx, d + DENTRY.inode);
  setFlags(ctx, d, flags(ctx, d) & ~(DCACHE.ENTRY_TYPE | DCACHE.FALLTHRU));
  w64(ctx, d + DENTRY.inode, 0n);
  hlistDelInit(ctx, d + DENTRY.alias);
  bumpSeq(ctx, d);
  const op = r64(ctx, d + DENTRY.op);
  const dIput = op === 0n ? 0n : r64(ctx, op + DENTRY_OPS.iput);
  if (dIput !== 0n) {
    ctx.callModule(dIput, d, inode);
    return null;
  }
  return iput(ctx, env, inode);
}

/** __dentry_kill(dentry): returns its parent (null for a root), whose reference the caller then drops. */
function dentryKill(ctx: KernelCallContext, env: VfsEnv, d: bigint): bigint | null | 'not-modelled' {
  const parent = r64(ctx, d + DENTRY.parent);
  dDrop(ctx, d);
  const op = r64(ctx, d + DENTRY.op);
  if (flags(ctx, d) & DCACHE.OP_PRUNE) ctx.callModule(r64(ctx, op + DENTRY_OPS.prune), d);
  if (flags(ctx, d) & DCACHE.LRU_LIST) return 'not-modelled';
  // dentry_unlist()
  setFlags(ctx, d, flags(ctx, d) | DCACHE.DENTRY_KILLED);
  if (parent !== d) listDelInit(ctx, d + DENTRY.child);
  if (r64(ctx, d + DENTRY.inode) !== 0n && unlinkInode(ctx, env, d) === 'not-modelled') return 'not-modelled';
  thisCpuAdd(ctx, env, 'nr_dentry', -1n);
  if (op !== 0n) indirect(ctx, r64(ctx, op + DENTRY_OPS.release), d);
  ctx.note(`dentry ${hexU64(d)} killed; freed now (__d_free after an RCU grace period on the real kernel)`);
  // dentry_free(): an external name goes with its last user (the dentry is its only one here).
  const dname = r64(ctx, d + DENTRY.name);
  if (dname !== d + DENTRY.iname) ctx.kfree(dname - BigInt(EXTERNAL_NAME));
  ctx.kfree(d);
  return parent === d ? null : parent;
}

/** dput(dentry) (fs/dcache.c): fast_dput(), retain_dentry(), dentry_kill() up the parents. */
export function dput(ctx: KernelCallContext, env: VfsEnv, dentry: bigint): 'not-modelled' | null {
  let d: bigint | null = dentry;
  while (d !== null && d !== 0n) {
    const n = count(ctx, d) - 1;
    if (n > 0) {
      setCount(ctx, d, n);
      return null;
    }
    // retain_dentry(): kept (on the LRU) unless unhashed, disconnected, d_delete() says so, or DONTCACHE.
    const f = flags(ctx, d);
    let kill = unhashed(ctx, d) || (f & DCACHE.DISCONNECTED) !== 0 || (f & 0x80) !== 0;
    if (!kill && f & DCACHE.OP_DELETE) kill = (ctx.callModule(r64(ctx, r64(ctx, d + DENTRY.op) + DENTRY_OPS.delete), d) & 0xffffffffn) !== 0n;
    if (!kill) {
      ctx.note(`dput: dentry ${hexU64(d)} would stay cached on its super_block's LRU (d_lru_add): not modelled`);
      return 'not-modelled';
    }
    setCount(ctx, d, 0);
    const next = dentryKill(ctx, env, d);
    if (next === 'not-modelled') return next;
    d = next;
  }
  return null;
}

export function dcacheFunctions(env: VfsEnv): Record<string, KernelFunction> {
  const done = (r: 'not-modelled' | null): bigint | 'not-modelled' => r ?? 0n;
  return {
    // struct dentry *d_make_root(struct inode *root_inode): d_alloc_anon(sb) ("/"), d_instantiate().
    d_make_root: (ctx) => {
      const inode = ctx.arg(0);
      if (inode === 0n) return 0n;
      const d = dAllocSb(ctx, env, r64(ctx, inode + INODE.sb), null, 0);
      if (d === 'not-modelled') return d;
      attachInode(ctx, d, inode);
      ctx.note(`d_make_root: root dentry "/" at ${hexU64(d)} for inode ${hexU64(inode)}`);
      return d;
    },
    // struct dentry *d_alloc_name(struct dentry *parent, const char *name)
    d_alloc_name: (ctx) => {
      const parent = ctx.arg(0);
      const name = readCStringBytes(ctx.mem, ctx.arg(1), 4096);
      const { hash } = hashlenString(parent, name);
      const d = dAlloc(ctx, env, parent, name, hash);
      if (d === 'not-modelled') return d;
      ctx.note(`d_alloc_name '${String.fromCharCode(...name)}': dentry at ${hexU64(d)} under ${hexU64(parent)} (hash 0x${hash.toString(16)})`);
      return d;
    },
    // void d_instantiate(struct dentry *entry, struct inode *inode)
    d_instantiate: (ctx) => {
      if (ctx.arg(1) !== 0n) attachInode(ctx, ctx.arg(0), ctx.arg(1));
      return 0n;
    },
    // void d_add(struct dentry *entry, struct inode *inode): __d_add(): the inode (if any), then __d_rehash().
    d_add: (ctx) => {
      const d = ctx.arg(0);
      if (flags(ctx, d) & DCACHE.PAR_LOOKUP) return 'not-modelled';
      if (ctx.arg(1) !== 0n) attachInode(ctx, d, ctx.arg(1));
      rehash(ctx, env, d);
      return 0n;
    },
    // void lockref_get(struct lockref *lockref) (lib/lockref.c): count++ (dget()).
    lockref_get: (ctx) => {
      const c = ctx.arg(0) + 4n;
      w32(ctx, c, r32(ctx, c) + 1);
      return 0n;
    },
    dput: (ctx) => (ctx.arg(0) === 0n ? 0n : done(dput(ctx, env, ctx.arg(0)))),
    d_drop: (ctx) => {
      dDrop(ctx, ctx.arg(0));
      return 0n;
    },
    __d_drop: (ctx) => {
      dDrop(ctx, ctx.arg(0));
      return 0n;
    },
    // void d_delete(struct dentry *dentry): the last user makes it negative at once, others just unhash it.
    d_delete: (ctx) => {
      const d = ctx.arg(0);
      if (count(ctx, d) === 1) {
        setFlags(ctx, d, flags(ctx, d) & ~DCACHE.CANT_MOUNT);
        return done(unlinkInode(ctx, env, d));
      }
      dDrop(ctx, d);
      return 0n;
    },
    // int always_delete_dentry(const struct dentry *dentry) { return 1; }
    always_delete_dentry: () => 1n,
    // int simple_unlink(struct inode *dir, struct dentry *dentry): times (the wall clock: not modelled, left), drop_nlink, dput.
    simple_unlink: (ctx) => {
      dropNlink(ctx, r64(ctx, ctx.arg(1) + DENTRY.inode));
      return done(dput(ctx, env, ctx.arg(1)));
    },
    // int simple_rmdir(struct inode *dir, struct dentry *dentry): -ENOTEMPTY while a positive hashed child is left.
    simple_rmdir: (ctx) => {
      const dir = ctx.arg(0);
      const d = ctx.arg(1);
      for (let c = r64(ctx, d + DENTRY.subdirs); c !== d + DENTRY.subdirs; c = r64(ctx, c)) {
        const child = c - DENTRY.child;
        if (r64(ctx, child + DENTRY.inode) !== 0n && !unhashed(ctx, child)) return BigInt.asUintN(64, -39n);
      }
      dropNlink(ctx, r64(ctx, d + DENTRY.inode));
      dropNlink(ctx, r64(ctx, d + DENTRY.inode));
      const r = dput(ctx, env, d);
      if (r) return r;
      dropNlink(ctx, dir);
      return 0n;
    },
    // int fsnotify(mask, data, data_type, dir, file_name, inode, cookie) (fs/notify/fsnotify.c): 0 at once when no mark
    // is on the super_block, the mount or the inodes involved (nothing here sets one); a watched object: not modelled.
    fsnotify: (ctx) => {
      const [data, type, dir, inode] = [ctx.arg(1), ctx.arg(2), ctx.arg(3), ctx.arg(5)];
      // FSNOTIFY_EVENT_PATH (1): struct path { mnt, dentry }; INODE (2); DENTRY (3).
      const dentry = type === 1n ? r64(ctx, data + 8n) : type === 3n ? data : 0n;
      const dataInode = dentry !== 0n ? r64(ctx, dentry + DENTRY.inode) : type === 2n ? data : 0n;
      const sb = dentry !== 0n ? r64(ctx, dentry + DENTRY.sb) : type === 2n ? r64(ctx, data + INODE.sb) : 0n;
      const marked = (i: bigint): boolean => i !== 0n && r64(ctx, i + INODE.fsnotifyMarks) !== 0n;
      // the mount's mnt_fsnotify_marks: struct mount +280, the vfsmount at +32
      const mnt = type === 1n ? r64(ctx, data) : 0n;
      if ((sb !== 0n && r64(ctx, sb + SB.fsnotifyMarks) !== 0n) || (mnt !== 0n && r64(ctx, mnt - 32n + 280n) !== 0n)) return 'not-modelled';
      if (marked(dir) || marked(inode) || marked(dataInode)) return 'not-modelled';
      return 0n;
    },
  };
}
