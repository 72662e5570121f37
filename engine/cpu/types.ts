/**
 * The contract between the x86-64 interpreter (engine/cpu), the decoder the host supplies
 * (iced-x86 in Node/Electron main/the browser worker: the engine itself imports no decoder), and the
 * models of kernel functions a module calls. Plain data; 64-bit values are bigint.
 */

/** Register names as iced-x86 formats them, lower case: rax eax ax al ah r8 r8d r8w r8b … rip. */
export type RegName = string;

export type Operand =
  | { kind: 'reg'; reg: RegName; size: 1 | 2 | 4 | 8 | 16 }
  | { kind: 'imm'; value: bigint; size: 1 | 2 | 4 | 8 }
  /** Effective address = base + index*scale + disp (rip-relative: base 'rip', disp already the final address when ripRelative). */
  | {
      kind: 'mem';
      size: number;
      base: RegName | null;
      index: RegName | null;
      scale: 1 | 2 | 4 | 8;
      disp: bigint;
      segment: 'gs' | 'fs' | null;
      ripRelative: boolean;
    }
  /** Near branch target (call/jmp/jcc/loop), absolute. */
  | { kind: 'branch'; target: bigint };

export interface Instruction {
  ip: bigint;
  length: number;
  /** iced-x86 Mnemonic name, lower case: "mov", "movzx", "call", "je", "rep stosb" is mnemonic "stosb" with rep. */
  mnemonic: string;
  operands: Operand[];
  rep: boolean;
  repne: boolean;
  lock: boolean;
  /** GNU-assembler (AT&T) text as objdump prints it, e.g. "mov    %rdi,%rbx". */
  text: string;
  /** Flow: 'next' | 'call' | 'ret' | 'jmp' | 'jcc' | 'indirect-call' | 'indirect-jmp' | 'interrupt' | 'exception'. */
  flow: string;
}

export interface Decoder {
  /** Decode one instruction at ip from bytes (which start at ip). null when the bytes are not a valid instruction. */
  decode(bytes: Uint8Array, ip: bigint): Instruction | null;
}

/** Memory the CPU reads and writes: the modelled address space with permissions. */
export interface CpuMemory {
  /** Throws CpuFault when unmapped (or, for write, read-only / for fetch, not executable). */
  read(address: bigint, length: number, why: 'read' | 'fetch'): Uint8Array;
  write(address: bigint, bytes: Uint8Array): void;
  /**
   * Optional: the bytes backing the mapping around address, where plain reads (and writes, when writable) do exactly
   * what read() / write() would, valid while the mappings do not change (the CPU drops it at each kernel call).
   */
  span?(address: bigint): MemorySpan | null;
  /**
   * Optional: map device memory into the kernel's vmalloc space (an ioremap() model: ioremap.ts): reads and writes of the
   * returned range go to these bytes (the physical memory's, kept by the model) until unmapIo(); null when no room.
   */
  mapIo?(bytes: Uint8Array, label: string): bigint | null;
  /** Optional: undo mapIo() (iounmap()); false when nothing was mapped there. */
  unmapIo?(address: bigint): boolean;
}

/** A run of directly addressable memory (CpuMemory.span). */
export interface MemorySpan {
  base: bigint;
  bytes: Uint8Array;
  writable: boolean;
}

export class CpuFault extends Error {
  constructor(
    readonly kind: 'not-present' | 'read-only' | 'not-executable' | 'general-protection' | 'invalid-opcode' | 'divide-error' | 'stack-overflow',
    readonly address: bigint,
    readonly write: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'CpuFault';
  }
}

/** The architectural state the interpreter keeps (64-bit general registers, rip, rflags). */
export interface CpuState {
  /** rax rcx rdx rbx rsp rbp rsi rdi r8 … r15, in that (encoding) order. */
  gpr: BigUint64Array;
  rip: bigint;
  /** Only CF PF AF ZF SF IF DF OF are modelled. */
  rflags: bigint;
  /** gs base: the per-CPU offset of CPU 0 (this_cpu accesses use %gs:). */
  gsBase: bigint;
  /** xmm0..xmm15, 16 bytes each, little endian. */
  readonly xmm: Uint8Array;
}

/**
 * A model of a kernel function, called when execution reaches a vmlinux address.
 * Arguments come from rdi, rsi, rdx, rcx, r8, r9 then the stack (System V); the returned value goes to rax.
 */
export interface KernelCallContext {
  state: CpuState;
  mem: CpuMemory;
  /** n-th integer argument (0-based), stack arguments included. */
  arg(n: number): bigint;
  /** Read a NUL-terminated string (kernel strings: bytes, shown as latin1/UTF-8). */
  cstring(address: bigint, max?: number): string;
  /** The kernel's log (printk lands here): level 0..7, or 'c' for KERN_CONT; text without prefix. */
  printk(level: number | 'cont' | 'default', text: string): void;
  kmalloc(size: number, zero: boolean, why: string): bigint;
  kfree(address: bigint): void;
  /** Symbolise an address (kernel export or module symbol) for %pS and oops lines. */
  symbolize(address: bigint): string | null;
  /** Record something the model did ("registered char device 240 'hello'"). */
  note(text: string): void;
  /**
   * The reference count of the module whose struct module is at address (THIS_MODULE):
   * 'get' is try_module_get() (fails once the module is GOING), 'get-always' __module_get(),
   * 'put' module_put(). null: no loaded module there (the model then answers as for a built-in).
   */
  moduleRef(address: bigint, op: 'get' | 'get-always' | 'put'): boolean | null;
  /**
   * Call the function at address (module code, or a kernel function with its model) with integer arguments as the
   * kernel would (System V: rdi rsi rdx rcx r8 r9, then the stack) on the same CPU and stack, and return its rax.
   * Throws when it does not return (a fault, an unsupported instruction, the budget): the run ends as it did, so a
   * model never catches what this throws (nested-call.ts).
   */
  callModule(address: bigint, ...args: bigint[]): bigint;
  /**
   * jump_label_update(key) (kernel/jump_label.c) over module text: after a model changed a static key's enabled count
   * between 0 and non-zero, every loaded module's site of that key becomes NOP or JMP to match its new state; the CPU forgets code it
   * decoded. The number of sites rewritten; absent where the run has no loaded modules (2.4, unit contexts).
   */
  jumpLabelUpdate?(key: bigint, enabled: boolean): number;
  /**
   * Switch the CPU to a task (a kthread's first run, or its return from where it slept) until it sleeps again or exits,
   * then back to the caller's registers and stack (task-switch.ts). Absent where a run cannot switch tasks.
   */
  switchTo?(to: TaskStart): TaskRunEnd;
}

export type KernelFunction = (ctx: KernelCallContext) => bigint | 'not-modelled';

/**
 * A task's CPU state while it is switched out (switch_to(), arch/x86/kernel/process_64.c): its registers (rsp inside its
 * own kernel stack, at the return address of the kernel function it slept in), flags, and its stack's bounds.
 */
export interface TaskCpu {
  gpr: BigUint64Array;
  rflags: bigint;
  stackLow: bigint;
  stackHigh: bigint;
}
/** Where the CPU goes for a task (task-switch.ts): its first run (fn(arg) on its own stack), or back into the function it slept in. */
export type TaskStart =
  | { kind: 'start'; fn: bigint; arg: bigint; stackLow: bigint; stackHigh: bigint }
  | { kind: 'resume'; cpu: TaskCpu; /** What the function it slept in returns. */ rax: bigint };
/**
 * How a task's turn on the CPU ended: it slept again (cpu: its state, null when it slept inside a module callback a kernel
 * model was running, which the model cannot resume), its function returned (kthread_exit(ret)), or it faulted (the end).
 */
export type TaskRunEnd =
  | { kind: 'slept'; cpu: TaskCpu | null }
  | { kind: 'exited'; ret: bigint }
  | { kind: 'faulted'; message: string };

/**
 * Thrown by a kernel model when the task running on the CPU (a kthread, task-switch.ts) goes to sleep: schedule() with
 * the task not TASK_RUNNING, a wait on a completion not yet done. The CPU leaves the task there, its registers saved.
 */
export class TaskSleeps extends Error {
  /** Set when it slept inside module code a kernel model had called (ctx.callModule): no resuming it. */
  nested = false;
  constructor(readonly where: string) {
    super(`the running task sleeps in ${where}`);
    this.name = 'TaskSleeps';
  }
}
