/**
 * The engine API as every host sees it: plain, structured-cloneable data.
 * 64-bit values travel as "0x…" strings (Hex64); big tables travel in pages.
 */
import type { Hex64 } from './base/hex';
import type { ElfErrorCode } from './elf/types';
import type { SnapshotModule } from './trace/timeline';
import type { ItemDetail, KernelVersion, OperationInfo, StepInfo } from './trace/types';
import type { Quiz, QuizCheckRequest, QuizKind, QuizMarked, QuizPart, QuizQuestion, QuizRequest, QuizSheet } from './quiz/types';
export type { Quiz, QuizCheckRequest, QuizKind, QuizMarked, QuizPart, QuizQuestion, QuizRequest, QuizSheet };
import type { WhatIfAnswer, WhatIfFault, WhatIfSide } from './whatif/run';
import type { AllocSite } from './load/fault-sites';
import type { Divergence, StepLike } from './whatif/compare';
export type { AllocSite, Divergence, StepLike, WhatIfAnswer, WhatIfFault, WhatIfSide };

/** A what-if on an open module: loaded as it is and as mutated, each on a fresh 6.1 kernel (the `with` modules first). */
export interface WhatIfRequest {
  id: string;
  /** KIND:ARGUMENT, as `modscope whatif` takes it (whatif.list names the kinds): a change to the module or a kernel fault. */
  mutation: string;
  /** Module parameters for both loads ("count=3"). */
  args?: string;
  /** Open modules loaded first on both kernels (a provider before its consumer). */
  with?: string[];
  /** The kernel profile (.json.gz bytes), needed when no kernel was booted yet. */
  profile?: Uint8Array;
}
export type { SnapshotModule, ItemDetail, OperationInfo, StepInfo };
export type { Effect, Phase, RelocationDetail, SymbolDetail, InstructionDetail, Side, Stage } from './trace/types';

export type { Hex64 };

export interface EngineError {
  code: ElfErrorCode | 'NO_SUCH_MODULE' | 'BAD_REQUEST' | 'INTERNAL' | 'NOT_BOOTED' | 'BAD_PROFILE';
  message: string;
  /** Byte offset in the file where the problem is, when there is one. */
  offset?: number;
  /** The field at fault, e.g. "e_shoff". */
  field?: string;
}

/** Largest table page one call returns (symbols, relocations, kernel.steps); checked once, by engine/validate-call.ts. */
export const MAX_PAGE = 5000;
/** Largest byte window one `bytes` call returns. */
export const MAX_BYTES = 1 << 20;

export type Result<T> = { ok: true; value: T } | { ok: false; error: EngineError };

export interface OpenRequest {
  name: string;
  bytes: Uint8Array;
}

export interface ProgressEvent {
  stage: 'decompress' | 'parse';
  done: number;
  total: number;
}

export interface HeaderRow {
  field: string; // e.g. "e_machine"
  value: string; // as readelf -h shows it
  explain: string; // plain words
  offset: number; // file offset of the field
  size: number;
}

export interface SectionRow {
  index: number;
  name: string;
  type: string; // readelf name, e.g. PROGBITS
  flags: string; // readelf letters, e.g. AX
  flagsExplained: string; // "alloc, exec"
  addr: Hex64;
  offset: number;
  size: number;
  entsize: number;
  link: number;
  info: number;
  align: number;
  /** Bytes present in the file (0 for NOBITS). */
  fileSize: number;
  relocCount: number; // relocations that patch this section
}

export interface SymbolRow {
  index: number;
  name: string;
  value: Hex64;
  size: string; // decimal
  type: string;
  bind: string;
  visibility: string;
  ndx: string; // UND, ABS, COM or the section index
  section: string; // section name or UND/ABS/COM
}

export interface RelocSectionRow {
  sectionIndex: number;
  name: string;
  target: number;
  targetName: string;
  rela: boolean;
  count: number;
}

export interface RelocRow {
  index: number;
  offset: Hex64;
  type: string;
  typeNumber: number;
  symbolIndex: number;
  symbolName: string; // section name for section symbols
  symbolValue: Hex64;
  addend: string; // signed decimal-free hex as readelf: "+ 4" / "- 4" → "-0x4"
}

/** Relocation table filter: text in the symbol's or type's name, an exact type, r_offset in [from, to] (hex). */
export interface RelocFilter {
  text?: string;
  type?: string;
  from?: string;
  to?: string;
}

/** Symbol table filter: text in the name (or the index), exact type (FUNC…), section name, st_value in [from, to] (hex). */
export interface SymbolFilter {
  text?: string;
  type?: string;
  section?: string;
  from?: string;
  to?: string;
}

/** An item of the open file, to find in the latest load of its module. */
export type FindTarget = { kind: 'relocation'; relaSection: string; entry: number } | { kind: 'symbol'; index: number };

export interface FindItemAnswer {
  /** Timeline position of the item's step (the relocation applied, the symbol resolved). */
  pos: number;
  op: number;
}

/** What an address is at a position: module section or kernel region, symbol, allocation, last writer. */
export interface AddressInfo {
  address: Hex64;
  pos: number;
  module: string | null;
  section: { name: string; start: Hex64; offset: number; init: boolean } | null;
  /** As %pS prints it: "hello_init+0x1c/0x40 [hello]". */
  symbol: string | null;
  allocation: { label: string; base: Hex64; size: number; kind: string } | null;
  region: string | null;
  /** Position of the step that last wrote this byte up to pos, and what it was. */
  writtenAt: number | null;
  writtenBy: string | null;
}

export interface FileRange {
  start: number;
  end: number;
  label: string;
  kind: 'header' | 'section' | 'section-table' | 'program-headers' | 'signature' | 'gap';
  sectionIndex?: number;
}

export interface ModinfoRow {
  key: string;
  value: string;
  offset: number;
}
export interface VersionRow {
  name: string;
  crc: Hex64;
  offset: number;
}
export interface ExportRow {
  name: string;
  gplOnly: boolean;
  namespace: string;
  crc?: Hex64;
}
export interface ParamRow {
  name: string;
  type: string;
  perm: string; // octal, e.g. "0644"
  variable: string;
  description: string;
  arrayMax?: number;
}
export interface NoteRow {
  section: string;
  owner: string;
  type: number;
  typeName: string;
  description: string;
}
export interface SignatureInfo {
  present: boolean;
  elfLength: number;
  signatureOffset: number;
  signatureLength: number;
  idType: string;
  description: string;
}
export interface ThisModuleInfo {
  name: string;
  init: string | null;
  exit: string | null;
  size: number;
}

export interface ModuleOverview {
  id: string;
  fileName: string;
  fileSize: number;
  compression: string | null;
  header: HeaderRow[];
  headerSummary: string;
  sections: SectionRow[];
  relocSections: RelocSectionRow[];
  symbolCount: number;
  relocationCount: number;
  fileMap: FileRange[];
  modinfo: ModinfoRow[];
  versions: VersionRow[];
  exports: ExportRow[];
  params: ParamRow[];
  notes: NoteRow[];
  signature: SignatureInfo;
  thisModule: ThisModuleInfo | null;
  imports: string[];
  license: string | null;
  gplCompatible: boolean;
  warnings: EngineError[];
}

export interface Page<T> {
  total: number;
  offset: number;
  rows: T[];
}

export interface PageQuery {
  offset: number;
  limit: number; // capped at 5,000 rows a page
}

export interface RegionRow {
  name: string;
  start: Hex64;
  end: Hex64;
  what: string;
}

export type { KernelVersion };

/** On every kernel.* call: address the kernel of that version (booted before); absent = 6.1. */
export interface KernelSelector {
  version?: KernelVersion;
}

export interface KernelSummary {
  /** Absent on hosts older than the 2.4 model: 6.1. */
  version?: KernelVersion;
  release: string;
  /** The machine the kernel runs on (engine/machine/qemu-pc.ts, recorded under QEMU). */
  machine?: string;
  vermagic: string;
  paging: 4 | 5;
  kaslr: boolean;
  seed: number | null;
  kernelSlide: Hex64;
  moduleLoadOffset: Hex64;
  modulesStart: Hex64;
  regions: RegionRow[];
  /** vmlinux exports in the profile. */
  exports: number;
}

export interface BootRequest {
  /** The kernel profile (.json.gz bytes); needed on the first boot only (the 2.4 model takes its symbols from it). */
  profile?: Uint8Array;
  /** Default 6.1. Booting one version keeps the other kernel, if booted, for calls that name it. */
  version?: KernelVersion;
  paging?: 4 | 5;
  /** null or absent: nokaslr. */
  kaslrSeed?: number | null;
  quiet?: boolean;
}

export interface AllocationRow {
  id: number;
  base: Hex64;
  size: number;
  kind: string;
  label: string;
  owner: string | null;
  allocatedAt: number;
  freedAt: number | null;
}

export interface LogRow {
  seq: number;
  level: number;
  /** 0 = kernel, 1 = user (written to /dev/kmsg). */
  facility: number;
  /** local_clock() at the printk, ns since boot. */
  tsNs: number;
  /** "[    2.000001]" */
  time: string;
  text: string;
  pos: number;
}

export interface PlacedRow {
  index: number;
  name: string;
  region: 'core' | 'init';
  group: string;
  offset: number;
  size: number;
  align: number;
  /** Set once move_module has run (at the position looked at). */
  address: Hex64 | null;
  /** Set on sections of other modules already loaded at that position (absent: the module this operation loads). */
  module?: string;
}

export interface SeekView {
  pos: number;
  length: number;
  stepIndex: number;
  step: StepInfo;
  item: ItemDetail | null;
  operation: OperationInfo;
  /** Module list and taints after this step. */
  modules: SnapshotModule[];
  taints: string;
  /** The last log records printed up to and including this step (at most 200). */
  log: LogRow[];
  allocations: AllocationRow[];
  /** The layout of the module this operation loads, as known at this step. */
  layout: PlacedRow[];
}

export interface KernelLogView {
  pos: number;
  rows: LogRow[];
  /** /proc/sys/kernel/printk: console_loglevel, default_message_loglevel, minimum, default console level. */
  printk: [number, number, number, number];
}

export interface MemoryView {
  address: Hex64;
  pos: number;
  /** null = not mapped at that moment. */
  bytes: (number | null)[];
  /** Provenance: who last wrote each part of the window, up to this position (offsets into bytes). */
  writers: { from: number; to: number; pos: number; what: string }[];
}

export interface ShellAnswer {
  output: string;
  exit: number;
  /** Operations this line appended to the timeline. */
  ops: OperationInfo[];
  /**
   * With a module tree (kernel.modtree): the tree files (relative paths) the line needs that the host has not given
   * yet. The line did not run: read them, and call kernel.shell again with them in `files` (until needs is absent).
   */
  needs?: string[];
}

/** A module tree the shell's modprobe/modinfo read lazily: its file list, and depmod's output when it has one. */
export interface ModuleTreeRequest {
  /** Every file of the tree relative to its root ("kernel/fs/fat/fat.ko"); only .ko[.xz|.zst|.gz] count. */
  paths: string[];
  /** modules.dep, when the tree has one (a package's tree before depmod ran has none). */
  modulesDep?: string;
  modulesSoftdep?: string;
  /** What the user picked, for the summary ("6.1.0-50-amd64"). */
  label?: string;
}

export interface ModuleTreeInfo {
  label: string;
  /** Modules the tree holds (by name). */
  modules: number;
  /** Dependencies from modules.dep (kmod's order) or, without one, from Module.symvers as modscope load --modprobe finds them. */
  dependencies: 'modules.dep' | 'Module.symvers';
  /** Where the shell sees it: /lib/modules/<release>. */
  root: string;
}

/**
 * Every host implements exactly this map: method name → [argument, result].
 * Electron (IPC), the Web Worker and the CLI all call the same engine session.
 */
export interface EngineMethods {
  open: [OpenRequest, ModuleOverview];
  close: [{ id: string }, true];
  overview: [{ id: string }, ModuleOverview];
  symbols: [{ id: string; filter?: string; query?: SymbolFilter } & PageQuery, Page<SymbolRow>];
  relocations: [{ id: string; section: number; filter?: RelocFilter } & PageQuery, Page<RelocRow>];
  bytes: [{ id: string; offset: number; length: number }, Uint8Array];
  'kernel.boot': [BootRequest, KernelSummary];
  /** flags: 6.1 MODULE_INIT_* (0..7); on 2.4, bit 0 = insmod -f (force past a version mismatch). */
  'kernel.load': [{ id: string; args: string; syscall?: 'finit_module' | 'init_module'; flags?: number } & KernelSelector, OperationInfo];
  'kernel.unload': [{ name: string; force?: boolean } & KernelSelector, OperationInfo];
  /** files: tree files the previous answer's `needs` named, read by the host (path relative to the tree root). */
  'kernel.shell': [{ line: string; files?: { path: string; bytes: Uint8Array }[] } & KernelSelector, ShellAnswer];
  /** Point the 6.1 shell's modprobe/modinfo at a module tree (a lib/modules/<ver> folder); null forgets it. */
  'kernel.modtree': [ModuleTreeRequest | null, ModuleTreeInfo | null];
  'kernel.timeline': [KernelSelector, { length: number; steps: number; ops: OperationInfo[] }];
  'kernel.steps': [PageQuery & KernelSelector, Page<StepInfo>];
  'kernel.seek': [{ pos: number } & KernelSelector, SeekView];
  'kernel.memory': [{ address: Hex64; length: number; pos: number } & KernelSelector, MemoryView];
  /** Every record printed up to pos (the seek view carries only the newest 200), and console_printk[] now. */
  'kernel.log': [{ pos: number } & KernelSelector, KernelLogView];
  /** An exercise from the module's trace on a fresh kernel of its own (the booted one is not touched). */
  'quiz.generate': [QuizRequest, Quiz];
  /** Mark a student's answers against a question's parts (lenient about spelling, strict about the fact). */
  'quiz.check': [QuizCheckRequest, QuizMarked];
  /** The same exercise as quiz.generate, as the student's sheet and the lecturer's key in Markdown. */
  'quiz.sheet': [QuizRequest, QuizSheet];
  /** Where an item of an open file was applied/resolved in the latest load of `module` (null: not loaded yet). */
  'kernel.find': [{ module: string; target: FindTarget } & KernelSelector, FindItemAnswer | null];
  /** What an address is at pos: section, symbol, allocation, the step that last wrote it. */
  'kernel.locate': [{ address: Hex64; pos: number } & KernelSelector, AddressInfo];
  /** The mutations a what-if can make (KIND:ARGUMENT and what each does), then the kernel faults (fail-alloc:…, fail:…). */
  'whatif.list': [Record<string, never>, { name: string; what: string }[]];
  /** Both loads of a what-if and the first step where they part (the booted kernel is not touched). */
  'whatif.run': [WhatIfRequest, WhatIfAnswer];
}

export type EngineMethod = keyof EngineMethods;
export type EngineArg<M extends EngineMethod> = EngineMethods[M][0];
export type EngineValue<M extends EngineMethod> = EngineMethods[M][1];
