/**
 * Shared state of one load_module() run: the module's parsed file, the loader's rewritten section
 * flags and addresses (the kernel edits its copy of the section headers as it goes), and helpers that
 * record steps on the timeline with a snapshot of the kernel after each.
 */
import type { ElfFile } from '../elf/types';
import { holders } from '../shell/formats';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule, PlacedSection } from '../kernel/module-record';
import type { Allocation } from '../machine/memory';
import type { ModuleLayoutResult } from './layout';
import type { RelocationBlock } from './relocate';
import type { SymbolBlock } from './symbols';
import { moduleTaintLetters } from '../kernel/taint';
import type { ModuleFacts } from '../kmod/types';
import type { Snapshot, StepBlock } from '../trace/timeline';
import type { Effect, OperationInfo, Phase, StepInfo } from '../trace/types';

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

export interface LoadContext {
  k: ModelKernel;
  rec: StepRecorder;
  fileName: string;
  args: string;
  flags: number;
  elf: ElfFile;
  facts: ModuleFacts;
  /** info->name: .modinfo name= (or the fallback text the kernel prints). */
  infoName: string;
  secs: SecState[];
  index: { sym: number; str: number; mod: number; vers: number; info: number; pcpu: number };
  tempBase: bigint;
  imageLength: number;
  tempFreed?: boolean;
  mod: LoadedModule | null;
  /** Taints decided before struct module exists (check_modinfo). */
  pendingTaints?: { v: number };
  layout?: ModuleLayoutResult;
  core?: Allocation | null;
  init?: Allocation | null;
  placed?: PlacedSection[];
  symbolBlock?: SymbolBlock;
  relocBlock?: RelocationBlock;
}
