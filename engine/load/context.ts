/**
 * Shared state of one load_module() run: the module's parsed file, the loader's rewritten section
 * flags and addresses (the kernel edits its copy of the section headers as it goes), and helpers that
 * record steps on the timeline with a snapshot of the kernel after each.
 */
import type { ElfFile } from '../elf/types';
import { holders } from '../kernel/kernfs';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule, PlacedSection } from '../kernel/module-record';
import type { Allocation } from '../machine/memory';
import type { ModuleLayoutResult } from './layout';
import type { SymbolBlock } from './symbols';
import { moduleTaintLetters } from '../kernel/taint';
import type { ModuleFacts } from '../kmod/types';
import type { ModuleSignatureInfo } from '../kmod/types';
import { FaultInjector, type FaultSpec } from './fault-injection';
import type { Snapshot, StepBlock } from '../trace/timeline';
import type { Effect, OperationInfo, Phase, StepInfo, OpEnd } from '../trace/types';

export interface StepSpec {
  phase: Phase;
  fn: string;
  file: string;
  title: string;
  text: string;
  effects?: Effect[];
  errno?: number;
}

export function snapshot(k: ModelKernel): Snapshot {
  return {
    taints: k.taints,
    modules: k.modules
      .filter((m) => m.state !== 'UNFORMED')
      .map((m) => ({
        name: m.name,
        state: m.state,
        size: m.coreLayout.size + m.initLayout.size,
        coreSize: m.coreLayout.size,
        refcount: m.refcnt - 1,
        usedBy: [...m.usedBy],
        holders: holders(m),
        taints: moduleTaintLetters(m.taints),
      })),
  };
}

const EMPTY: Snapshot = { modules: [], taints: 0 };

/** Records steps; log lines printed while a step is "open" belong to it. */
export class StepRecorder {
  constructor(
    readonly k: ModelKernel,
    readonly op: OperationInfo,
  ) {}

  /** Position the next step will take: printk calls made for it use this. */
  get pos(): number {
    return this.k.timeline.position;
  }

  /** Print at the position of the step about to be recorded. */
  printk(level: number, text: string): void {
    this.k.printkAt(level, text, this.pos);
  }

  step(spec: StepSpec, block: StepBlock | null = null): StepInfo {
    const pos = this.pos;
    const recs = this.k.log.records;
    const logs: number[] = [];
    for (let i = recs.length - 1; i >= 0 && recs[i].pos >= pos; i--) logs.unshift(recs[i].seq);
    this.k.tick(block ? Math.max(1000, block.count * 20) : 5000);
    return this.k.timeline.add({ ...spec, effects: spec.effects ?? [], log: logs }, this.k.lean ? EMPTY : snapshot(this.k), block);
  }
}

export interface SecState {
  flags: number;
  /** sh_addr as the loader sees it: temporary copy, then final. */
  addr: bigint;
}

/** The part of struct load_info the model keeps, and the module once it exists. */
export interface LoadIndex {
  sym: number;
  str: number;
  mod: number;
  vers: number;
  info: number;
  pcpu: number;
}

/**
 * struct load_info (kernel/module/internal.h) for one load_module() run, plus the model's handles
 * (kernel, recorder). The kernel fills it in as it goes: fields read before the step that fills
 * them throw instead of holding a placeholder.
 */
export class LoadInfo {
  readonly k: ModelKernel;
  readonly rec: StepRecorder;
  readonly fileName: string;
  /** The user's argument string (uargs). */
  readonly args: string;
  readonly flags: number;
  readonly syscall: 'finit_module' | 'init_module';
  /** The file's bytes as user space handed them over. */
  readonly image: Uint8Array;
  /** The caller gave `image` away: the temporary copy may be these bytes (LoadRequest.imageHandedOver). */
  readonly imageHandedOver: boolean;
  /** info->len after module_sig_check() has cut off an appended signature. */
  elfBytes: Uint8Array = new Uint8Array();
  signature: ModuleSignatureInfo | null = null;
  /** info->sig_ok. */
  sigOk = false;
  /** info->name: .modinfo name= (or the fallback text the kernel prints). */
  infoName = '';
  /** The loader's copy of the section headers: sh_flags and sh_addr as rewritten so far. */
  secs: SecState[] = [];
  index: LoadIndex = { sym: 0, str: 0, mod: 0, vers: 0, info: 0, pcpu: 0 };
  /** The __versions section even when IGNORE_MODVERSIONS hides it from index.vers (-1: none). */
  versionsSection = -1;
  /** info->hdr: the vmalloc'd temporary copy. */
  tempBase = 0n;
  tempFreed = false;
  mod: LoadedModule | null = null;
  /** Taints decided before struct module exists (check_modinfo). */
  pendingTaints: { v: number } = { v: 0 };
  core: Allocation | null = null;
  init: Allocation | null = null;
  placed: PlacedSection[] = [];
  symbolBlock: SymbolBlock | null = null;
  /** How the syscall ended: returned, insmod killed inside it (an oops in init), or unknown (init reached a not-modelled call). */
  end: OpEnd = { kind: 'returned' };
  /** What-if faults in the kernel: asked at every modelled allocation site and failable function. */
  readonly fault: FaultInjector;
  private hdr: ElfFile | null = null;
  private moduleFacts: ModuleFacts | null = null;
  private lay: ModuleLayoutResult | null = null;

  constructor(
    k: ModelKernel,
    rec: StepRecorder,
    req: {
      fileName: string;
      args: string;
      flags?: number;
      syscall: LoadInfo['syscall'];
      image: Uint8Array;
      fault?: FaultSpec | FaultInjector;
      imageHandedOver?: boolean;
    },
  ) {
    this.fault = req.fault instanceof FaultInjector ? req.fault : new FaultInjector(req.fault);
    this.k = k;
    this.rec = rec;
    this.fileName = req.fileName;
    this.args = req.args;
    this.flags = req.flags ?? 0;
    this.syscall = req.syscall;
    this.image = req.image;
    this.imageHandedOver = req.imageHandedOver === true;
  }

  get imageLength(): number {
    return this.image.length;
  }

  /** The parsed ELF image (set by elf_validity_check()). */
  get elf(): ElfFile {
    if (!this.hdr) throw new Error('load_info: the ELF image is used before elf_validity_check() accepted it');
    return this.hdr;
  }

  set elf(v: ElfFile) {
    this.hdr = v;
  }

  /** What the model reads from .modinfo, __versions, __ksymtab and __param (set with the ELF image). */
  get facts(): ModuleFacts {
    if (!this.moduleFacts) throw new Error('load_info: module facts are used before elf_validity_check()');
    return this.moduleFacts;
  }

  set facts(v: ModuleFacts) {
    this.moduleFacts = v;
  }

  /** The core and init layout (set by layout_sections() / layout_symtab()). */
  get layout(): ModuleLayoutResult {
    if (!this.lay) throw new Error('load_info: the layout is used before layout_and_allocate()');
    return this.lay;
  }

  set layout(v: ModuleLayoutResult) {
    this.lay = v;
  }

  /** struct module once add_unformed_module() has put it on the list. */
  get module(): LoadedModule {
    if (!this.mod) throw new Error('load_info: struct module is used before add_unformed_module()');
    return this.mod;
  }

  /** mod->name: struct module's own name (this_module), else info->name. */
  get modName(): string {
    return this.facts.thisModule?.name ?? this.infoName;
  }
}
