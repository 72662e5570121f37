/**
 * The VFS objects of the Debian 6.1.0-50 build as the kernel lays them out: field offsets from the BTF of its vmlinux
 * (`pahole -C super_block|inode|dentry|mount|vfsmount|fs_context|file_system_type|address_space|super_operations|
 * dentry_operations|fs_context_operations vmlinux-6.1.0-50-amd64`), flag values from include/linux/{fs,dcache,mount}.h.
 */

export const SB = {
  size: 1472,
  list: 0n,
  dev: 16n,
  blocksizeBits: 20n,
  blocksize: 24n,
  maxbytes: 32n,
  type: 40n,
  op: 48n,
  flags: 80n,
  iflags: 88n,
  root: 104n,
  umount: 112n,
  count: 152n,
  active: 156n,
  roots: 216n,
  mounts: 224n,
  bdi: 248n,
  instances: 264n,
  fsInfo: 920n,
  timeGran: 928n,
  timeMin: 936n,
  timeMax: 944n,
  fsnotifyMarks: 960n,
  id: 968n,
  vfsRenameMutex: 1024n,
  dOp: 1064n,
  removeCount: 1136n,
  userNs: 1176n,
  syncLock: 1328n,
  inodes: 1416n,
  inodesWb: 1440n,
} as const;

export const INODE = {
  size: 632,
  mode: 0n,
  opflags: 2n,
  flags: 12n,
  acl: 16n,
  defaultAcl: 24n,
  op: 32n,
  sb: 40n,
  mapping: 48n,
  ino: 64n,
  nlink: 72n,
  blkbits: 142n,
  writeHint: 143n,
  state: 152n,
  rwsem: 160n,
  hash: 216n,
  ioList: 232n,
  lru: 264n,
  sbList: 280n,
  wbList: 296n,
  /** union { struct hlist_head i_dentry; struct rcu_head i_rcu; } */
  dentry: 312n,
  count: 344n,
  /** union { const struct file_operations *i_fop; void (*free_inode)(struct inode *); } */
  fop: 360n,
  data: 376n,
  devices: 568n,
  fsnotifyMarks: 600n,
} as const;

/** struct address_space (inode->i_data). */
export const MAPPING = { host: 0n, invalidateLock: 24n, gfpMask: 64n, aOps: 144n, flags: 152n, privateList: 168n } as const;

export const DENTRY = {
  size: 192,
  flags: 0n,
  seq: 4n,
  hash: 8n,
  parent: 24n,
  nameHash: 32n,
  nameLen: 36n,
  name: 40n,
  inode: 48n,
  iname: 56n,
  /** struct lockref: spinlock_t lock (+0), int count (+4). */
  count: 92n,
  op: 96n,
  sb: 104n,
  fsdata: 120n,
  lru: 128n,
  child: 144n,
  subdirs: 160n,
  alias: 176n,
} as const;
/** DNAME_INLINE_LEN (include/linux/dcache.h, 64-bit). */
export const DNAME_INLINE_LEN = 32;

/** struct mount (fs/mount.h): the vfsmount a caller sees is at +32. */
export const MOUNT = {
  size: 320,
  hash: 0n,
  parent: 16n,
  mountpoint: 24n,
  mnt: 32n,
  mounts: 88n,
  child: 104n,
  instance: 120n,
  devname: 136n,
  list: 144n,
  expire: 160n,
  share: 176n,
  slaveList: 192n,
  slave: 208n,
  mpList: 248n,
  umounting: 264n,
  id: 292n,
  stuckChildren: 312n,
} as const;
/** struct vfsmount. */
export const VFSMOUNT = { root: 0n, sb: 8n, flags: 16n, userns: 24n } as const;

export const FS_CONTEXT = {
  size: 152,
  ops: 0n,
  uapiMutex: 8n,
  fsType: 40n,
  root: 64n,
  userNs: 72n,
  netNs: 80n,
  cred: 88n,
  logPrefix: 96n,
  source: 112n,
  sFsInfo: 128n,
  sbFlags: 136n,
  sIflags: 144n,
  /** purpose:8, phase:8, then need_free:1 at bit 0 of byte 150. */
  purpose: 148n,
  needFree: 150n,
} as const;
export const FS_CONTEXT_OPS = { free: 0n, parseParam: 16n, parseMonolithic: 24n, getTree: 32n } as const;
export const FS_TYPE = { name: 0n, fsFlags: 8n, initFsContext: 16n, mount: 32n, killSb: 40n, owner: 48n, fsSupers: 64n } as const;
export const SUPER_OPS = { allocInode: 0n, destroyInode: 8n, freeInode: 16n, dropInode: 40n, evictInode: 48n, putSuper: 56n, syncFs: 64n } as const;
export const DENTRY_OPS = {
  revalidate: 0n,
  weakRevalidate: 8n,
  hash: 16n,
  compare: 24n,
  delete: 32n,
  init: 40n,
  release: 48n,
  prune: 56n,
  iput: 64n,
  real: 96n,
} as const;
/** struct inode_operations: lookup (+0), get_link (+8). */
export const INODE_OPS = { lookup: 0n, getLink: 8n } as const;
/** struct mutex: owner, wait_lock, osq, then wait_list (+16); struct rw_semaphore: count, owner, osq, wait_lock, wait_list (+24). */
export const MUTEX_WAIT_LIST = 16n;
export const RWSEM_WAIT_LIST = 24n;

export const DCACHE = {
  OP_HASH: 0x1,
  OP_COMPARE: 0x2,
  OP_REVALIDATE: 0x4,
  OP_DELETE: 0x8,
  OP_PRUNE: 0x10,
  DISCONNECTED: 0x20,
  CANT_MOUNT: 0x100,
  GENOCIDE: 0x200,
  OP_WEAK_REVALIDATE: 0x800,
  FSNOTIFY_PARENT_WATCHED: 0x4000,
  DENTRY_KILLED: 0x8000,
  NEED_AUTOMOUNT: 0x20000,
  LRU_LIST: 0x80000,
  ENTRY_TYPE: 0x700000,
  DIRECTORY_TYPE: 0x200000,
  AUTODIR_TYPE: 0x300000,
  REGULAR_TYPE: 0x400000,
  SPECIAL_TYPE: 0x500000,
  SYMLINK_TYPE: 0x600000,
  FALLTHRU: 0x1000000,
  OP_REAL: 0x4000000,
  PAR_LOOKUP: 0x10000000,
} as const;

export const IOP = { LOOKUP: 0x2, NOFOLLOW: 0x4, XATTR: 0x8 } as const;
/** inode->i_flags S_DEAD, S_AUTOMOUNT; inode->i_state I_NEW, I_FREEING, I_CLEAR, I_DONTCACHE, I_DIRTY_TIME. */
export const S_DEAD = 1 << 4;
export const S_AUTOMOUNT = 1 << 11;
export const I_STATE = { NEW: 1 << 3, FREEING: 1 << 5, CLEAR: 1 << 6, DIRTY_TIME: 1 << 11, DONTCACHE: 1 << 16 } as const;
export const SB_FLAGS = { KERNMOUNT: 1n << 22n, SUBMOUNT: 1n << 26n, BORN: 1n << 29n, ACTIVE: 1n << 30n } as const;
export const MNT_INTERNAL = 0x4000;
/** MAX_NON_LFS ((1UL<<31) - 1), alloc_super()'s s_maxbytes. */
export const MAX_NON_LFS = (1n << 31n) - 1n;
/** GFP_HIGHUSER_MOVABLE (include/linux/gfp_types.h: no KASAN_HW_TAGS, so the SKIP_KASAN bits are 0). */
export const GFP_HIGHUSER_MOVABLE = 0x100cca;
/** enum mapping_flags AS_EXITING (include/linux/pagemap.h). */
export const AS_EXITING = 4n;
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
