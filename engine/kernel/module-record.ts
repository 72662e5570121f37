/**
 * A module inside the modelled kernel: what struct module holds that the views and later loads need.
 */
import type { Allocation } from '../machine/memory';
import type { ResolvedParam } from '../params/memory';

/** include/linux/module.h enum module_state. */
export type ModuleState = 'LIVE' | 'COMING' | 'GOING' | 'UNFORMED';

export interface ModuleExportRecord {
  name: string;
  address: bigint;
  crc: number | null;
  gpl: boolean;
  namespace: string | null;
}

export interface KallsymEntry {
  name: string;
  address: bigint;
  /** elf_type() letter; upper case when the module exports it. */
  type: string;
  size: bigint;
}

export interface LayoutSizes {
  size: number;
  textSize: number;
  roSize: number;
  roAfterInitSize: number;
}

export interface PlacedSection {
  index: number;
  name: string;
  address: bigint;
  size: number;
  init: boolean;
  /** text / rodata / ro_after_init / data / other / kallsyms. */
  group: string;
  nobits: boolean;
}

/** A symbol of the module's full .symtab with its final value (after simplify_symbols). */
export interface FinalSymbol {
  index: number;
  name: string;
  value: bigint;
}

export interface LoadedModule {
  name: string;
  state: ModuleState;
  /** 1 = MODULE_REF_BASE; module_refcount() = refcnt - 1. */
  refcnt: number;
  core: Allocation | null;
  init: Allocation | null;
  coreLayout: LayoutSizes;
  initLayout: LayoutSizes;
  /** Address of the final struct module (the copied .gnu.linkonce.this_module). */
  structModule: bigint;
  initFn: bigint | null;
  exitFn: bigint | null;
  /** The functions' own names (hello_init), not the init_module/cleanup_module aliases. */
  initName: string | null;
  exitName: string | null;
  exports: ModuleExportRecord[];
  kallsyms: KallsymEntry[];
  sections: PlacedSection[];
  /** Every section placed at load, init ones included (they stay listed after init is freed). */
  allSections: PlacedSection[];
  /** The full symbol table with final values, as simplify_symbols left it. */
  symbolTable: FinalSymbol[];
  /** Modules this one uses (target_list) and that use it (source_list), by name. */
  uses: string[];
  usedBy: string[];
  taints: number;
  args: string;
  percpu: bigint | null;
  percpuSize: number;
  version: string | null;
  srcversion: string | null;
  /** /sys/module/NAME/parameters: name → perm, and how to read/write it. */
  params: ModuleParamRecord[];
  /** File it came from, for lsmod/modinfo. */
  fileName: string;
  loadedAt: number;
  /** Relocations applied when it was loaded. */
  relocationCount: number;
}

export interface ModuleParamRecord {
  name: string;
  perm: number;
  type: string;
  /** Address of the struct kernel_param inside the module. */
  kernelParam: bigint;
  /** The relocated struct kernel_param as parse_args() and sysfs use it (null if unreadable). */
  resolved: ResolvedParam | null;
}
