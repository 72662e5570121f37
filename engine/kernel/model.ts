/**
 * The modelled kernel: one booted Debian 6.1 kernel (its profile), an x86-64 address space with real
 * bytes, the module list, taints, the log, and a clock. Loads and unloads change it; the timeline
 * records every step so views can look at any moment.
 */
import { createAddressSpace, MODULES_END, MODULES_VADDR, type AddressSpace, type AddressSpaceOptions } from '../machine/address-space';
import { Memory } from '../machine/memory';
import { VmallocRange } from '../machine/vmalloc';
import { InitFreeWorker } from '../machine/init-free-worker';
import type { ModuleAreaEvent } from '../machine/init-free-race';
import { KernelLog, KERN_WARNING } from './log';
import type { LoadedModule, ModuleExportRecord } from './module-record';
import type { KernelExport, KernelProfile } from './profile';
import { TAINT_BY_LETTER } from './taint';
import { Timeline, type StepBlock } from '../trace/timeline';
import { KmallocedParams } from '../params/kmalloced';

export interface BootOptions extends AddressSpaceOptions {
  /** Nanoseconds since boot when the first command runs (the busybox shell under QEMU is up at ~2 s). */
  bootTimeNs?: number;
  /** Debian boots with `quiet`: console_loglevel 4 instead of 7. */
  quiet?: boolean;
}

/** What find_symbol() returns. */
export interface FoundSymbol {
  name: string;
  address: bigint;
  crc: number | null;
  gpl: boolean;
  namespace: string | null;
  /** null = vmlinux. */
  owner: LoadedModule | null;
}

/**
 * Module-area allocations the kernel made itself before any module loaded (observed under QEMU:
 * with nokaslr the first module lands at MODULES_VADDR + 0x201000, after one 2 MiB area plus its
 * guard page — the BPF JIT's bpf_prog_pack, allocated with module_alloc() at boot).
 */
const BOOT_MODULE_AREA_ALLOCS: { size: number; label: string }[] = [{ size: 0x200000, label: 'bpf_prog_pack (BPF JIT, allocated at boot)' }];

/** How many modules-area events ModelKernel.moduleAreaEvents keeps (a modprobe of the biggest closure makes ~100). */
const MODULE_AREA_LOG = 4096;

/** PERCPU_MODULE_RESERVE (include/linux/percpu.h): the reserved chunk module per-CPU data comes from. */
export const PERCPU_MODULE_RESERVE = 8 << 10;

/**
 * Where the model's kmalloc heap starts in the direct map (physical 4 GiB, past the machine's 512 MiB): its page frames
 * have struct pages in vmemmap too (engine/cpu/kernel-memory.ts), so virt_to_page() and page_address() work on them.
 */
export const KMALLOC_HEAP_BASE = 0xffff888100000000n;
/** The heap's span the model gives struct pages to (4 GiB). */
export const KMALLOC_HEAP_SPAN = 1n << 32n;

export class ModelKernel {
  readonly as: AddressSpace;
  readonly memory = new Memory();
  readonly modulesArea: VmallocRange;
  readonly log = new KernelLog();
  readonly timeline = new Timeline();
  /** The modules list, newest first (list_add_rcu at the head in add_unformed_module). */
  readonly modules: LoadedModule[] = [];
  taints = 0;
  /** console_printk[]: console_loglevel, default_message_loglevel, minimum_console_loglevel, default_console_loglevel. */
  readonly printk: [number, number, number, number];
  clockNs: number;
  /** pr_*_once flags and similar per-boot memories. */
  readonly once = new Set<string>();
  lastUnloaded: string | null = null;
  /**
   * Bulk mode (loading a whole corpus): no steps kept (with their snapshots and item data), no memory write log, no
   * undo records. The load itself is identical; only the ability to look back is dropped.
   */
  get lean(): boolean {
    return this.leanMode;
  }
  set lean(v: boolean) {
    this.leanMode = v;
    this.timeline.keepSteps = !v;
    this.memory.recordWrites = !v;
  }
  private leanMode = false;
  /** kernel/params.c's list of kmalloc'd charp values (one per boot). */
  readonly kmallocedParams = new KmallocedParams();
  /** The CPU model's hook: run init at its address and report its return value (issue #4). */
  runInit:
    | ((
        mod: LoadedModule,
        pos: number,
      ) => { ret: number; note: string; killed?: boolean; unknownAfter?: string; unknownReason?: string; unknownWhy?: string; block?: StepBlock })
    | null = null;
  runExit: ((mod: LoadedModule, pos: number) => { note: string; block?: StepBlock }) | null = null;
  /**
   * The kworker's next queued work item (one a module's init queued): run it and report it as a step; null when none
   * is left. unknown: the run stopped where Modscope cannot follow it (what the work does from there is not known).
   */
  runQueuedWork: ((initMod: LoadedModule, pos: number) => { title: string; note: string; unknown?: string; block?: StepBlock } | null) | null = null;
  /**
   * Run another function of a module's (a kernel_param_ops ->set()/->get() from a sysfs write or
   * read): integer arguments, its return value as a C int; null when it did not return (oops printed).
   */
  runModuleCode:
    | ((
        mod: LoadedModule,
        entry: bigint,
        args: bigint[],
        pos: number,
        how: 'sysfs-write' | 'sysfs-read',
      ) => { ret: number | null; note: string; block?: StepBlock })
    | null = null;
  /** General vmalloc space (temporary module images). */
  readonly vmallocSpace: VmallocRange;
  /** Export name → modules exporting it, oldest first. */
  private readonly exportOwners = new Map<string, LoadedModule[]>();
  private kmallocNext = KMALLOC_HEAP_BASE;
  private percpuNext: bigint;
  private percpuEnd: bigint;

  constructor(
    readonly profile: KernelProfile,
    opts: BootOptions = {},
  ) {
    this.as = createAddressSpace(opts);
    this.modulesArea = new VmallocRange(MODULES_VADDR + this.as.moduleLoadOffset, MODULES_END);
    for (const b of BOOT_MODULE_AREA_ALLOCS) {
      const base = this.modulesArea.alloc(b.size, b.label);
      if (base !== null) this.memory.allocate(base, 0, 'reserved', b.label, null, 0);
    }
    this.vmallocSpace = new VmallocRange(0xffffc90000000000n + 0x1000000n, 0xffffe90000000000n);
    this.clockNs = opts.bootTimeNs ?? 2_000_000_000;
    const quiet = opts.quiet ?? false;
    const cfg = (k: string, d: number): number => Number(profile.config.get(k) ?? d);
    this.printk = [
      quiet ? cfg('CONFIG_CONSOLE_LOGLEVEL_QUIET', 4) : cfg('CONFIG_CONSOLE_LOGLEVEL_DEFAULT', 7),
      cfg('CONFIG_MESSAGE_LOGLEVEL_DEFAULT', 4),
      1,
      cfg('CONFIG_CONSOLE_LOGLEVEL_DEFAULT', 7),
    ];
    // Module per-CPU data comes from the reserved chunk right after the kernel's static per-CPU area.
    const pc = profile.percpu;
    this.percpuNext = pc ? (pc.start + pc.size + 0xfffn) & ~0xfffn : 0n;
    this.percpuEnd = this.percpuNext + BigInt(PERCPU_MODULE_RESERVE);
  }

  /** Advance the clock (ns) and return the new time. */
  tick(ns: number): number {
    this.clockNs += ns;
    return this.clockNs;
  }

  printkAt(level: number, text: string, pos: number): void {
    this.log.append(level, text, this.tick(1000), pos);
  }

  /** add_taint(): sets the flag; the first lockdep-unreliable taint prints a notice. */
  addTaint(letter: string, pos: number): void {
    const t = TAINT_BY_LETTER.get(letter);
    if (!t) return;
    if (t.lockdep && !this.once.has('debug_locks_off')) {
      this.once.add('debug_locks_off');
      this.printkAt(KERN_WARNING, 'Disabling lock debugging due to kernel taint', pos);
    }
    this.taints |= 1 << t.bit;
  }

  /** A module by name, in any state (find_module). */
  findModule(name: string): LoadedModule | undefined {
    return this.byName.get(name);
  }
  private readonly byName = new Map<string, LoadedModule>();

  /**
   * find_symbol() (kernel/module/main.c): vmlinux __ksymtab, then __ksymtab_gpl, then each module
   * newest first (skipping UNFORMED), its syms then gpl_syms; GPL-only tables are skipped when !gplok.
   */
  findSymbol(name: string, gplok: boolean): FoundSymbol | null {
    const k = this.profile.lookup(name);
    if (k && k.module === 'vmlinux' && (gplok || !k.gpl)) return this.fromVmlinux(k);
    const owners = this.exportOwners.get(name);
    if (owners) {
      // Newest first, as the list walk finds them.
      for (let i = owners.length - 1; i >= 0; i--) {
        const m = owners[i];
        if (m.state === 'UNFORMED') continue;
        const e = findExport(m.exports, name);
        if (e && (gplok || !e.gpl)) return { ...e, owner: m };
      }
    }
    return null;
  }

  /** verify_exported_symbols(): who already exports name ("kernel" for vmlinux), ignoring `self`. */
  exportOwner(name: string, self: LoadedModule): string | null {
    const k = this.profile.lookup(name);
    if (k && k.module === 'vmlinux') return 'kernel';
    for (const m of this.exportOwners.get(name) ?? []) if (m !== self && m.state !== 'UNFORMED') return m.name;
    return null;
  }

  tainted(letter: string): boolean {
    const t = TAINT_BY_LETTER.get(letter);
    return t !== undefined && (this.taints & (1 << t.bit)) !== 0;
  }

  /** list_add_rcu() at the head. Exports are indexed when the module is formed (see indexExports). */
  addModule(m: LoadedModule): void {
    this.modules.unshift(m);
    this.byName.set(m.name, m);
  }

  /** Make a forming module's exports findable (they are filtered by state anyway). */
  indexExports(m: LoadedModule): void {
    for (const e of m.exports) {
      const list = this.exportOwners.get(e.name);
      if (list) list.push(m);
      else this.exportOwners.set(e.name, [m]);
    }
  }

  /**
   * Modules that were in the list and left it, with the timeline position they left at: the views
   * look back at positions when they were loaded (their code, their symbols).
   */
  readonly formerModules: { mod: LoadedModule; removedAt: number }[] = [];

  /** The modules in the list at timeline position pos (newest first). */
  modulesAt(pos: number): LoadedModule[] {
    const now = this.modules.filter((m) => m.loadedAt <= pos);
    const then = this.formerModules.filter((f) => f.mod.loadedAt <= pos && pos < f.removedAt).map((f) => f.mod);
    return [...now, ...then.reverse()];
  }

  removeModule(m: LoadedModule): void {
    if (!this.leanMode) this.formerModules.push({ mod: m, removedAt: this.timeline.position });
    const i = this.modules.indexOf(m);
    if (i >= 0) this.modules.splice(i, 1);
    if (this.byName.get(m.name) === m) this.byName.delete(m.name);
    for (const e of m.exports) {
      const list = this.exportOwners.get(e.name);
      if (!list) continue;
      const j = list.indexOf(m);
      if (j >= 0) list.splice(j, 1);
      if (list.length === 0) this.exportOwners.delete(e.name);
    }
  }

  moduleAlloc(size: number, label: string): bigint | null {
    const base = this.modulesArea.alloc(size, label);
    this.logModuleArea({ kind: 'alloc', label, size, base });
    return base;
  }

  moduleFree(base: bigint): void {
    this.logModuleArea({ kind: 'free', base });
    this.initFreeWorker.forget(base);
    this.modulesArea.free(base);
  }

  /**
   * The modules area's recent events, for explaining addresses against a real run
   * (engine/machine/init-free-race.ts). A reader empties it before the command it looks at; it keeps
   * the last MODULE_AREA_LOG events at most.
   */
  readonly moduleAreaEvents: ModuleAreaEvent[] = [];

  private logModuleArea(e: ModuleAreaEvent): void {
    if (this.moduleAreaEvents.length >= MODULE_AREA_LOG) this.moduleAreaEvents.shift();
    this.moduleAreaEvents.push(e);
  }

  /** Init areas do_init_module() handed to do_free_init(), freed when the modelled worker gets to them. */
  readonly initFreeWorker = new InitFreeWorker((base) => this.modulesArea.free(base));

  /**
   * do_init_module() does not vfree the init area itself: it queues it for do_free_init(), a
   * workqueue item that first waits for synchronize_rcu() (kernel/module/main.c). Whether the next
   * module of the same modprobe finds the range free is a race; engine/machine/init-free-worker.ts
   * models it.
   */
  deferInitFree(base: bigint): void {
    this.logModuleArea({ kind: 'defer', base });
    this.initFreeWorker.queue(base);
  }

  /** The command is over: do_free_init() has run for every init area queued. */
  runDeferredFrees(): void {
    this.initFreeWorker.drain();
  }

  vmallocAlloc(size: number): bigint {
    const base = this.vmallocSpace.alloc(Math.max(size, 1), 'module image');
    if (base === null) throw new Error('vmalloc space exhausted');
    return base;
  }

  vmallocFree(base: bigint): void {
    this.vmallocSpace.free(base);
  }

  /** Where a vmlinux export is in this boot (link address + KASLR slide; per-CPU offsets don't slide). */
  vmlinuxAddress(k: KernelExport): bigint {
    if (k.address === null) return 0n;
    return k.percpu ? k.address : k.address + this.as.kernelSlide;
  }

  private fromVmlinux(k: KernelExport): FoundSymbol {
    return { name: k.name, address: this.vmlinuxAddress(k), crc: k.crc, gpl: k.gpl, namespace: k.namespace, owner: null };
  }

  /** kfree(): the allocation at exactly this address. */
  kfree(address: bigint, pos: number): void {
    const a = this.memory.live(address);
    if (a && a.base === address && a.kind === 'kmalloc') this.memory.free(a, pos);
  }

  /** kmalloc(): a modelled slab object in the direct map, rounded to its size class. */
  kmalloc(size: number, label: string, owner: string | null, pos: number): bigint {
    const classes = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];
    const rounded = classes.find((c) => c >= size) ?? Math.ceil(size / 4096) * 4096;
    // A page or more is page aligned, as the slab pages and the page allocator behind it give it (kmalloc_large(),
    // __get_free_pages()): SSE code relies on it (lib/raid6/algos.c's benchmark buffers and movdqa).
    if (rounded >= 4096) this.kmallocNext = (this.kmallocNext + 4095n) & ~4095n;
    const base = this.kmallocNext;
    this.kmallocNext += BigInt(rounded);
    this.memory.allocate(base, rounded, 'kmalloc', label, owner, pos);
    return base;
  }

  /** Live per-CPU blocks of modules (base → size), for percpu_modfree() and first-fit reuse. */
  private readonly percpuLive = new Map<bigint, number>();

  /** percpu_modalloc(): first fit in the reserved chunk; null when it is exhausted (the kernel's -ENOMEM). */
  percpuAlloc(size: number, align: number): bigint | null {
    const a = BigInt(Math.max(1, align));
    const live = [...this.percpuLive].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    let at = this.percpuNext;
    for (const [b, n] of [...live, [this.percpuEnd, 0] as [bigint, number]]) {
      const base = ((at + a - 1n) / a) * a;
      if (base + BigInt(size) <= b) {
        this.percpuLive.set(base, size);
        return base;
      }
      at = b + BigInt(n);
    }
    return null;
  }

  /** percpu_modfree() → free_percpu(). */
  percpuFree(base: bigint): void {
    this.percpuLive.delete(base);
  }

  /** Bytes of the reserved per-CPU chunk modules hold now. */
  get percpuInUse(): number {
    let n = 0;
    for (const v of this.percpuLive.values()) n += v;
    return n;
  }
}

function findExport(list: ModuleExportRecord[], name: string): ModuleExportRecord | undefined {
  // The kernel bsearches the (sorted) __ksymtab; a linear scan finds the same entry.
  for (const e of list) if (e.name === name) return e;
  return undefined;
}
