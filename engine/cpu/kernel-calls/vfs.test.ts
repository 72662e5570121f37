/**
 * The VFS models (vfs.ts) on real corpus modules: configfs.ko registers its filesystem; libcomposite's init
 * (gadget_cfs_init: configfs_register_subsystem) mounts it through simple_pin_fs() — configfs_init_fs_context,
 * configfs_get_tree and configfs_fill_super run on the modelled CPU — and builds the "usb_gadget" directory; rmmod
 * takes it all down again (configfs_unregister_subsystem → simple_rmdir, dput → configfs_d_iput, simple_release_fs →
 * kill_litter_super) and configfs's reference from the super_block goes with it, as on the real kernel (the QEMU
 * recording of usb_f_acm shows "configfs 57344 3 usb_f_acm,libcomposite": two users and the super_block).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_WHAT, missing } from '../../../scripts/test-support/prereq';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { bootKernel, CORPUS } from '../../../scripts/test-support/kernel';
import { loadModule } from '../../load/load-module';
import { Shell } from '../../shell/index';
import { attachCpu } from '../attach';
import { DCACHE, DENTRY, FS_TYPE, INODE, MOUNT, SB, VFSMOUNT } from './vfs-layout';
import { hashlenString } from './vfs-dcache';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';

const ko = (rel: string): string => join(CORPUS, rel);
const CONFIGFS = ko('fs/configfs/configfs.ko');
const USERS = ['drivers/usb/common/usb-common.ko', 'drivers/usb/gadget/udc/udc-core.ko', 'drivers/usb/gadget/libcomposite.ko'].map(ko);
const have = existsSync(CONFIGFS) && USERS.every((f) => existsSync(f));
if (process.env.CI && !have) throw new Error(`the Debian corpus is missing (${CONFIGFS}): run scripts/fetch-corpus.sh`);

describe('a module mounting its own filesystem (configfs)', () => {
  it.skipIf(missing(CORPUS_WHAT, have))(
    "libcomposite's configfs subsystem: mounted by simple_pin_fs, a real tree in memory, unmounted at rmmod",
    () => {
      const k = bootKernel({ quiet: true });
      attachCpu(k, createIcedDecoder());
      const load = (file: string) =>
        loadModule(k, { fileName: file.split('/').at(-1) ?? file, image: new Uint8Array(readFileSync(file)), args: '', syscall: 'finit_module' });
      expect(load(CONFIGFS).errno).toBe(0);
      const from = k.log.records.length;
      const results = USERS.map(load);
      expect(results.map((r) => r.errno)).toEqual([0, 0, 0]);
      expect(results[2].end).toEqual({ kind: 'returned' });
      expect(k.log.records.length).toBe(from); // no log lines, as on the real kernel

      const sh = new Shell(k, () => null);
      expect(sh.run('cat /proc/modules').output).toMatch(/^configfs 57344 2 libcomposite, Live /m);

      const u64 = (a: bigint): bigint => new DataView(k.memory.read(a, 8).buffer).getBigUint64(0, true);
      const u32 = (a: bigint): number => new DataView(k.memory.read(a, 4).buffer).getUint32(0, true);
      const sym = (name: string): bigint => k.findModule('configfs')?.symbolTable.find((s) => s.name === name)?.value ?? 0n;
      const mnt = u64(sym('configfs_mount'));
      expect(u32(sym('configfs_mnt_count'))).toBe(1);
      const root = u64(mnt + VFSMOUNT.root);
      const sb = u64(mnt + VFSMOUNT.sb);
      expect(u32(mnt + VFSMOUNT.flags)).toBe(0x4000); // MNT_INTERNAL
      expect(u64(mnt - MOUNT.mnt + MOUNT.mountpoint)).toBe(root);
      // configfs_fill_super(): s_magic CONFIGFS_MAGIC, s_root, s_d_op; sget_fc(): s_type, s_id, on fs_supers.
      expect(u64(sb + 96n)).toBe(0x62656570n);
      expect(u64(sb + SB.root)).toBe(root);
      expect(u64(sb + SB.type)).toBe(sym('configfs_fs_type'));
      expect(u64(sb + SB.dOp)).toBe(sym('configfs_dentry_ops'));
      expect(k.memory.readCString(sb + SB.id)).toBe('configfs');
      expect(u64(sym('configfs_fs_type') + FS_TYPE.fsSupers)).toBe(sb + SB.instances);
      expect(u64(sb + SB.flags) & (3n << 29n)).toBe(3n << 29n); // SB_BORN | SB_ACTIVE
      // The root: "/", the root inode (a directory: nlink 2 + 1 for the subsystem's directory), three references
      // (s_root, mnt_root and its child's d_parent), d_fsdata &configfs_root.
      expect(k.memory.readCString(u64(root + DENTRY.name))).toBe('/');
      expect(u32(root + DENTRY.count)).toBe(3);
      expect(u64(root + DENTRY.fsdata)).toBe(sym('configfs_root'));
      const rootInode = u64(root + DENTRY.inode);
      expect(u32(rootInode + INODE.nlink)).toBe(3);
      expect(u64(rootInode + INODE.sb)).toBe(sb);
      expect(u32(root + DENTRY.flags) & DCACHE.ENTRY_TYPE).toBe(DCACHE.DIRECTORY_TYPE);
      // Its one child: the "usb_gadget" directory configfs_register_subsystem() made (d_alloc_name, d_add,
      // configfs_create_dir: d_instantiate + dget), hashed, with configfs's dentry operations.
      const child = u64(root + DENTRY.subdirs) - DENTRY.child;
      expect(u64(child + DENTRY.child)).toBe(root + DENTRY.subdirs);
      expect(k.memory.readCString(u64(child + DENTRY.name))).toBe('usb_gadget');
      expect(u32(child + DENTRY.nameHash)).toBe(hashlenString(root, new TextEncoder().encode('usb_gadget')).hash);
      expect(u64(child + DENTRY.parent)).toBe(root);
      expect(u32(child + DENTRY.count)).toBe(2);
      expect(u64(child + DENTRY.hash + 8n)).not.toBe(0n);
      expect(u32(child + DENTRY.flags)).toBe(DCACHE.DIRECTORY_TYPE | DCACHE.OP_DELETE);
      const inode = u64(child + DENTRY.inode);
      expect(u32(inode + INODE.nlink)).toBe(2);
      expect(new DataView(k.memory.read(inode + INODE.mode, 2).buffer).getUint16(0, true)).toBe(0o40755);
      expect(u64(inode + INODE.mapping)).toBe(inode + INODE.data);
      expect(u64(u64(child + DENTRY.fsdata) + 0n)).not.toBe(0n);

      sh.run('rmmod libcomposite udc_core usb_common configfs');
      expect(sh.run('cat /proc/modules').output).toBe('');
    },
  );
});

describe('dlm mounts configfs too; ocfs2_stack_user then registers with ocfs2_stackglue', () => {
  const files = ['fs/configfs/configfs.ko', 'fs/dlm/dlm.ko', 'fs/ocfs2/ocfs2_stackglue.ko', 'fs/ocfs2/ocfs2_stack_user.ko'].map(ko);
  // As recorded under QEMU (modprobe ocfs2_stack_user): two lines, configfs held by dlm and its super_block. The
  // spinlock models keep the lock word (spinlock.ts): ocfs2_stack_lookup()'s assert_spin_locked() sees it held.
  it.skipIf(
    missing(
      CORPUS_WHAT,
      files.every((f) => existsSync(f)),
    ),
  )('loads as on the real kernel, no oops, and unloads clean', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const from = k.log.records.length;
    for (const f of files) {
      const r = loadModule(k, { fileName: f.split('/').at(-1) ?? f, image: new Uint8Array(readFileSync(f)), args: '', syscall: 'finit_module' });
      expect(r.errno).toBe(0);
    }
    expect(k.log.records.slice(from).map((r) => `<${r.level}>${r.text}`)).toEqual([
      '<4>DLM installed',
      '<6>ocfs2: Registered cluster interface user',
    ]);
    const sh = new Shell(k, () => null);
    expect(sh.run('cat /proc/modules').output).toMatch(/^configfs 57344 2 dlm, Live /m);
    sh.run('rmmod ocfs2_stack_user dlm configfs ocfs2_stackglue');
    expect(sh.run('cat /proc/modules').output).toBe('');
  });
});

describe('hashlen_string (fs/namei.c, word at a time)', () => {
  it('hashes the bytes before the NUL with the salt and counts them', () => {
    const a = hashlenString(0xffff888001234500n, new TextEncoder().encode('usb_gadget'));
    expect(a.len).toBe(10);
    // Another salt (parent dentry) gives another hash; eight-byte names take the loop once more.
    expect(hashlenString(0xffff888001234600n, new TextEncoder().encode('usb_gadget')).hash).not.toBe(a.hash);
    expect(hashlenString(0n, new TextEncoder().encode('12345678')).len).toBe(8);
  });
});

describe('dentries and inodes on a bare super_block (fake context)', () => {
  it('new_inode, d_make_root, d_alloc_name with an external name, d_add, d_drop, dput kills it and frees its name', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const u32 = (a: bigint): number => new DataView(ctx.peek(a, 4).slice().buffer).getUint32(0, true);
    const sb = ctx.poke(0xffffffffc0350000n, new Uint8Array(SB.size));
    ctx.poke(sb + SB.inodes, new Uint8Array(16));
    const w = (a: bigint, v: bigint): void => void ctx.poke(a, new Uint8Array(new BigUint64Array([v]).buffer));
    w(sb + SB.inodes, sb + SB.inodes);
    w(sb + SB.inodes + 8n, sb + SB.inodes);
    const inode = call('new_inode', sb) as bigint;
    expect(u32(inode + INODE.count)).toBe(1);
    expect(u32(inode + INODE.nlink)).toBe(1);
    expect(readU64(ctx.mem, inode + INODE.mapping)).toBe(inode + INODE.data);
    expect(readU64(ctx.mem, inode + INODE.data)).toBe(inode); // i_data.host
    expect(readU64(ctx.mem, sb + SB.inodes)).toBe(inode + 280n); // on s_inodes through i_sb_list
    // A directory whose inode_operations have a lookup: DCACHE_DIRECTORY_TYPE, IOP_LOOKUP cached.
    const iops = ctx.poke(0xffffffffc0352000n, new Uint8Array(64));
    w(iops, 0xffffffffc0353000n);
    ctx.poke(inode + INODE.mode, Uint8Array.of(0xed, 0x41)); // 040755
    w(inode + INODE.op, iops);
    const root = call('d_make_root', inode) as bigint;
    expect(ctx.peekString(readU64(ctx.mem, root + DENTRY.name))).toBe('/');
    expect(u32(root + DENTRY.flags)).toBe(DCACHE.DIRECTORY_TYPE);
    expect(readU64(ctx.mem, inode + INODE.dentry)).toBe(root + DENTRY.alias);
    const long = 'a-directory-name-longer-than-31-bytes';
    const d = call('d_alloc_name', root, ctx.str(long)) as bigint;
    const name = readU64(ctx.mem, d + DENTRY.name);
    expect(name).not.toBe(d + DENTRY.iname);
    expect(ctx.peekString(name)).toBe(long);
    expect(u32(d + DENTRY.nameLen)).toBe(long.length);
    expect(u32(d + DENTRY.nameHash)).toBe(hashlenString(root, new TextEncoder().encode(long)).hash);
    expect(u32(root + DENTRY.count)).toBe(2);
    call('d_add', d, 0n);
    expect(readU64(ctx.mem, d + DENTRY.hash + 8n)).not.toBe(0n);
    // A hashed dentry's last dput would keep it on the LRU: not modelled. Unhashed first, it is killed.
    call('lockref_get', d + 88n);
    expect(u32(d + DENTRY.count)).toBe(2);
    expect(call('dput', d)).toBe(0n);
    call('d_drop', d);
    expect(readU64(ctx.mem, d + DENTRY.hash + 8n)).toBe(0n);
    expect(call('dput', d)).toBe(0n);
    expect(ctx.freed).toEqual([name - 16n, d]);
    expect(u32(root + DENTRY.count)).toBe(1);
    expect(readU64(ctx.mem, root + DENTRY.subdirs)).toBe(root + DENTRY.subdirs);
  });
});
