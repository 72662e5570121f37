/**
 * What the kernel-function models remember between calls, one instance per modelled machine
 * (create it with the registry: kernelFunctionModels(state)). Models are otherwise stateless and read
 * everything else from the CPU context.
 */
import type { FormatEnv } from './vsnprintf';
import { bootIoports, type IoRegion } from './ioports';
import type { QueuedWork } from './queued-work-item';
import type { KThread } from './kthread-record';

/**
 * Families the built-in kernel registered during boot, from the real boot log under QEMU ("NET: Registered
 * PF_NETLINK/PF_ROUTE protocol family", then PF_INET, PF_UNIX/PF_LOCAL, PF_XDP, PF_INET6, PF_PACKET).
 */
export const BOOT_NET_FAMILIES: readonly number[] = [16, 2, 1, 44, 10, 17];

/** A registered shash algorithm (crypto-shash.ts). */
export interface ShashAlg {
  name: string;
  driver: string;
  priority: number;
  /** struct shash_alg address; 0 for a built-in algorithm (its static struct is not located by the model). */
  alg: bigint;
  /** cra_module; 0 for built-in. */
  module: bigint;
  descsize: number;
  ctxsize: number;
}

/** nl_table[unit] (net.ts). */
export interface NetlinkUnit {
  /** nl_table[unit].registered: kernel sockets of this unit, over every net. */
  registered: number;
  groups: number;
  module: bigint;
}

export interface KernelNetlinkSocket {
  net: bigint;
  unit: number;
  socket: bigint;
}

/** An XArray's entries (xarray.ts). */
export interface XaEntry {
  /** The stored pointer; 0n for a reserved slot (XA_ZERO_ENTRY: xa_insert/xa_reserve of NULL). */
  value: bigint;
  marks: Set<number>;
}
export interface XaState {
  entries: Map<bigint, XaEntry>;
  /** The stand-in node xa_head points at (| 2) while the array is not a lone index-0 entry. */
  node: bigint;
}

export interface KernelCallOptions {
  /** /proc/sys/kernel/kptr_restrict (Debian: 0). */
  kptrRestrict?: 0 | 1 | 2;
  /** Stand-in for the boot's siphash pointer key (see pointerHash()). */
  hashPointer?: FormatEnv['hashPointer'];
  /** kallsyms_lookup_name(), for register_kprobe() with a symbol_name. */
  lookupSymbol?: (name: string) => bigint | null;
  /**
   * check_kprobe_address_safe(): why register_kprobe() refuses a probe at this address (-EINVAL: not
   * kernel text, blacklisted), null when it may go there. Without it every address is accepted.
   */
  kprobeCheck?: (address: bigint) => string | null;
  /**
   * Character majors already taken when the module loads (fs/char_dev.c chrdevs[]). Dynamic majors are
   * handed out from 254 down to 234, then 511 down to 384 (find_dynamic_major()), so built-in drivers
   * that asked for a dynamic major before us push ours down. The default is a guess (see README of
   * the report): none taken.
   */
  usedCharMajors?: Iterable<number>;
  /** Dynamic misc minors already taken (drivers/char/misc.c misc_minors bitmap, minor = 127 - bit). */
  usedMiscMinors?: Iterable<number>;
  /** Where `current` lives: CPU 0's per-CPU current_task (__per_cpu_offset[0] + its offset); kthread.ts switches it. */
  currentTaskPointer?: bigint;
  /** The address of jiffies (the CPU memory reads it advancing with the instructions run), for the waits with a timeout. */
  jiffiesAddress?: bigint;
}

export interface CharRegion {
  major: number;
  baseminor: number;
  count: number;
  name: string;
}

export interface CacheInfo {
  name: string;
  objectSize: number;
  align: number;
  flags: number;
  ctor: bigint;
}

export interface Registration {
  /** "pci driver", "filesystem", "chrdev", "misc device", "proc entry", … */
  kind: string;
  name: string | null;
  /** The struct the module passed, or the handle we returned. */
  address: bigint;
}

export class KernelCallState {
  /** True while the last printk record is open for KERN_CONT (no trailing newline yet). */
  printkOpen = false;
  readonly charRegions: CharRegion[] = [];
  readonly miscMinors = new Set<number>();
  readonly caches = new Map<bigint, CacheInfo>();
  /** Objects allocated from each cache and not yet freed (kmem_cache_destroy() complains about them). */
  readonly cacheObjects = new Map<bigint, Set<bigint>>();
  /** Registered filesystems by name (register_filesystem() refuses duplicates with -EBUSY). */
  readonly filesystems = new Set<string>();
  readonly registrations: Registration[] = [];
  /** Live platform devices and drivers (struct or handle → name), for platform_match() by name (platform.ts). */
  readonly platformDevices = new Map<bigint, string>();
  /** Work items queued and not yet run (workqueue.ts); the kworker runs them after init returns (attach.ts). */
  readonly queuedWork: QueuedWork[] = [];
  /** The firmware loader's pr_err_once() wiki line has been printed this boot (firmware-loader.ts). */
  firmwareWikiShown = false;
  /** rtnl_mutex is held (rtnl.ts). */
  rtnlHeld = false;
  readonly platformDrivers = new Map<bigint, string>();
  /** Managed resources (devres.ts): struct device → its devres data pointers, oldest first. */
  readonly devres = new Map<bigint, bigint[]>();
  /** xfrm_input_afinfo[is_ipip][family] ("ipip/family" → struct): the built-in xfrm4/xfrm6 protocol handlers hold [0][AF_INET], [0][AF_INET6]. */
  readonly xfrmInputAfinfo = new Map<string, bigint>([
    ['0/2', 0n],
    ['0/10', 0n],
  ]);
  /** lib/textsearch.c ts_ops: the registered algorithms' names → struct ts_ops (none is built into Debian's kernel). */
  readonly textsearchAlgos = new Map<string, bigint>();
  /** fs/quota/dquot.c quota_formats, newest first (struct quota_format_type addresses; no format is built in). */
  readonly quotaFormats: bigint[] = [];
  /** nf_log loggers[pf][type] ("pf/type" → struct nf_logger). */
  readonly nfLoggers = new Map<string, bigint>();
  /**
   * lwtun_encaps[] (net/core/lwtunnel.c), encap type → ops. Held from boot by built-in code of Debian's config:
   * LWTUNNEL_ENCAP_IP (2) and IP6 (4) by ip_tunnel_core_init() (net/ipv4/af_inet.c inet_init), SEG6 (5) and
   * SEG6_LOCAL (7) by seg6_init() (CONFIG_IPV6_SEG6_LWTUNNEL=y), BPF (6) by bpf_lwt_init() (CONFIG_LWTUNNEL_BPF=y).
   */
  readonly lwtunEncaps = new Map<number, bigint>([2, 4, 5, 6, 7].map((t) => [t, 0n]));
  /** The I/O port resource tree (kernel/resource.c ioport_resource), from QEMU's /proc/ioports (resource.ts). */
  readonly ioports: IoRegion = bootIoports();
  /** XArrays used through the xa_* functions (struct xarray address → entries and marks, xarray.ts). */
  readonly xarrays = new Map<bigint, XaState>();
  /** IDAs (struct ida address → ids handed out by ida_alloc_range). */
  readonly idas = new Map<bigint, Set<number>>();
  /** Tables rhashtable_init()/rhltable_init() set up: struct rhashtable → its bucket table. */
  readonly rhashtables = new Map<bigint, bigint>();
  /** Handles this layer allocated for opaque kernel objects (workqueues, classes, proc entries…). */
  readonly handles = new Map<bigint, string>();
  /** net_families[] (net/socket.c): family → its struct net_proto_family (0 for the built-in ones registered at boot). */
  readonly netFamilies = new Map<number, bigint>(BOOT_NET_FAMILIES.map((f) => [f, 0n]));
  /** nl_table[] units with kernel sockets the modules created (net/netlink/af_netlink.c). */
  readonly netlinkUnits = new Map<number, NetlinkUnit>();
  /** Kernel netlink sockets modules created, by struct sock address. */
  readonly netlinkSockets = new Map<bigint, KernelNetlinkSocket>();
  /** shash algorithms modules registered (crypto_alg_list; the built-in ones come from the machine's /proc/crypto). */
  readonly shashAlgs: ShashAlg[] = [];
  /** crypto_alloc_shash() transforms handed out, by address, with the algorithm each holds. */
  readonly shashTfms = new Map<bigint, ShashAlg>();
  /** Kernel threads modules created (kthread.ts), by task_struct, and the runnable ones in the order they were woken. */
  readonly kthreads = new Map<bigint, KThread>();
  readonly runQueue: KThread[] = [];
  /** The kthread the CPU is running (null: insmod's or rmmod's own task). */
  runningThread: KThread | null = null;
  /** kthread_create_worker() workers handed out. */
  readonly kthreadWorkers = new Set<bigint>();
  /** ethtool_phy_ops (net/ethtool/common.c), set by libphy. */
  ethtoolPhyOps = 0n;
  /** Connector callbacks modules added, by "idx:val" (drivers/connector/cn_queue.c queue_list). */
  readonly connectorCallbacks = new Map<string, string>();
  /** sysfs_create_mount_point() directories, by "parent kobject/name". */
  readonly sysfsMountPoints = new Set<string>();
  /** struct tty_driver objects __tty_alloc_driver() handed out and not freed. */
  readonly ttyDrivers = new Set<bigint>();
  /** bdi_alloc() objects: their registered name (bdi_register()), null before or after. */
  readonly bdis = new Map<bigint, string | null>();
  /** __alloc_percpu() areas: the __percpu pointer handed out → the block holding CPU 0's copy (percpu.ts). */
  /** Templates modules put on crypto_template_list: struct crypto_template → its name (crypto-template-lookup.ts). */
  readonly cryptoTemplates = new Map<bigint, string>();
  readonly percpuAreas = new Map<bigint, bigint>();
  /** IDRs used through idr_alloc() and friends: struct idr address → id → pointer (idr.ts). */
  readonly idrs = new Map<bigint, Map<number, bigint>>();
  /** vmlinux data written by earlier runs (byte address → value; kernel-memory.ts adds each run's writes, lays them out). */
  readonly vmlinuxWrites = new Map<bigint, number>();
  /** Net devices register_netdev() named, by name (net-device.ts); the machine's own "lo" is there from boot. */
  readonly netdevNames = new Map<string, bigint>([['lo', 0n]]);

  constructor(readonly options: KernelCallOptions = {}) {
    for (const major of options.usedCharMajors ?? []) this.charRegions.push({ major, baseminor: 0, count: 256, name: '(built-in)' });
    for (const minor of options.usedMiscMinors ?? []) this.miscMinors.add(minor);
  }

  formatOptions(): Partial<FormatEnv> {
    const o: Partial<FormatEnv> = {};
    if (this.options.kptrRestrict !== undefined) o.kptrRestrict = this.options.kptrRestrict;
    if (this.options.hashPointer !== undefined) o.hashPointer = this.options.hashPointer;
    return o;
  }
}
