/**
 * More of what corpus inits call (modscope init-all's not-modelled list, most-called first):
 * registrations with subsystems that record the module's struct and return 0 (nothing on QEMU's PC
 * makes them call back at once), small pure helpers (guid_parse, strsep) and page allocations. Each
 * says in its step what it does and does not do.
 */
import type { KernelFunction } from '../types';
import { readU64, ret, tryCString, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import { handleMaker, registrar, unregistrar } from './registrars';
import type { KernelCallState } from './state';

const quiet =
  (value: bigint): KernelFunction =>
  () =>
    value;


/** guid_parse()/uuid_parse() byte order (lib/uuid.c guid_index / uuid_index). */
const GUID_INDEX = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
const UUID_INDEX = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const SI = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function parseUuid(index: number[]): KernelFunction {
  return (ctx) => {
    const s = tryCString(ctx, ctx.arg(0), 64) ?? '';
    // uuid_is_valid(): 36 chars, '-' at 8, 13, 18, 23, hex elsewhere.
    if (s.length < 36 || ![8, 13, 18, 23].every((i) => s[i] === '-') || /[^0-9a-fA-F-]/.test(s.slice(0, 36))) return ret(-22);
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[index[i]] = parseInt(s.slice(SI[i], SI[i] + 2), 16);
    ctx.mem.write(ctx.arg(1), out);
    return 0n;
  };
}

/** int_sqrt() of lib/math/int_sqrt.c on a 64-bit unsigned long. */
export function intSqrt(x: bigint): bigint {
  if (x <= 1n) return x;
  let m = 1n << (BigInt(x.toString(2).length - 1) & ~1n);
  let y = 0n;
  while (m !== 0n) {
    const b = y + m;
    y >>= 1n;
    if (x >= b) {
      x -= b;
      y += m;
    }
    m >>= 2n;
  }
  return y;
}

export function subsystemFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const pages =
    (what: string, zero: boolean, orderArg: number | null): KernelFunction =>
    (ctx) => {
      const order = orderArg === null ? 0 : Number(ctx.arg(orderArg) & 0x1fn);
      const p = ctx.kmalloc(4096 << order, zero, `${what} (order ${order})`);
      ctx.note(`${what}: ${4096 << order} bytes at ${hexU64(p)}`);
      return p;
    };
  return {
    guid_parse: parseUuid(GUID_INDEX),
    // void debugfs_create_{bool,u8,u16,u32,u64,x8,x16,x32,x64,size_t,atomic_t}(name, mode, parent, value)
    // (fs/debugfs/file.c, void in 6.1): a file under the parent dentry showing *value; nothing the module sees.
    ...Object.fromEntries(
      ['bool', 'u8', 'u16', 'u32', 'u64', 'x8', 'x16', 'x32', 'x64', 'size_t', 'atomic_t'].map((t): [string, KernelFunction] => [
        `debugfs_create_${t}`,
        (ctx) => {
          ctx.note(`debugfs_create_${t} '${tryCString(ctx, ctx.arg(0)) ?? ''}': debugfs file created`);
          return 0n;
        },
      ]),
    ),
    // unsigned long int_sqrt(unsigned long x) (lib/math/int_sqrt.c): floor(sqrt(x)), bit by bit as the kernel does.
    int_sqrt: (ctx) => intSqrt(ctx.arg(0)),
    // bool hv_is_hyperv_initialized(void) (arch/x86/hyperv/hv_init.c): false unless x86_hyper_type is X86_HYPER_MS_HYPERV;
    // QEMU's TCG CPU shows no hypervisor signature (the real boot log has no "Hypervisor detected" line).
    hv_is_hyperv_initialized: quiet(0n),
    // bool kvm_para_available(void) (arch/x86/kernel/kvm.c): kvm_cpuid_base() != 0, the "KVMKVMKVM" CPUID leaf: not under TCG.
    kvm_para_available: quiet(0n),
    // rwlocks: one modelled task, nothing to wait for or to disable (bottom halves, interrupts do not run in init here).
    _raw_write_lock_bh: quiet(0n),
    _raw_write_unlock_bh: quiet(0n),
    _raw_write_lock_irq: quiet(0n),
    _raw_write_unlock_irq: quiet(0n),
    // int sysfs_create_mount_point(struct kobject *parent_kobj, const char *name) (fs/sysfs/dir.c): an always-empty
    // directory (kernfs_create_empty_dir). A name the module already created there is -EEXIST with sysfs_warn_dup()'s
    // stack dump: not modelled. Entries built-in code made under the parent are not known to the model.
    sysfs_create_mount_point: (ctx) => {
      const parent = ctx.arg(0);
      const name = tryCString(ctx, ctx.arg(1));
      if (parent === 0n || name === null) return 'not-modelled';
      const key = `${hexU64(parent)}/${name}`;
      if (s.sysfsMountPoints.has(key)) return 'not-modelled';
      s.sysfsMountPoints.add(key);
      ctx.note(`sysfs_create_mount_point '${name}': empty directory under kobject ${hexU64(parent)}, returns 0`);
      return 0n;
    },
    sysfs_remove_mount_point: (ctx) => {
      const name = tryCString(ctx, ctx.arg(1));
      s.sysfsMountPoints.delete(`${hexU64(ctx.arg(0))}/${name ?? ''}`);
      return 0n;
    },
    // struct proc_dir_entry *_proc_mkdir(name, mode, parent, data, force_lookup) (fs/proc/generic.c), as proc_mkdir_data.
    _proc_mkdir: handleMaker(s, 'proc_dir_entry', '_proc_mkdir', (ctx) => tryCString(ctx, ctx.arg(0))),
    uuid_parse: parseUuid(UUID_INDEX),
    // char *strsep(char **s, const char *ct)
    strsep: (ctx) => {
      const sp = ctx.arg(0);
      const start = readU64(ctx.mem, sp);
      if (start === 0n) return 0n;
      const ct = tryCString(ctx, ctx.arg(1), 256) ?? '';
      for (let i = 0n; i < 1n << 20n; i++) {
        const c = ctx.mem.read(start + i, 1, 'read')[0];
        if (c === 0) {
          writeU64(ctx.mem, sp, 0n);
          return start;
        }
        if (ct.includes(String.fromCharCode(c))) {
          ctx.mem.write(start + i, Uint8Array.of(0));
          writeU64(ctx.mem, sp, start + i + 1n);
          return start;
        }
      }
      return start;
    },
    // dmi_get_system_info(): machine.ts, from the recorded /sys/class/dmi/id of the machine.
    // int fb_get_options(const char *name, char **option): no video= on this machine's command line.
    fb_get_options: (ctx) => {
      if (ctx.arg(1) !== 0n) writeU64(ctx.mem, ctx.arg(1), 0n);
      return 0n;
    },
    // const char *edac_get_owner(void): no EDAC driver owns the machine yet.
    edac_get_owner: quiet(0n),
    __get_free_pages: pages('__get_free_pages', false, 1),
    get_zeroed_page: pages('get_zeroed_page', true, null),
    free_pages: (ctx) => {
      if (ctx.arg(0) !== 0n) ctx.kfree(ctx.arg(0));
      return 0n;
    },
    // mempool_create(min_nr, alloc_fn, free_fn, pool_data): the pool object; its min_nr elements are
    // preallocated by alloc_fn (usually mempool_alloc_slab/kmalloc, kernel code) — not modelled in memory.
    mempool_create: handleMaker(s, 'mempool', 'mempool_create', null, ' (its preallocated elements are not modelled)'),
    mempool_destroy: (ctx) => {
      if (ctx.arg(0) !== 0n) ctx.kfree(ctx.arg(0));
      return 0n;
    },
    // simple_pin_fs, simple_release_fs: vfs-mount.ts.
    device_initialize: quiet(0n),
    device_del: unregistrar('device_del', null),
    // kobject_set_name: kobject.ts (the name is stored).
    proc_set_size: quiet(0n),
    rcu_barrier: quiet(0n),
    synchronize_rcu: quiet(0n),
    init_srcu_struct: quiet(0n),
    cleanup_srcu_struct: quiet(0n),
    __srcu_read_lock: quiet(0n),
    __srcu_read_unlock: quiet(0n),
    // void __rcu_read_lock(void) / __rcu_read_unlock(void) (kernel/rcu/tree_plugin.h, CONFIG_PREEMPT_RCU=y): ++/--
    // current->rcu_read_lock_nesting; the unlock's special path needs a context switch inside the section (none here).
    __rcu_read_lock: quiet(0n),
    __rcu_read_unlock: quiet(0n),
    transport_class_register: registrar(s, 'transport class', 'transport_class_register', null, 0),
    transport_class_unregister: unregistrar('transport_class_unregister', null),
    nf_register_sockopt: registrar(s, 'netfilter sockopt', 'nf_register_sockopt', null, 0),
    nf_unregister_sockopt: unregistrar('nf_unregister_sockopt', null),
    sock_diag_register: registrar(s, 'sock_diag handler', 'sock_diag_register', null, 0),
    sock_diag_unregister: unregistrar('sock_diag_unregister', null),
    crypto_register_skciphers: registrar(s, 'crypto skciphers', 'crypto_register_skciphers', null, 0),
    crypto_unregister_skciphers: unregistrar('crypto_unregister_skciphers', null),
    crypto_register_scomp: registrar(s, 'crypto scomp', 'crypto_register_scomp', null, 0),
    crypto_register_ahash: registrar(s, 'crypto ahash', 'crypto_register_ahash', null, 0),
    crypto_register_aead: registrar(s, 'crypto aead', 'crypto_register_aead', null, 0),
    crypto_register_aeads: registrar(s, 'crypto aeads', 'crypto_register_aeads', null, 0),
    crypto_register_algs: registrar(s, 'crypto algs', 'crypto_register_algs', null, 0),
    crypto_register_akcipher: registrar(s, 'crypto akcipher', 'crypto_register_akcipher', null, 0),
    crypto_register_kpp: registrar(s, 'crypto kpp', 'crypto_register_kpp', null, 0),
    crypto_register_rng: registrar(s, 'crypto rng', 'crypto_register_rng', null, 0),
    crypto_register_rngs: registrar(s, 'crypto rngs', 'crypto_register_rngs', null, 0),
    __serdev_device_driver_register: registrar(s, 'serdev driver', "__serdev_device_driver_register (no serdev devices on QEMU's PC)", null, 0),
    register_inet6addr_notifier: registrar(s, 'inet6addr notifier', 'register_inet6addr_notifier', null, 0),
    unregister_inet6addr_notifier: unregistrar('unregister_inet6addr_notifier', null),
    netlink_register_notifier: registrar(s, 'netlink notifier', 'netlink_register_notifier', null, 0),
    netlink_unregister_notifier: unregistrar('netlink_unregister_notifier', null),
    register_shrinker: registrar(s, 'shrinker', 'register_shrinker', null, 0),
    unregister_shrinker: unregistrar('unregister_shrinker', null),
    class_interface_register: registrar(s, 'class interface', 'class_interface_register', null, 0),
    class_interface_unregister: unregistrar('class_interface_unregister', null),
    bus_register_notifier: registrar(s, 'bus notifier', 'bus_register_notifier', null, 1),
    bus_unregister_notifier: unregistrar('bus_unregister_notifier', null),
    cpufreq_register_governor: registrar(s, 'cpufreq governor', 'cpufreq_register_governor', null, 0),
    cpufreq_unregister_governor: unregistrar('cpufreq_unregister_governor', null),
    xfrm4_protocol_register: registrar(s, 'xfrm4 protocol', 'xfrm4_protocol_register', null, 0),
    xfrm6_protocol_register: registrar(s, 'xfrm6 protocol', 'xfrm6_protocol_register', null, 0),
    inet_add_protocol: registrar(s, 'inet protocol', 'inet_add_protocol', null, 0),
    inet6_add_protocol: registrar(s, 'inet6 protocol', 'inet6_add_protocol', null, 0),
    inet_del_protocol: quiet(0n),
    inet6_del_protocol: quiet(0n),
    rtnl_register_module: registrar(s, 'rtnetlink handler', 'rtnl_register_module', null, null),
    rtnl_unregister: quiet(0n),
    rtnl_unregister_all: quiet(0n),
    register_btf_kfunc_id_set: registrar(s, 'BTF kfunc set', 'register_btf_kfunc_id_set', null, 1),
    // inet_frags_init, inet_frags_fini: net-inet-frag.ts.
  };
}
