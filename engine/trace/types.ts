/**
 * The load trace as hosts see it: plain data. One timeline position per step; a block step
 * (every symbol in simplify_symbols, every relocation in apply_relocations) spans one position
 * per item, described on demand.
 */
import type { Hex64 } from '../api-types';

export type Phase =
  | 'user'
  | 'syscall'
  | 'signature'
  | 'elf'
  | 'modinfo'
  | 'layout'
  | 'allocate'
  | 'symbols'
  | 'relocate'
  | 'finalize'
  | 'formation'
  | 'params'
  | 'sysfs'
  | 'init'
  | 'unload'
  | 'result';

export type Effect =
  | { kind: 'alloc'; allocation: number; base: Hex64; size: number; label: string }
  | { kind: 'free'; allocation: number; base: Hex64; size: number; label: string }
  | { kind: 'write'; address: Hex64; length: number; what: string }
  | { kind: 'state'; module: string; from: string; to: string }
  | { kind: 'taint'; letter: string; module: string | null }
  | { kind: 'place'; section: number; name: string; region: 'core' | 'init'; group: string; offset: number; size: number; align: number }
  | { kind: 'address'; section: number; name: string; address: Hex64 }
  | { kind: 'list'; module: string; action: 'add' | 'remove' }
  | { kind: 'ref'; from: string; to: string; action: 'get' | 'put' }
  | { kind: 'param'; name: string; value: string }
  | { kind: 'call'; fn: string; address: Hex64; result: string };

export interface StepInfo {
  pos: number;
  /** Positions covered (1, or the block's item count; 0 for an empty block). */
  span: number;
  /** Index of the operation (command) this step belongs to. */
  op: number;
  phase: Phase;
  /** Kernel (or user-space) function, e.g. "layout_sections". */
  fn: string;
  /** Where it lives, e.g. "kernel/module/main.c". */
  file: string;
  title: string;
  /** One or two sentences with this module's real values. */
  text: string;
  effects: Effect[];
  /** Sequence numbers of the log records this step printed. */
  log: number[];
  /** Set on the step where the operation failed. */
  errno?: number;
  /** Kind of block, when span counts items. */
  block?: 'symbols' | 'relocations' | 'instructions';
}

export interface RelocationDetail {
  kind: 'relocation';
  item: number;
  /** The .rela section and the entry index in it. */
  relaSection: string;
  entry: number;
  targetSection: string;
  type: string;
  typeNumber: number;
  symbol: string;
  S: Hex64;
  A: string;
  P: Hex64;
  formula: string;
  value: Hex64;
  width: number;
  before: string;
  after: string;
  status: 'applied' | 'none' | 'nonzero-target' | 'overflow' | 'unknown-type' | 'out-of-bounds' | 'not-reached';
  message: string | null;
}

export interface SymbolDetail {
  kind: 'symbol';
  item: number;
  index: number;
  name: string;
  /** UND, ABS, COM or the section name. */
  section: string;
  before: Hex64;
  after: Hex64;
  how: string;
  provider: string | null;
  crc: { module: Hex64 | null; kernel: Hex64 | null; ok: boolean } | null;
  status: 'resolved' | 'relative' | 'absolute' | 'weak-unresolved' | 'unknown' | 'bad-crc' | 'no-version' | 'namespace' | 'common' | 'skipped' | 'not-reached';
}

export interface InstructionDetail {
  kind: 'instruction';
  item: number;
  rip: Hex64;
  /** "hello_init+0x1c/0x58 [hello]" */
  where: string | null;
  /** AT&T text, as objdump prints it. */
  text: string;
  /** Registers before the instruction ran. */
  registers: Record<string, Hex64>;
  flags: string;
  /** The kernel function model this instruction reached, if any. */
  call: string | null;
  writes: { address: Hex64; length: number }[];
}

export type ItemDetail = RelocationDetail | SymbolDetail | InstructionDetail;

export interface OperationInfo {
  index: number;
  command: string;
  startPos: number;
  endPos: number;
  /** 0 on success, else the negative errno the syscall returned. */
  result: number;
  /** What the user-space tool printed (insmod/rmmod messages), one line each. */
  output: string[];
}
