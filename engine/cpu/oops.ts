/**
 * The kernel's report when module code faults, loops or hits BUG(), laid out line by line as Linux
 * 6.1 prints it on x86-64 (Debian's build: PREEMPT SMP, page-table isolation off under QEMU):
 *   arch/x86/mm/fault.c      page_fault_oops(), show_fault_oops(), dump_pagetable()
 *   arch/x86/kernel/dumpstack.c  __die_header(), __die_body(), show_regs(), show_ip(), show_opcodes(),
 *                             show_iret_regs(), show_trace_log_lvl(), oops_end()
 *   arch/x86/kernel/process_64.c __show_regs()
 *   lib/dump_stack.c         dump_stack_print_info();  kernel/panic.c print_tainted(), print_oops_end_marker()
 *   kernel/module/main.c     print_modules();          kernel/watchdog.c watchdog_timer_fn() (soft lockup)
 * What the model cannot know is a fixed, plausible value and says so here: the machine (QEMU's i440FX
 * PC), CR0/CR3/CR4, insmod's user FS base, and the PID.
 */
import type { ModelKernel } from '../kernel/model';
import { TAINTS } from '../kernel/taint';
import type { CpuSnapshot } from './cpu';
import type { CpuFault } from './types';

const KERN_ALERT = 1;
const KERN_INFO = 6;
/** KERN_DEFAULT and pr_warn: both land at default_message_loglevel 4 on Debian. */
const KERN_DEFAULT = 4;
const KERN_EMERG = 0;
const KERN_CRIT = 2;

/** dmi_setup() → dump_stack_set_arch_desc() on the QEMU machine the scenarios were recorded on. */
export const HARDWARE_NAME = 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014';
/** The Debian package version Debian's version.patch appends to the CPU: line. */
export const DEBIAN_VERSION = '6.1.176-1';
/** Modelled control registers: paging + WP + NE + ET + MP + PE; CR4 as QEMU's TCG CPU shows it. */
const CR0 = 0x80050033n;
const CR3 = 0x000000010a3b6000n;
const CR4 = 0x00000000003706f0n;
/** insmod's TLS base in user space (FS), as glibc sets it. */
const USER_FS = 0x00007f4a1c2e8740n;
/** The PID of the task the model runs module code for. */
export const MODEL_PID = 100;

/** show_opcodes(): 42 bytes before RIP, the byte at RIP in <>, 21 after (OPCODE_BUFSIZE 64). */
const PROLOGUE_SIZE = 42;
const EPILOGUE_SIZE = 21;

/** struct bug_entry (CONFIG_GENERIC_BUG_RELATIVE_POINTERS, CONFIG_DEBUG_BUGVERBOSE): file, line, flags. */
export interface BugEntry {
  file: string | null;
  line: number;
  flags: number;
}
/** include/asm-generic/bug.h */
export const BUGFLAG_WARNING = 1;
export const BUGFLAG_ONCE = 2;
export const BUGFLAG_NO_CUT_HERE = 8;
const CUT_HERE = '------------[ cut here ]------------';

export const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

export interface OopsInput {
  /** What stopped the code: a CPU fault, the instruction budget (soft lockup) or a BUG()/ud2. */
  cause:
    | { kind: 'fault'; fault: CpuFault }
    | { kind: 'lockup'; seconds: number }
    | { kind: 'invalid-opcode' }
    /** WARN(): execution goes on after the report. */
    | { kind: 'warn'; bug: BugEntry };
  /** The __bug_table entry of a BUG() (a ud2 that faulted), for "kernel BUG at file:line!". */
  bug?: BugEntry | null;
  /** current->comm: insmod, rmmod, or the shell writing a sysfs file. */
  comm: string;
  /** Registers when it stopped; rip is the faulting instruction. */
  regs: CpuSnapshot;
  rip: bigint;
  /** Bytes of modelled memory, or null where nothing is mapped (copy_from_kernel_nofault()). */
  read: (address: bigint, length: number) => Uint8Array | null;
  /** The kernel stack the code ran on: [base, top). */
  stack: { base: bigint; top: bigint };
  /** sprint_symbol() / %pS: "name+0xoff/0xsize [mod]", or null for an unknown address. */
  symbolize: (address: bigint) => string | null;
  /** True for addresses inside module text (frames the unwinder would report). */
  isModuleText: (address: bigint) => boolean;
  /** The syscall insmod used (its frame names the trace's tail). */
  syscall: 'finit_module' | 'init_module' | 'delete_module' | 'sysfs-write' | 'sysfs-read';
}

/** print_tainted() (6.1): "Not tainted", or "Tainted: " and one character per flag (taint_flags[]). */
export function printTainted(mask: number): string {
  if (mask === 0) return 'Not tainted';
  return 'Tainted: ' + TAINTS.map((t) => (mask & (1 << t.bit) ? t.letter : t.clear)).join('');
}

/** module_flags(mod, buf, show_state=true): "(OE+)" for a tainted module still in COMING. */
function moduleFlags(letters: string, state: string): string {
  const st = state === 'COMING' ? '+' : state === 'GOING' ? '-' : '';
  return letters || st ? `(${letters}${st})` : '';
}

/** %ph: bytes as two hex digits separated by spaces. */
const ph = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Print the report into the kernel log at pos. Returns the lines (without levels) for notes and tests.
 * The caller sets TAINT_DIE afterwards (oops_end() adds it after the report is out).
 */
export function printOops(k: ModelKernel, o: OopsInput, moduleTaints: (name: string) => string, pos: number): string[] {
  const lines: string[] = [];
  const say = (level: number, text: string): void => {
    k.printkAt(level, text, pos);
    lines.push(text);
  };
  const r = o.regs.regs;
  const fault = o.cause.kind === 'fault' ? o.cause.fault : null;
  // The exception frame: RF set in the saved flags of a fault, IF set (init runs with interrupts on).
  const eflags = BigInt.asUintN(64, o.regs.rflags) | 0x202n | (o.cause.kind === 'lockup' ? 0n : 0x10000n);

  const showRegs = (): void => {
    // show_ip(): RIP with its symbol, then the code bytes around it.
    say(KERN_DEFAULT, `RIP: 0010:${o.symbolize(o.rip) ?? '0x' + o.rip.toString(16)}`);
    const start = o.rip - BigInt(PROLOGUE_SIZE);
    const code = o.read(start, PROLOGUE_SIZE + 1 + EPILOGUE_SIZE);
    if (code)
      say(
        KERN_DEFAULT,
        `Code: ${ph(code.subarray(0, PROLOGUE_SIZE))} <${code[PROLOGUE_SIZE].toString(16).padStart(2, '0')}> ${ph(code.subarray(PROLOGUE_SIZE + 1))}`,
      );
    else say(KERN_DEFAULT, `Code: Unable to access opcode bytes at 0x${BigInt.asUintN(64, start).toString(16)}.`);
    // show_iret_regs(); orig_ax is -1 after an exception entry, so no ORIG_RAX.
    say(KERN_DEFAULT, `RSP: 0018:${hex16(r.rsp)} EFLAGS: ${eflags.toString(16).padStart(8, '0')}`);
    say(KERN_DEFAULT, `RAX: ${hex16(r.rax)} RBX: ${hex16(r.rbx)} RCX: ${hex16(r.rcx)}`);
    say(KERN_DEFAULT, `RDX: ${hex16(r.rdx)} RSI: ${hex16(r.rsi)} RDI: ${hex16(r.rdi)}`);
    say(KERN_DEFAULT, `RBP: ${hex16(r.rbp)} R08: ${hex16(r.r8)} R09: ${hex16(r.r9)}`);
    say(KERN_DEFAULT, `R10: ${hex16(r.r10)} R11: ${hex16(r.r11)} R12: ${hex16(r.r12)}`);
    say(KERN_DEFAULT, `R13: ${hex16(r.r13)} R14: ${hex16(r.r14)} R15: ${hex16(r.r15)}`);
    say(KERN_DEFAULT, `FS:  ${hex16(USER_FS)}(0000) GS:${hex16(o.regs.gsBase)}(0000) knlGS:0000000000000000`);
    say(KERN_DEFAULT, `CS:  0010 DS: 0000 ES: 0000 CR0: ${hex16(CR0)}`);
    // CR2 holds the address of the last page fault; the model has none before this one.
    const cr2 = (fault && faultReport(fault, o.rip).cr2) ?? 0n;
    say(KERN_DEFAULT, `CR2: ${hex16(cr2)} CR3: ${hex16(CR3)} CR4: ${hex16(CR4)}`);
  };

  const callTrace = (): void => {
    // show_trace_log_lvl() with the ORC unwinder: the module's own callers (return addresses on the
    // stack right after a call), then the kernel's path into init/exit. vmlinux is stripped in the
    // profile, so the kernel frames carry their names without offsets.
    say(KERN_DEFAULT, 'Call Trace:');
    say(KERN_DEFAULT, ' <TASK>');
    for (let a = r.rsp & ~7n; a + 8n <= o.stack.top; a += 8n) {
      const w = o.read(a, 8);
      if (!w) break;
      let v = 0n;
      for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(w[i]);
      if (!o.isModuleText(v)) continue;
      const call = o.read(v - 5n, 1);
      if (!call || call[0] !== 0xe8) continue;
      say(KERN_DEFAULT, ` ${o.symbolize(v) ?? '0x' + v.toString(16)}`);
    }
    const tail =
      o.syscall === 'delete_module'
        ? ['__do_sys_delete_module', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe']
        : o.syscall === 'sysfs-write'
          ? [
              'param_attr_store',
              'module_attr_store',
              'kernfs_fop_write_iter',
              'vfs_write',
              'ksys_write',
              'do_syscall_64',
              'entry_SYSCALL_64_after_hwframe',
            ]
          : o.syscall === 'sysfs-read'
            ? [
                'param_attr_show',
                'module_attr_show',
                'sysfs_kf_seq_show',
                'seq_read_iter',
                'vfs_read',
                'ksys_read',
                'do_syscall_64',
                'entry_SYSCALL_64_after_hwframe',
              ]
            : [
                'do_one_initcall',
                'do_init_module',
                o.syscall === 'finit_module' ? '__do_sys_finit_module' : '__do_sys_init_module',
                'do_syscall_64',
                'entry_SYSCALL_64_after_hwframe',
              ];
    for (const f of tail) say(KERN_DEFAULT, ` ${f}`);
    say(KERN_DEFAULT, ' </TASK>');
  };

  const printModules = (): void => {
    let s = 'Modules linked in:';
    for (const m of k.modules) if (m.state !== 'UNFORMED') s += ` ${m.name}${moduleFlags(moduleTaints(m.name), m.state)}`;
    if (k.lastUnloaded) s += ` [last unloaded: ${k.lastUnloaded}]`;
    say(KERN_DEFAULT, s);
  };

  const cpuLine = (): void => {
    say(KERN_DEFAULT, `CPU: 0 PID: ${MODEL_PID} Comm: ${o.comm} ${printTainted(k.taints)} ${k.profile.release} #1  Debian ${DEBIAN_VERSION}`);
    say(KERN_DEFAULT, `Hardware name: ${HARDWARE_NAME}`);
  };

  if (o.cause.kind === 'warn') {
    // report_bug() → __warn() (kernel/panic.c): the registers, but no "Oops" and no kill; taint W.
    const b = o.cause.bug;
    if (!(b.flags & BUGFLAG_NO_CUT_HERE)) say(KERN_DEFAULT, CUT_HERE);
    const where = o.symbolize(o.rip) ?? '0x' + o.rip.toString(16);
    say(KERN_DEFAULT, b.file ? `WARNING: CPU: 0 PID: ${MODEL_PID} at ${b.file}:${b.line} ${where}` : `WARNING: CPU: 0 PID: ${MODEL_PID} at ${where}`);
    printModules();
    cpuLine();
    showRegs();
    callTrace();
    say(KERN_DEFAULT, '---[ end trace 0000000000000000 ]---');
    return lines;
  }

  if (o.cause.kind === 'lockup') {
    // watchdog_timer_fn(): pr_emerg, print_modules(), then show_regs() of the interrupted task; the
    // task goes on spinning (insmod never returns), the kernel taints L.
    say(KERN_EMERG, `watchdog: BUG: soft lockup - CPU#0 stuck for ${o.cause.seconds}s! [${o.comm}:${MODEL_PID}]`);
    printModules();
    cpuLine();
    showRegs();
    callTrace();
    return lines;
  }

  // die(): __die_header() — the header differs by exception.
  const report = fault ? faultReport(fault, o.rip) : null;
  const header = report?.header ?? 'invalid opcode';
  const errorCode = report?.errorCode ?? 0;
  for (const l of report?.lines ?? []) say(l.level, l.text);
  if (fault?.kind === 'stack-overflow') {
    // handle_stack_overflow() (arch/x86/kernel/traps.c) on the guard page below the stack.
    say(KERN_EMERG, `BUG: stack guard page was hit at ${hex16(fault.address)} (stack is ${hex16(o.stack.base)}..${hex16(o.stack.top - 1n)})`);
  } else if (!fault || fault.kind === 'invalid-opcode') {
    // A ud2: report_bug() names the BUG() site from the module's __bug_table, then die("invalid opcode").
    if (o.bug) {
      if (!(o.bug.flags & BUGFLAG_NO_CUT_HERE)) say(KERN_DEFAULT, CUT_HERE);
      say(
        KERN_CRIT,
        o.bug.file
          ? `kernel BUG at ${o.bug.file}:${o.bug.line}!`
          : `Kernel BUG at ${o.symbolize(o.rip) ?? '0x' + o.rip.toString(16)} [verbose debug info unavailable]`,
      );
    }
  }
  say(KERN_DEFAULT, `${header}: ${errorCode.toString(16).padStart(4, '0')} [#1] PREEMPT SMP NOPTI`);
  // __die_body(): show_regs() (CPU line, registers, call trace), then print_modules().
  cpuLine();
  showRegs();
  callTrace();
  printModules();
  // page_fault_oops(): the executive summary line, then oops_end(): the end marker and the first
  // oops' registers again in case the body scrolled away.
  if (report?.cr2 !== null && report?.cr2 !== undefined) say(KERN_DEFAULT, `CR2: ${hex16(report.cr2)}`);
  say(KERN_DEFAULT, '---[ end trace 0000000000000000 ]---');
  showRegs();
  return lines;
}

/** The exception a faulting instruction raised, as the oops reports it. */
export interface FaultReport {
  /** The exception vector: #PF page fault, #GP general protection, #DE divide error, #UD invalid opcode, #DF double fault. */
  vector: '#PF' | '#GP' | '#DE' | '#UD' | '#DF';
  /** CR2, the linear address of a page fault (null for the other exceptions). */
  cr2: bigint | null;
  /** The error code the CPU pushed: a page fault's X86_PF_* bits; 0 for the others as die() prints it. */
  errorCode: number;
  /** What the kernel prints about the fault before the "Oops:" line (page faults: BUG:, #PF: and PGD lines), with levels. */
  lines: { level: number; text: string }[];
  /** __die_header()'s string: "Oops" (page fault), "general protection fault", "divide error", … */
  header: string;
}

/**
 * The fault a module instruction at rip raised, named as 6.1 names it: page_fault_oops() / show_fault_oops() and
 * dump_pagetable() (arch/x86/mm/fault.c) for a page fault, exc_general_protection() / exc_divide_error() /
 * handle_stack_overflow() (arch/x86/kernel/traps.c) for the others.
 */
export function faultReport(fault: CpuFault, rip: bigint): FaultReport {
  if (fault.kind === 'not-present' || fault.kind === 'read-only' || fault.kind === 'not-executable') {
    const lines: FaultReport['lines'] = [];
    // X86_PF_PROT 1, X86_PF_WRITE 2, X86_PF_INSTR 16
    const fetch = fault.kind === 'not-executable' || (!fault.write && fault.address === rip);
    const errorCode = (fault.kind === 'not-present' ? 0 : 1) | (fault.write ? 2 : 0) | (fetch ? 16 : 0);
    const a = fault.address;
    if (fetch && fault.kind === 'not-executable')
      lines.push({ level: KERN_CRIT, text: 'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)' });
    lines.push({
      level: KERN_ALERT,
      text: a < 4096n ? `BUG: kernel NULL pointer dereference, address: ${hex16(a)}` : `BUG: unable to handle page fault for address: ${hex16(a)}`,
    });
    lines.push({
      level: KERN_ALERT,
      text: `#PF: supervisor ${fetch ? 'instruction fetch' : fault.write ? 'write access' : 'read access'} in kernel mode`,
    });
    lines.push({
      level: KERN_ALERT,
      text: `#PF: error_code(0x${errorCode.toString(16).padStart(4, '0')}) - ${errorCode & 1 ? 'permissions violation' : 'not-present page'}`,
    });
    // dump_pagetable(): a user-half address has no PGD entry in the kernel's page tables (P4D is
    // folded into the PGD with 4-level paging). The model keeps no page tables for the kernel half.
    if (a < 0x0000800000000000n) lines.push({ level: KERN_INFO, text: 'PGD 0 P4D 0 ' });
    return { vector: '#PF', cr2: a, errorCode, lines, header: 'Oops' };
  }
  if (fault.kind === 'general-protection') {
    const header =
      fault.address >= 0x0000800000000000n && fault.address < 0xffff800000000000n
        ? `general protection fault, probably for non-canonical address 0x${fault.address.toString(16)}`
        : 'general protection fault';
    return { vector: '#GP', cr2: null, errorCode: 0, lines: [], header };
  }
  if (fault.kind === 'divide-error') return { vector: '#DE', cr2: null, errorCode: 0, lines: [], header: 'divide error' };
  if (fault.kind === 'stack-overflow') return { vector: '#DF', cr2: null, errorCode: 0, lines: [], header: 'kernel stack overflow (double-fault)' };
  return { vector: '#UD', cr2: null, errorCode: 0, lines: [], header: 'invalid opcode' };
}
