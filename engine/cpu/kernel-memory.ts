/**
 * CpuMemory over the modelled kernel (ModelKernel.memory): module allocations with the permissions
 * STRICT_MODULE_RWX gives them once complete_formation() ran (text read-only + executable, rodata
 * read-only, ro_after_init writable until the module is LIVE, the rest read-write, nothing else
 * executable), kmalloc'd and vmalloc'd objects read-write, plus two regions of its own: the kernel
 * stack the function runs on and CPU 0's per-CPU area (the target of %gs accesses; zero-filled).
 *
 * vmlinux's data (from .rodata up) is not in the model either; by default it reads as zero pages
 * that remember writes (.rodata read-only), with a few variables every module reads given the
 * values the real kernel has on the modelled machine (engine/machine/qemu-pc.ts, recorded under
 * QEMU: nr_cpu_ids, the CPU masks, __per_cpu_offset[0], this_cpu_off, current_task → init_task,
 * jiffies, _totalram_pages, high_memory, page_offset_base, boot_cpu_data…). Each vmlinux variable
 * touched is listed in `vmlinuxAccesses` (by the nearest export at or below the address), so a
 * view can say which kernel state the code looked at. With vmlinuxData 'fault' they fault instead.
 */
import type { ModelKernel } from '../kernel/model';
import { KMALLOC_HEAP_BASE, KMALLOC_HEAP_SPAN, PERCPU_MODULE_RESERVE } from '../kernel/model';
import { MODULES_VADDR, START_KERNEL_MAP } from '../machine/address-space';
import { KERNEL_DATA } from '../machine/qemu-pc-kernel-data';
import { MACHINE } from '../machine/qemu-pc';
import { KERNEL_IMAGE_BASE } from '../kernel/profile';
import type { Allocation } from '../machine/memory';
import { CpuFault, type CpuMemory, type MemorySpan } from './types';
import { seedRecordedKernelData } from './recorded-kernel-data';
import { KnownRanges } from './known-ranges';

/** THREAD_SIZE on x86-64 (16 KiB; KASAN doubles it, Debian has no KASAN). */
export const THREAD_SIZE = 16384;
/** Where the modelled kernel stack lives: vmalloc space below what the model allocates from (VMAP_STACK). */
export const DEFAULT_STACK_BASE = 0xffffc90000008000n;
/** CPU 0's per-CPU offset (__per_cpu_offset[0]) on the modelled machine (512 MiB). */
export const DEFAULT_GS_BASE = BigInt(MACHINE.vars.__per_cpu_offset0);

export interface KernelCpuMemoryOptions {
  stackBase?: bigint;
  stackSize?: number;
  gsBase?: bigint;
  /**
   * Record writes into kernel allocations in Memory.writes at this timeline position (undoable by
   * the timeline); off by default: writes go straight to the allocation's bytes.
   */
  recordAt?: number | null;
  /** vmlinux data: zero-filled pages with seeded well-known variables (default), or faults. */
  vmlinuxData?: 'zero' | 'fault';
  /**
   * vmlinux data written in earlier runs on this kernel (byte address → value), laid out after the recorded data, and
   * this run's writes are added to it: each run's vmlinux pages start from the seed, and what the module code and the
   * models wrote there (ip_vs's pernet init setting init_net.ipvs, pernet.ts's init_net.gen) lasts through it.
   */
  vmlinuxWrites?: Map<bigint, number>;
}

export interface VmlinuxAccess {
  /** Nearest vmlinux export at or below the address ("kmalloc_caches+0x40"). */
  symbol: string;
  reads: number;
  writes: number;
}

interface Range {
  start: bigint;
  end: bigint;
  exec: boolean;
  /** null: writable; otherwise why not. */
  readOnly: ((k: ModelKernel) => boolean) | null;
  name: string;
}

const always = (): boolean => true;

/**
 * The modelled CPU's time per instruction. It has no clock of its own; 200 ns an instruction (20,000 a jiffy)
 * lets a loop bounded by jiffies (lib/raid6/algos.c raid6_choose_gen(): 16 jiffies an algorithm) end well
 * within the instruction budget. What such a loop measures (raid6's MB/s) is this model's speed, not a real CPU's.
 */
export const NS_PER_INSTRUCTION = 200;

/** Device memory mapped into each kernel's vmalloc space (mapIo): start → the bytes behind it. Outlives a run. */
const IO_MAPPINGS = new WeakMap<ModelKernel, Map<bigint, Uint8Array>>();

/** The latest time (ns) rdtsc was given on each kernel (nowNs). */
const LATEST_NS = new WeakMap<ModelKernel, number>();

/** sizeof(struct page) on x86-64 (6.1, no debug options). */
const STRUCT_PAGE_SIZE = 64n;

/** _totalram_pages of the modelled machine as its kernel reports it (512 MiB less what it keeps; node 0's zones add up to it). */
const TOTALRAM_PAGES = BigInt(MACHINE.vars._totalram_pages);

/** seedVmlinux()'s vmlinux addresses of recorded kernel data, by kernel and symbol name. */
const SEED_ADDRESSES = new WeakMap<ModelKernel, Map<string, bigint | null>>();

export class KernelCpuMemory implements CpuMemory {
  readonly stack: { base: bigint; size: number };
  readonly gsBase: bigint;
  readonly stackBytes: Uint8Array;
  readonly percpuBytes: Uint8Array;
  private readonly stackEnd: bigint;
  private readonly percpuEnd: bigint;
  private last: Allocation | null = null;
  private lastRanges: Range[] = [];
  private readonly ranges = new WeakMap<Allocation, Range[]>();
  /** vmlinux data pages materialised so far (page address → bytes). */
  private readonly vmPages = new Map<bigint, Uint8Array>();
  private readonly vmStart: bigint;
  private readonly vmRodataEnd: bigint;
  private readonly vmEnd: bigint;
  /** vmlinux variables the code read or wrote, by symbol name. */
  readonly vmlinuxAccesses = new Map<string, VmlinuxAccess>();
  /**
   * vmlinux data the code read that the model does not have (neither seeded nor written by this run):
   * it read as zeros, which the real kernel's memory almost never is. By symbol, in order of first read.
   * A fault after such a read is not shown as the kernel's oops (attach.ts).
   */
  readonly unmodelledReads = new Set<string>();
  /** [start, end) ranges of vmlinux data whose bytes are known: seeded values and this run's own writes. */
  private readonly known = new KnownRanges();
  private readonly vmNames = new Map<bigint, string>();
  private jiffiesAddr: bigint | null = null;
  /** [start, end) of the struct pages of the machine's RAM (vmemmap): zero pages that remember writes, as unknown data. */
  private readonly vmemmap: [bigint, bigint] | null;
  /** [start, end) of the struct pages of the model's kmalloc heap frames (alloc_pages() hands them out). */
  private readonly vmemmapHeap: [bigint, bigint] | null;
  /**
   * The direct map's alias of vmlinux's data pages: [start, end) and what to add to reach the image mapping. The kernel image
   * sits in RAM at phys_base (recorded: 0) + (va - __START_KERNEL_map), and page_offset_base maps all RAM, so
   * page_address(ZERO_PAGE(0)) (__va(__pa(empty_zero_page))) is the same bytes as empty_zero_page (arch/x86/include/asm/page_64.h
   * __phys_addr_nodebug). libchacha20poly1305's self-test reads the zero page through it (scatterlist's sg_miter).
   */
  private readonly directAlias: [bigint, bigint, bigint] | null;
  private clockNs0 = 0;
  /** Instructions executed so far by the run using this memory (set by runKernelFunction): the modelled time. */
  instructions: (() => number) | null = null;

  constructor(
    readonly k: ModelKernel,
    private readonly opts: KernelCpuMemoryOptions = {},
  ) {
    const size = opts.stackSize ?? THREAD_SIZE;
    this.stack = { base: opts.stackBase ?? DEFAULT_STACK_BASE, size };
    this.stackBytes = new Uint8Array(size);
    this.stackEnd = this.stack.base + BigInt(size);
    this.gsBase = opts.gsBase ?? DEFAULT_GS_BASE;
    const pc = k.profile.percpu;
    const staticEnd = pc ? Number(pc.start + pc.size) : 0;
    const percpuSize = (Math.ceil(staticEnd / 4096) * 4096 + PERCPU_MODULE_RESERVE + 0xfff) & ~0xfff;
    this.percpuBytes = new Uint8Array(percpuSize);
    this.percpuEnd = this.gsBase + BigInt(percpuSize);
    const slide = k.as.kernelSlide;
    const rodata = k.profile.sections.get('.rodata');
    const data = k.profile.sections.get('.data');
    const zero = (opts.vmlinuxData ?? 'zero') === 'zero';
    // Every page frame of the machine's RAM has its struct page (64 bytes) in vmemmap (mm/sparse-vmemmap.c); the
    // model has none of their contents (virt_to_page(ZERO_PAGE(0)) in libceph's ceph_msgr_init(), then get_page()).
    const vmemmap = BigInt(MACHINE.vars.vmemmap_base);
    this.vmemmap = zero ? [vmemmap, vmemmap + ((BigInt(MACHINE.memoryMiB) << 20n) >> 12n) * STRUCT_PAGE_SIZE] : null;
    const heapPfn = (KMALLOC_HEAP_BASE - BigInt(MACHINE.vars.page_offset_base)) >> 12n;
    this.vmemmapHeap = zero ? [vmemmap + heapPfn * STRUCT_PAGE_SIZE, vmemmap + (heapPfn + (KMALLOC_HEAP_SPAN >> 12n)) * STRUCT_PAGE_SIZE] : null;
    if (zero && rodata !== undefined) {
      this.vmStart = rodata + slide;
      this.vmRodataEnd = (data ?? rodata) + slide;
      this.vmEnd = MODULES_VADDR; // up to the end of the kernel image mapping
      const toDirect = BigInt(MACHINE.vars.page_offset_base) + BigInt(KERNEL_DATA.physBase) - START_KERNEL_MAP - slide;
      const ramEnd = BigInt(MACHINE.vars.page_offset_base) + (BigInt(MACHINE.memoryMiB) << 20n);
      const aliasEnd = this.vmEnd + toDirect < ramEnd ? this.vmEnd + toDirect : ramEnd;
      this.directAlias = [this.vmStart + toDirect, aliasEnd, -toDirect];
      this.seedVmlinux();
    } else {
      this.vmStart = this.vmRodataEnd = this.vmEnd = 0n;
      this.directAlias = null;
    }
  }

  private vmlinuxAddress(name: string): bigint | null {
    const e = this.k.profile.lookup(name);
    if (!e || e.module !== 'vmlinux' || e.address === null) return null;
    return this.k.vmlinuxAddress(e);
  }

  /** Values the modelled machine's kernel has in the vmlinux variables modules read most. */
  private seedVmlinux(): void {
    const le = (v: bigint, n: number): Uint8Array => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return b;
    };
    const put = (name: string, v: bigint, n: number, off = 0n): void => {
      const a = this.vmlinuxAddress(name);
      if (a !== null && a >= this.vmStart && a < this.vmEnd) this.vmWrite(a + off, le(v, n), true);
    };
    put('nr_cpu_ids', 1n, 4);
    // One NUMA node (QEMU without -numa): node 0 is possible, online, has normal memory, memory and a CPU
    // (node_states[N_POSSIBLE..N_CPU], nodemask_t of MAX_NUMNODES = 1024 bits each).
    for (let state = 0n; state <= 4n; state++) put('node_states', 1n, 8, state * 128n);
    put('nr_node_ids', 1n, 4);
    put('nr_online_nodes', 1n, 4);
    // node_to_cpumask_map[0] (cpumask_var_t: CPUMASK_OFFSTACK=y, a pointer) → a mask holding CPU 0. The
    // possible-CPUs mask has exactly those bits, so node 0's entry points at it rather than at a copy.
    const possible = this.vmlinuxAddress('__cpu_possible_mask');
    if (possible !== null) put('node_to_cpumask_map', possible, 8);
    // node_data[0]: node 0's struct pglist_data (memblock-allocated at boot). The model keeps it at a
    // fixed spot above the kernel image; of it only node_zones[ZONE_DMA32].managed_pages is seeded, so
    // the zones' managed pages add up to _totalram_pages, as the kernel's do (struct zone is 0x600
    // bytes, managed_pages at +0x88; five zones: DMA, DMA32, NORMAL, MOVABLE, DEVICE).
    const pgdat = KERNEL_IMAGE_BASE + this.k.as.kernelSlide + 0x3f000000n;
    if (pgdat >= this.vmStart && pgdat + 0x2000n < this.vmEnd) {
      put('node_data', pgdat, 8);
      this.vmWrite(pgdat + 0x600n + 0x88n, le(TOTALRAM_PAGES, 8), true);
    }
    // The top-level sysfs kobjects built-in code made at boot with kobject_create_and_add(name, NULL):
    // kernel_kobj (/sys/kernel, ksysfs_init), fs_kobj (/sys/fs, mnt_init), firmware_kobj (/sys/firmware,
    // firmware_init). Heap objects on the real machine; the model keeps them above pgdat, each a struct
    // kobject (64 bytes) whose name (at 0, the kstrdup'd string right after it) and parent (at 24: NULL)
    // are seeded; the rest (sd, kref, ktype) is not modelled and reads as unknown data.
    const kobjects = pgdat + 0x100000n;
    if (kobjects >= this.vmStart && kobjects + 0x1000n < this.vmEnd) {
      ['kernel_kobj', 'fs_kobj', 'firmware_kobj'].forEach((sym, i) => {
        const kobj = kobjects + BigInt(i) * 0x100n;
        const name = sym.slice(0, -5);
        this.vmWrite(kobj, le(kobj + 0x40n, 8), true);
        this.vmWrite(kobj + 24n, le(0n, 8), true);
        this.vmWrite(kobj + 0x40n, Uint8Array.from([...name, '\0'].map((c) => c.charCodeAt(0))), true);
        put(sym, kobj, 8);
      });
    }
    for (const m of ['__cpu_online_mask', '__cpu_possible_mask', '__cpu_present_mask', '__cpu_active_mask']) put(m, 1n, 8);
    // num_online_cpus(): __num_online_cpus, which set_cpu_online() (kernel/cpu.c) keeps at the online mask's weight: 1.
    put('__num_online_cpus', 1n, 4);
    put('__per_cpu_offset', this.gsBase, 8);
    const v = MACHINE.vars;
    put('_totalram_pages', TOTALRAM_PAGES, 8);
    put('page_offset_base', BigInt(v.page_offset_base), 8);
    put('vmalloc_base', BigInt(v.vmalloc_base), 8);
    put('vmemmap_base', BigInt(v.vmemmap_base), 8);
    put('high_memory', BigInt(v.high_memory), 8);
    // struct cpuinfo_x86 boot_cpu_data as the kernel filled it on the qemu64 CPU: vendor, family,
    // model, x86_capability[] (what boot_cpu_has() and x86_match_cpu() read).
    const cpu = MACHINE.bootCpuData.join('');
    const bcd = this.vmlinuxAddress('boot_cpu_data');
    if (bcd !== null && bcd >= this.vmStart && bcd < this.vmEnd) {
      this.vmWrite(
        bcd,
        Uint8Array.from(cpu.match(/../g) ?? [], (h) => Number.parseInt(h, 16)),
        true,
      );
    }
    // INITIAL_JIFFIES (-300 s at HZ=250, as unsigned int) plus the time since boot; reads see it advance
    // with the instructions executed (jiffiesNow), as the timer interrupt advances it on the real CPU.
    this.jiffiesAddr = this.vmlinuxAddress('jiffies');
    this.clockNs0 = this.k.clockNs;
    put('jiffies', this.jiffiesNow(), 8);
    put('loops_per_jiffy', BigInt(v.loops_per_jiffy), 8);
    const pcpu = (name: string, v: bigint, n: number): void => {
      const e = this.k.profile.lookup(name);
      if (!e || !e.percpu || e.address === null) return;
      const off = Number(e.address);
      if (off + n <= this.percpuBytes.length) this.percpuBytes.set(le(v, n), off);
    };
    pcpu('this_cpu_off', this.gsBase, 8);
    // The x86 topology masks (arch/x86/kernel/smpboot.c: per-CPU cpumask_var_t, zalloc_cpumask_var() in
    // smp_prepare_cpus_common()); on one CPU set_cpu_sibling_map(0) puts CPU 0 in each (!has_mp). Each points
    // at its own mask (cpumask_size() = 1024 bytes with NR_CPUS 8192) above the seeded kobjects.
    const masks = pgdat + 0x102000n;
    if (masks + 0x2000n < this.vmEnd) {
      ['cpu_sibling_map', 'cpu_core_map', 'cpu_die_map', 'cpu_llc_shared_map', 'cpu_l2c_shared_map'].forEach((name, i) => {
        const mask = masks + BigInt(i) * 0x400n;
        const bits = new Uint8Array(0x400);
        bits[0] = 1;
        this.vmWrite(mask, bits, true);
        pcpu(name, mask, 8);
      });
    }
    pcpu('cpu_number', 0n, 4);
    // insmod's task context: preemption on, no reschedule pending. x86 folds an inverted NEED_RESCHED bit into the
    // count (arch/x86/include/asm/preempt.h: PREEMPT_ENABLED = 0 + PREEMPT_NEED_RESCHED), so preempt_enable()'s
    // decl reaches 0, and calls preempt_schedule(), only when a reschedule is due.
    pcpu('__preempt_count', 0x80000000n, 4);
    const initTask = this.vmlinuxAddress('init_task');
    if (initTask !== null) pcpu('current_task', initTask, 8);
    // fg_console, phys_base, pv_ops, init_uts_ns, init_nsproxy: recorded on the real kernel (recorded-kernel-data.ts).
    // Memoised per kernel (its profile and slide are fixed): the record asks for pv_ops once per slot, each kallsyms-only
    // name costs a scan of 94,000 names, and every run on the kernel (each module's init) seeds the same names again.
    const known = SEED_ADDRESSES.get(this.k) ?? new Map<string, bigint | null>();
    SEED_ADDRESSES.set(this.k, known);
    seedRecordedKernelData({
      address: (name) => {
        if (known.has(name)) return known.get(name) ?? null;
        const exported = this.vmlinuxAddress(name);
        const link = exported === null ? (this.k.profile.kallsyms?.linkAddress(name) ?? null) : null;
        const a = exported ?? (link === null ? null : link + this.k.as.kernelSlide);
        known.set(name, a);
        return a;
      },
      slide: this.k.as.kernelSlide,
      seed: (a, bytes) => {
        if (a >= this.vmStart && a + BigInt(bytes.length) <= this.vmEnd) this.vmWrite(a, bytes, true);
      },
      // The consoles' vc_data and screens (heap and VGA memory on the machine) above the topology masks.
      consoleArea: masks + 0x4000n + 0x10000n < this.vmEnd ? masks + 0x4000n : null,
      // init_net.gen, the boot's struct net_generic (a heap object on the machine), above the consoles.
      netGenericArea: masks + 0x14000n + 0x1000n < this.vmEnd ? masks + 0x14000n : null,
    });
    this.layOutKeptWrites();
  }

  /** The vmlinux bytes earlier runs wrote (opts.vmlinuxWrites), as runs of consecutive addresses. */
  private layOutKeptWrites(): void {
    const kept = this.opts.vmlinuxWrites;
    if (!kept || kept.size === 0) return;
    const at = [...kept.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < at.length; ) {
      let j = i + 1;
      while (j < at.length && at[j] === at[j - 1] + 1n) j++;
      const start = at[i];
      if (start >= this.vmStart && at[j - 1] < this.vmEnd) this.vmWrite(start, Uint8Array.from(at.slice(i, j), (a) => kept.get(a) ?? 0), true);
      i = j;
    }
  }

  private vmPage(page: bigint, create: boolean): Uint8Array | null {
    let p = this.vmPages.get(page) ?? null;
    if (!p && create) {
      p = new Uint8Array(4096);
      this.vmPages.set(page, p);
    }
    return p;
  }

  private noteVmlinux(address: bigint, write: boolean): void {
    let name = this.vmNames.get(address);
    if (name === undefined) {
      const vm = this.vmemmap;
      name =
        vm && this.inVmemmap(address, address + 1n)
          ? `the struct page of pfn 0x${((address - vm[0]) / STRUCT_PAGE_SIZE).toString(16)}`
          : (this.k.profile.symbolize(address - this.k.as.kernelSlide)?.text ?? `0x${address.toString(16)}`);
      this.vmNames.set(address, name);
    }
    let a = this.vmlinuxAccesses.get(name);
    if (!a) {
      a = { symbol: name, reads: 0, writes: 0 };
      this.vmlinuxAccesses.set(name, a);
    }
    if (write) a.writes++;
    else a.reads++;
  }

  private isKnown(address: bigint, end: bigint): boolean {
    return this.known.contains(address, end);
  }

  /**
   * jiffies as the modelled CPU's time has it: the kernel's clock when the run began plus NS_PER_INSTRUCTION for
   * every instruction executed so far (HZ = 250: a jiffy every 4 ms). Loops bounded by jiffies end (raid6's benchmark).
   */
  /**
   * The modelled time since boot in ns at this instruction (rdtsc reads it: tsc.ts). Never earlier than a time
   * an earlier run on the same kernel handed out, so the TSC is monotonic across init and exit runs.
   */
  nowNs(): number {
    const ns = Math.max(this.clockNs0 + (this.instructions?.() ?? 0) * NS_PER_INSTRUCTION, LATEST_NS.get(this.k) ?? 0);
    LATEST_NS.set(this.k, ns);
    return ns;
  }

  private jiffiesNow(): bigint {
    const ns = this.clockNs0 + (this.instructions?.() ?? 0) * NS_PER_INSTRUCTION;
    return (0xfffb6c20n + BigInt(Math.floor(ns / 4_000_000))) & 0xffffffffffffffffn;
  }

  private vmRead(address: bigint, length: number): Uint8Array {
    this.noteVmlinux(address, false);
    const j = this.jiffiesAddr;
    if (j !== null && this.instructions && address < j + 8n && address + BigInt(length) > j && this.isKnown(j, j + 8n)) {
      const v = this.jiffiesNow();
      const b = new Uint8Array(8);
      for (let i = 0; i < 8; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      this.vmWrite(j, b, true);
    }
    if (!this.isKnown(address, address + BigInt(length))) {
      this.unmodelledReads.add(this.vmNames.get(address) ?? `0x${address.toString(16)}`);
    }
    const page = address & ~0xfffn;
    const off = Number(address - page);
    if (off + length <= 4096) {
      const p = this.vmPage(page, false);
      return p ? p.subarray(off, off + length) : new Uint8Array(length);
    }
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const a = address + BigInt(i);
      const p = this.vmPage(a & ~0xfffn, false);
      out[i] = p ? p[Number(a & 0xfffn)] : 0;
    }
    return out;
  }

  private vmWrite(address: bigint, bytes: Uint8Array, seeding = false): void {
    // Coalesce with the previous range when contiguous (seeding writes neighbouring fields in order).
    const end = address + BigInt(bytes.length);
    this.known.add(address, end);
    if (!seeding) {
      if (address >= this.vmStart && address < this.vmRodataEnd)
        throw new CpuFault('read-only', address, true, `write to vmlinux .rodata at 0x${address.toString(16)}`);
      this.noteVmlinux(address, true);
      const kept = this.opts.vmlinuxWrites;
      if (kept) for (let i = 0; i < bytes.length; i++) kept.set(address + BigInt(i), bytes[i]);
    }
    for (let i = 0; i < bytes.length;) {
      const a = address + BigInt(i);
      const page = a & ~0xfffn;
      const off = Number(a - page);
      const n = Math.min(bytes.length - i, 4096 - off);
      (this.vmPage(page, true) as Uint8Array).set(bytes.subarray(i, i + n), off);
      i += n;
    }
  }

  /** The image-mapping address of a direct-map address inside vmlinux's data, or null. */
  private imageAlias(address: bigint, end: bigint): bigint | null {
    const d = this.directAlias;
    return d !== null && address >= d[0] && end <= d[1] ? address + d[2] : null;
  }

  private ioMappings(): Map<bigint, Uint8Array> {
    let m = IO_MAPPINGS.get(this.k);
    if (!m) {
      m = new Map();
      IO_MAPPINGS.set(this.k, m);
    }
    return m;
  }

  /** The bytes of a mapIo() mapping holding [address, end), and the offset of address in them. */
  private ioAt(address: bigint, end: bigint): [Uint8Array, number] | null {
    const m = IO_MAPPINGS.get(this.k);
    if (!m) return null;
    for (const [start, bytes] of m) if (address >= start && end <= start + BigInt(bytes.length)) return [bytes, Number(address - start)];
    return null;
  }

  /** get_vm_area_caller() for an ioremap(): page-rounded with a guard page, from the model's vmalloc space. */
  mapIo(bytes: Uint8Array, label: string): bigint | null {
    const at = this.k.vmallocSpace.alloc(bytes.length, label);
    if (at !== null) this.ioMappings().set(at, bytes);
    return at;
  }

  unmapIo(address: bigint): boolean {
    const m = this.ioMappings();
    for (const start of m.keys()) {
      if (address < start || address >= start + BigInt(m.get(start)?.length ?? 0)) continue;
      m.delete(start);
      this.k.vmallocSpace.free(start);
      return true;
    }
    return false;
  }

  private inVmemmap(address: bigint, end: bigint): boolean {
    const vm = this.vmemmap;
    const heap = this.vmemmapHeap;
    return (vm !== null && address >= vm[0] && end <= vm[1]) || (heap !== null && address >= heap[0] && end <= heap[1]);
  }

  private allocation(address: bigint, length: number): Allocation | null {
    const l = this.last;
    if (l && l.freedAt === null && address >= l.base && address + BigInt(length) <= l.base + BigInt(l.size)) return l;
    const a = this.k.memory.live(address, length);
    if (a) {
      this.last = a;
      this.lastRanges = this.rangesOf(a);
    }
    return a;
  }

  /** Section permissions inside a module allocation (built once per allocation). */
  private rangesOf(a: Allocation): Range[] {
    let r = this.ranges.get(a);
    if (r) return r;
    r = [];
    if ((a.kind === 'module-core' || a.kind === 'module-init') && a.owner) {
      const mod = this.k.findModule(a.owner);
      const end = a.base + BigInt(a.size);
      for (const s of mod?.allSections ?? []) {
        if (s.address < a.base || s.address >= end || s.size === 0) continue;
        const exec = s.group === 'text';
        const ro = s.group === 'text' || s.group === 'rodata' ? always : s.group === 'ro_after_init' ? () => mod?.state === 'LIVE' : null;
        r.push({ start: s.address, end: s.address + BigInt(s.size), exec, readOnly: ro, name: s.name });
      }
    }
    this.ranges.set(a, r);
    return r;
  }

  private rangeAt(a: Allocation, address: bigint): Range | null {
    const rs = a === this.last ? this.lastRanges : this.rangesOf(a);
    for (const r of rs) if (address >= r.start && address < r.end) return r;
    return null;
  }

  private notPresent(address: bigint, length: number, write: boolean): CpuFault {
    const region = this.k.as.regionOf(address);
    const what =
      address < 4096n
        ? 'NULL pointer dereference'
        : region?.name === 'kernel text'
          ? 'vmlinux memory is not modelled'
          : region?.name === 'user'
            ? 'a user-space address (kernel code must not touch it directly; SMAP)'
            : region
              ? `nothing mapped there (${region.name})`
              : 'nothing mapped there';
    return new CpuFault('not-present', address, write, `${write ? 'write to' : 'read of'} ${length} byte(s) at 0x${address.toString(16)}: ${what}`);
  }

  read(address: bigint, length: number, why: 'read' | 'fetch'): Uint8Array {
    const end = address + BigInt(length);
    if (address >= this.stack.base && end <= this.stackEnd) {
      if (why === 'fetch') throw new CpuFault('not-executable', address, false, `instruction fetch from the stack at 0x${address.toString(16)} (NX)`);
      const off = Number(address - this.stack.base);
      return this.stackBytes.subarray(off, off + length);
    }
    if (address >= this.gsBase && end <= this.percpuEnd) {
      if (why === 'fetch')
        throw new CpuFault('not-executable', address, false, `instruction fetch from per-CPU data at 0x${address.toString(16)} (NX)`);
      const off = Number(address - this.gsBase);
      return this.percpuBytes.subarray(off, off + length);
    }
    if (address >= this.vmStart && end <= this.vmEnd) {
      if (why === 'fetch')
        throw new CpuFault('not-executable', address, false, `instruction fetch from vmlinux data at 0x${address.toString(16)} (NX)`);
      return this.vmRead(address, length);
    }
    const a = this.allocation(address, length);
    if (!a) {
      if (this.inVmemmap(address, end)) {
        if (why === 'fetch') throw new CpuFault('not-executable', address, false, `instruction fetch from vmemmap at 0x${address.toString(16)} (NX)`);
        return this.vmRead(address, length);
      }
      const image = this.imageAlias(address, end);
      if (image !== null) {
        if (why === 'fetch') throw new CpuFault('not-executable', address, false, `instruction fetch from the direct map at 0x${address.toString(16)} (NX)`);
        return this.vmRead(image, length);
      }
      const io = this.ioAt(address, end);
      if (io !== null) {
        if (why === 'fetch') throw new CpuFault('not-executable', address, false, `instruction fetch from ioremap()ped memory at 0x${address.toString(16)}`);
        return io[0].subarray(io[1], io[1] + length);
      }
      throw this.notPresent(address, length, false);
    }
    if (why === 'fetch') {
      const r = this.rangeAt(a, address);
      if (!r || !r.exec)
        throw new CpuFault(
          'not-executable',
          address,
          false,
          `instruction fetch from non-executable memory at 0x${address.toString(16)}${r ? ` (${r.name})` : ` (${a.label})`}`,
        );
    }
    const off = Number(address - a.base);
    return a.bytes.subarray(off, off + length);
  }

  /** The stack and per-CPU data are plain bytes; an allocation's bytes are writable directly when no write is recorded or checked. */
  span(address: bigint): MemorySpan | null {
    if (address >= this.stack.base && address < this.stackEnd) return { base: this.stack.base, bytes: this.stackBytes, writable: true };
    if (address >= this.gsBase && address < this.percpuEnd) return { base: this.gsBase, bytes: this.percpuBytes, writable: true };
    if (address >= this.vmStart && address < this.vmEnd) return null;
    const a = this.allocation(address, 1);
    if (!a) return null;
    const rs = a === this.last ? this.lastRanges : this.rangesOf(a);
    const recorded = this.opts.recordAt !== undefined && this.opts.recordAt !== null;
    return { base: a.base, bytes: a.bytes.subarray(0, a.size), writable: !recorded && rs.every((r) => !r.readOnly) };
  }

  write(address: bigint, bytes: Uint8Array): void {
    const length = bytes.length;
    const end = address + BigInt(length);
    if (address >= this.stack.base && end <= this.stackEnd) {
      this.stackBytes.set(bytes, Number(address - this.stack.base));
      return;
    }
    if (address >= this.gsBase && end <= this.percpuEnd) {
      this.percpuBytes.set(bytes, Number(address - this.gsBase));
      return;
    }
    if (address >= this.vmStart && end <= this.vmEnd) {
      this.vmWrite(address, bytes);
      return;
    }
    const a = this.allocation(address, length);
    if (!a) {
      const image = this.imageAlias(address, end);
      if (image !== null) {
        this.vmWrite(image, bytes);
        return;
      }
      const io = this.ioAt(address, end);
      if (io !== null) {
        io[0].set(bytes, io[1]);
        return;
      }
      if (!this.inVmemmap(address, end)) throw this.notPresent(address, length, true);
      this.vmWrite(address, bytes);
      return;
    }
    const rs = a === this.last ? this.lastRanges : this.rangesOf(a);
    if (rs.length) {
      for (const r of rs) {
        if (r.readOnly && address < r.end && end > r.start && r.readOnly(this.k)) {
          throw new CpuFault('read-only', address, true, `write to read-only ${r.name} at 0x${address.toString(16)}`);
        }
      }
    }
    const off = Number(address - a.base);
    if (this.opts.recordAt !== undefined && this.opts.recordAt !== null)
      this.k.memory.writeAt(a, off, bytes.slice(), this.opts.recordAt, 'CPU write');
    else a.bytes.set(bytes, off);
  }
}
