/**
 * A modelled Linux 2.4 kernel on x86-64 — a MODEL, not a real 2.4 build: 2.4's module interface
 * (create_module, init_module, delete_module, query_module, get_kernel_syms; struct module at the
 * start of the image; module_list; /proc/modules and /proc/ksyms; the classic printk ring) over the
 * exported symbols, CRCs and addresses of the Debian 6.1 profile (the same x86-64 kernel symbols), so
 * the same .ko can be loaded both ways. Memory, the timeline and the record log are a ModelKernel's,
 * so seek/memory/log views work unchanged.
 */
import type { Decoder } from '../cpu/types';
import { ModelKernel } from '../kernel/model';
import type { FinalSymbol, LoadedModule, PlacedSection } from '../kernel/module-record';
import type { KernelProfile } from '../kernel/profile';
import type { Allocation } from '../machine/memory';
import { VmallocRange } from '../machine/vmalloc';
import { ClassicRing } from '../printk/classic-ring';
import type { StepSpec } from '../load/context';
import type { Snapshot, StepBlock } from '../trace/timeline';
import type { OperationInfo, Phase, Side, Stage, StepInfo } from '../trace/types';
import { flagNames, MOD_AUTOCLEAN, MOD_DELETED, MOD_INITIALIZING, MOD_RUNNING } from './struct-module';

/** include/asm-x86_64/pgtable.h (2.4): MODULES_VADDR, and MODULES_END 0xffffffffafffffff (inclusive). */
export const MODULES_VADDR_24 = 0xffffffffa0000000n;
export const MODULES_END_24 = 0xffffffffb0000000n;

export interface Kernel24Options {
  /** CONFIG_MODVERSIONS: /proc/ksyms names carry _R<crc> (default on). */
  modversions?: boolean;
  /** An SMP build: genksyms' prefix "smp_" in versioned names (default off: name_R<crc>). */
  smp?: boolean;
  /** The x86-64 decoder: with it init_module()/cleanup_module() run on the modelled CPU. */
  decoder?: Decoder | null;
  /** LOG_BUF_LEN of the classic ring (2.4 SMP: 32768). */
  logBufLen?: number;
}

/** A module on 2.4's module_list. */
export interface Module24 {
  name: string;
  /** create_module()'s address: struct module is here. */
  addr: bigint;
  size: number;
  alloc: Allocation;
  flags: number;
  usecount: number;
  /** Its exports as 2.4 names them (GPLONLY_ prefix kept), with final addresses. */
  syms: KSym[];
  /** Modules it uses (mod->deps) and modules using it (mod->refs), by name. */
  deps: string[];
  refs: string[];
  init: bigint;
  cleanup: bigint;
  /** The image's sections as insmod placed them (the CPU model needs to know which bytes are code). */
  sections: PlacedSection[];
  record: LoadedModule | null;
}

export interface KSym {
  name: string;
  value: bigint;
}

/** A 6.1 step's fields, with the lane (stage, side) instead of the 6.1 phase, which step() derives. */
export type Step24 = Omit<StepSpec, 'phase'> & { stage: Stage; side: Side };

const PHASE_OF: Record<Stage, Phase> = {
  read: 'user',
  check: 'modinfo',
  reserve: 'allocate',
  symbols: 'symbols',
  relocate: 'relocate',
  params: 'params',
  copy: 'allocate',
  link: 'formation',
  init: 'init',
  unload: 'unload',
  result: 'result',
};

export class Kernel24 {
  readonly k: ModelKernel;
  readonly ring: ClassicRing;
  readonly area = new VmallocRange(MODULES_VADDR_24, MODULES_END_24);
  /** module_list, head first (sys_create_module links at the head). */
  readonly modules: Module24[] = [];
  readonly modversions: boolean;
  readonly smp: boolean;
  readonly decoder: Decoder | null;
  /** /proc/sys/kernel/tainted as insmod wrote it (2.4 taints from user space). */
  tainted = 0;
  /** The object's symbols with final values, handed over by insmod for the CPU model's names (the 2.4 kernel had no kallsyms of modules by itself). */
  readonly pendingSymbols = new Map<string, FinalSymbol[]>();
  private ksyms: KSym[] | null = null;

  constructor(
    readonly profile: KernelProfile,
    opts: Kernel24Options = {},
  ) {
    this.k = new ModelKernel(profile, { kaslrSeed: null, quiet: false });
    this.ring = new ClassicRing(opts.logBufLen ?? 32768);
    this.modversions = opts.modversions ?? true;
    this.smp = opts.smp ?? false;
    this.decoder = opts.decoder ?? null;
  }

  /** uname -r of the model: the profile's release (its symbols are the 6.1 kernel's). */
  get release(): string {
    return this.profile.release;
  }

  get timeline(): ModelKernel['timeline'] {
    return this.k.timeline;
  }

  /** A kernel export's name as /proc/ksyms shows it: name_R<crc> (or name_Rsmp_<crc>) with MODVERSIONS, GPLONLY_ first for GPL-only. */
  exportName(name: string, crc: number | null, gpl: boolean): string {
    const v = this.modversions && crc !== null ? `${name}_R${this.smp ? 'smp_' : ''}${(crc >>> 0).toString(16).padStart(8, '0')}` : name;
    return gpl ? `GPLONLY_${v}` : v;
  }

  /** The kernel's own symbol table (kernel/ksyms.c's __ksymtab): the 6.1 profile's vmlinux exports, labelled a model. */
  kernelSymbols(): KSym[] {
    if (this.ksyms) return this.ksyms;
    const out: KSym[] = [];
    // kernel/ksyms.c exports Using_Versions with value 1 under MODVERSIONS: insmod's is_kernel_checksummed() looks for it.
    if (this.modversions) out.push({ name: 'Using_Versions', value: 1n });
    for (const e of this.profile.vmlinuxExports) {
      if (e.percpu || e.address === null) continue;
      out.push({ name: this.exportName(e.name, e.crc, e.gpl), value: this.k.vmlinuxAddress(e) });
    }
    this.ksyms = out;
    return out;
  }

  /** find_module(): skips modules being deleted. */
  find(name: string): Module24 | undefined {
    return this.modules.find((m) => m.name === name && !(m.flags & MOD_DELETED));
  }

  /** printk(): the text with its "<n>" goes into the classic ring; the record log keeps it for the timeline views. */
  printk(level: number, text: string, pos = this.k.timeline.position): void {
    this.ring.printk(`<${level}>${text}\n`);
    this.k.printkAt(level, text, pos);
  }

  symbolize(a: bigint): string | null {
    for (const m of this.modules) {
      if (a < m.addr || a >= m.addr + BigInt(m.size)) continue;
      let best: { name: string; value: bigint } | null = null;
      for (const s of m.record?.symbolTable ?? []) if (s.name && s.value <= a && (!best || s.value > best.value)) best = s;
      return best ? `${best.name}+0x${(a - best.value).toString(16)} [${m.name}]` : `0x${a.toString(16)} [${m.name}]`;
    }
    return this.profile.symbolize(a)?.text ?? null;
  }

  snapshot(): Snapshot {
    return {
      taints: this.tainted,
      modules: this.modules.map((m) => ({
        name: m.name,
        state: state24(m.flags),
        size: m.size,
        coreSize: m.size,
        refcount: m.usecount,
        usedBy: [...m.refs],
        holders: [...m.refs],
        taints: '',
      })),
    };
  }

  beginOp(command: string): OperationInfo {
    return this.k.timeline.beginOp(command);
  }

  /** Record a step; log records printed at its position belong to it. */
  step(spec: Step24, block: StepBlock | null = null): StepInfo {
    const pos = this.k.timeline.position;
    const recs = this.k.log.records;
    const log: number[] = [];
    for (let i = recs.length - 1; i >= 0 && recs[i].pos >= pos; i--) log.unshift(recs[i].seq);
    this.k.tick(block ? Math.max(1000, block.count * 20) : 5000);
    const info = {
      phase: PHASE_OF[spec.stage],
      fn: spec.fn,
      file: spec.file,
      title: spec.title,
      text: spec.text,
      effects: spec.effects ?? [],
      log,
      stage: spec.stage,
      side: spec.side,
      ...(spec.errno ? { errno: spec.errno } : {}),
    };
    return this.k.timeline.add(info, this.snapshot(), block);
  }
}

/** /proc/modules' words for a module's state. */
export function state24(flags: number): string {
  if (flags & MOD_DELETED) return 'deleted';
  if (flags & MOD_INITIALIZING) return 'initializing';
  if (flags & MOD_RUNNING) return flags & MOD_AUTOCLEAN ? 'running (autoclean)' : 'running';
  return 'uninitialized';
}

export { flagNames };
