/**
 * The load trace as hosts see it: plain data. One timeline position per step; a block step
 * (every symbol in simplify_symbols, every relocation in apply_relocations) spans one position
 * per item, described on demand.
 */
import type { Hex64 } from '../base/hex';
import type { RelocRule } from '../elf/x86-64-relocations';

/** Which modelled kernel: Debian 12's 6.1 (load_module in the kernel) or the 2.4 model (insmod links in user space). */
export type KernelVersion = '6.1' | '2.4';

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

/** Who runs a step, for swimlanes: the user-space tool, the syscall boundary, or the kernel. */
export type Side = 'user' | 'syscall' | 'kernel';

/**
 * What a step achieves, the same words for 2.4 and 6.1 so a comparison can align them:
 * read the file, check it, reserve memory, resolve symbols, relocate, set parameters, copy the
 * image, call init; 'link' (module list, exports, sysfs), 'unload' and 'result' for the rest.
 */
export type Stage = 'read' | 'check' | 'reserve' | 'symbols' | 'relocate' | 'params' | 'copy' | 'link' | 'init' | 'unload' | 'result';

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
  /** Comparison lanes: what the step achieves and who runs it (set by the 2.4 and 6.1 load paths). */
  stage?: Stage;
  side?: Side;
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
  /** The relocation table's row for this type (engine/elf/x86-64-relocations.ts); null for a type it does not handle. */
  rule: Pick<RelocRule, 'width' | 'pcRelative' | 'check'> | null;
  value: Hex64;
  width: number;
  before: string;
  after: string;
  status: 'applied' | 'none' | 'nonzero-target' | 'overflow' | 'unknown-type' | 'out-of-bounds' | 'not-reached';
  message: string | null;
  /** The instruction containing P, before and after this relocation (when P is in a text section and the host has a decoder). */
  instruction?: PatchedInstruction | null;
  /** What the relocation points at (S + A, or the patched instruction's operand), named: "_printk", ".rodata.str1.1+0x8 \"…\"". */
  target?: { address: Hex64; name: string | null } | null;
  /** The timeline positions of this .rela section's items (contiguous in the block): the first and how many. */
  sectionItems?: { first: number; count: number } | null;
  /** The memory around P (8-byte rows, 16 bytes of context each side) before and after this relocation; null = unmapped bytes. */
  memory?: { start: Hex64; before: (number | null)[]; after: (number | null)[] } | null;
  /**
   * Where the bytes are written when that is not P: 2.4's insmod relocates its own image in user
   * space for the final address P (modutils obj_relocate()); init_module() copies it there later.
   * The memory window and the patched instruction are read here.
   */
  writtenAt?: { address: Hex64; where: string } | null;
}

/** The instruction a relocation patches, decoded from the modelled memory before and after it. */
export interface PatchedInstruction {
  address: Hex64;
  /** sprint_symbol() form: "hello_init+0x1c/0x58 [hello]". */
  where: string | null;
  /** P − address: where the patched field starts inside the instruction. */
  patchOffset: number;
  width: number;
  before: DisasmRow;
  after: DisasmRow;
  /** false when decoding started mid-function (a very long function): boundaries are the decoder's resynchronised guess. */
  fromFunctionStart: boolean;
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
  status:
    | 'resolved'
    | 'relative'
    | 'absolute'
    | 'weak-unresolved'
    | 'unknown'
    | 'bad-crc'
    | 'no-version'
    | 'namespace'
    | 'common'
    | 'skipped'
    | 'not-reached';
  /** For an undefined symbol: the export that satisfies it (or would, for a rejected one); null when nobody exports it. */
  export?: SymbolExport | null;
  /** resolve_symbol()'s licence rule: a GPL-only export needs a module whose licence is GPL-compatible. */
  licence?: { moduleGplCompatible: boolean; ok: boolean; text: string } | null;
}

export interface SymbolExport {
  /** "vmlinux" or the exporting module's name. */
  owner: string;
  address: Hex64;
  gplOnly: boolean;
  namespace: string | null;
  crc: Hex64 | null;
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
  /** The frames active at this instruction, innermost first (a kernel model reached is the innermost). */
  stack: StackFrame[];
  /** Item indices (in this block) to jump to: per basic block, over calls, out of the frame. */
  nav: InstructionNav;
  /** The disassembly around rip, decoded from the modelled memory at this position (empty without a decoder). */
  around: DisasmRow[];
  /** The kernel stack from rsp (16-byte aligned) up to the outermost return address, before the instruction ran. */
  stackMemory: { address: Hex64; bytes: number[] };
  /** The instruction raised an exception and did not complete: the last step of a run that faulted. Null otherwise. */
  fault: InstructionFault | null;
}

/** The exception a faulting instruction raised, as the oops names it (arch/x86/mm/fault.c, arch/x86/kernel/traps.c). */
export interface InstructionFault {
  /** #PF page fault, #GP general protection, #DE divide error, #UD invalid opcode, #DF double fault (stack overflow). */
  vector: '#PF' | '#GP' | '#DE' | '#UD' | '#DF';
  /** CR2: the address a page fault was for (null for other exceptions). */
  cr2: Hex64 | null;
  /** The error code: a page fault's X86_PF_* bits (PROT 1, WRITE 2, USER 4, INSTR 16), as "Oops: 0000" prints it. */
  errorCode: number;
  /** The kernel's lines naming it, e.g. "BUG: kernel NULL pointer dereference, address: …", "#PF: supervisor read access in kernel mode". */
  lines: string[];
  /** What the modelled memory said ("read of 4 byte(s) at 0x0: NULL pointer dereference"). */
  message: string;
}

export interface StackFrame {
  /** sprint_symbol() form of the frame's pc: "hello_init+0x1c/0x58 [hello]", or the kernel function's name. */
  function: string;
  /** Where the frame is executing (the current rip innermost, the return address in outer frames; a model's entry when known). */
  pc: Hex64 | null;
  /** The address it returns to (null for the outermost frame, which returns into the kernel). */
  returnAddress: Hex64 | null;
  /** Where that is: "do_one_initcall" for the outermost frame. */
  returnTo: string | null;
  /** rsp at the frame's entry (pointing at the return address). */
  rsp: Hex64;
  /** A kernel function model (the call this instruction reached), not module code. */
  kernel: boolean;
  /** Item index of the frame's first instruction (null for a kernel model). */
  entryItem: number | null;
}

export interface InstructionNav {
  prevBlock: number | null;
  nextBlock: number | null;
  /** The next instruction in this frame or an outer one (a call to the module's own code is skipped). */
  stepOver: number | null;
  stepBackOver: number | null;
  /** The first instruction after this frame returned. */
  stepOut: number | null;
}

export interface DisasmRow {
  address: Hex64;
  /** The instruction's bytes, "e8 00 00 00 00". */
  bytes: string;
  /** AT&T text with targets symbolised: "call   0xffffffff81… <_printk>". */
  text: string;
  current: boolean;
  /** A symbol starting at this address ("hello_init"), shown as a label row. */
  label: string | null;
  /** The branch/call target or rip-relative operand address and its symbol, if any. */
  target: { address: Hex64; symbol: string | null } | null;
}

export type ItemDetail = RelocationDetail | SymbolDetail | InstructionDetail;

/**
 * How an operation's syscall ended: it returned (result is 0 or -errno), the task was killed inside it
 * (an oops or lockup in init: SIGKILL, the shell's exit status 137, no return value), or the run reached
 * a kernel function without a model and Modscope cannot say how it ends.
 */
export type OpEnd =
  | { kind: 'returned' }
  | { kind: 'killed'; signal: 'SIGKILL'; exitStatus: 137 }
  | {
      kind: 'unknown';
      after: string;
      /** The sentence every view shows: "Modscope cannot say what Linux does after X() (not modelled)". */ reason: string;
    };

export interface OperationInfo {
  index: number;
  command: string;
  startPos: number;
  endPos: number;
  /** 0 on success, else the negative errno the syscall returned; null when it never returned (see end). */
  result: number | null;
  /** How it ended (absent while the operation runs, and on old traces: returned). */
  end?: OpEnd;
  /** What the user-space tool printed (insmod/rmmod messages), one line each. */
  output: string[];
}
