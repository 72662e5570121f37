/**
 * The native functions pv_ops holds on the modelled machine (recorded: engine/machine/qemu-pc-kernel-data.ts) that
 * module code reaches through an inlined paravirt call, e.g. inb_p()/outb_p()'s slow_down_io() calling
 * pv_ops.cpu.io_delay() (arch/x86/include/asm/paravirt.h). On the real kernel apply_paravirt() and
 * apply_alternatives() rewrite most such call sites at module load; calling the slot's function does what the
 * rewritten code does. Each leaves every register but rax as it was, as their assembly does.
 */
import type { KernelFunction } from '../types';
import { RAX } from '../cpu';
import { IF } from '../flags';

export function paravirtFunctions(): Record<string, KernelFunction> {
  /** A function that returns without touching rax (`ret`): the caller's rax stays. */
  const keepRax: KernelFunction = (ctx) => ctx.state.gpr[RAX];
  return {
    // arch/x86/kernel/io_delay.c native_io_delay(): io_delay_type is CONFIG_IO_DELAY_0X80 (Debian) and no DMI quirk
    // matches QEMU's PC, so it is `outb %al, $0x80`, which QEMU's ioport80 device ignores (port-io.ts IO_DELAY_PORT).
    native_io_delay: keepRax,
    // arch/x86/kernel/paravirt.c: _paravirt_nop is a bare `ret`; _paravirt_ident_64 returns its argument.
    _paravirt_nop: keepRax,
    _paravirt_ident_64: (ctx) => ctx.arg(0),
    // arch/x86/kernel/irqflags.S native_save_fl: pushf; pop %rax (bit 1 of RFLAGS always reads as one).
    native_save_fl: (ctx) => ctx.state.rflags | 2n,
    // arch/x86/kernel/paravirt.c DEFINE_PARAVIRT_ASM(pv_native_irq_disable, "cli") and (…irq_enable, "sti").
    pv_native_irq_disable: (ctx) => {
      ctx.state.rflags &= ~BigInt(IF);
      return ctx.state.gpr[RAX];
    },
    pv_native_irq_enable: (ctx) => {
      ctx.state.rflags |= BigInt(IF);
      return ctx.state.gpr[RAX];
    },
  };
}
