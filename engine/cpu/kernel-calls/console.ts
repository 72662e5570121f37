/**
 * register_console() / unregister_console() (kernel/printk/printk.c, 6.1) for a struct console in module memory, on
 * the modelled machine: the command line is "console=ttyS0 quiet panic=-1 nokaslr rdinit=/init" (scripts/qemu), so
 * console_cmdline[] holds one entry { "ttyS", index 0, user_specified } and preferred_console is 0; no boot console
 * (no earlycon/earlyprintk), and console_drivers is the 8250's ttyS0 alone (CON_ENABLED | CON_CONSDEV; the VT's
 * console found no match and stayed out).
 *
 * register_console(newcon): already listed → WARN (not modelled). CON_BOOT → "Too late to register bootconsole".
 * preferred_console ≥ 0, so no try_enable_default_console(). try_enable_preferred_console(newcon, true) then (…, false):
 * without ->match the default match is strcmp(c->name, newcon->name) — "ttyS" (a module console named so, or one with
 * ->match, would run ->setup/->match: not modelled); with no match the loop ends on the empty console_cmdline[1],
 * whose user_specified is false, so the second pass accepts a console that is already CON_ENABLED ("pstore and
 * netconsole") and the first does not: err = CON_ENABLED ? 0 : -ENOENT. err or CON_BRL → nothing more. Otherwise,
 * no CON_CONSDEV: it goes in after the head (newcon->next = head->next; head->next = newcon), dropped = 0, and
 * con_printk(KERN_INFO) "printk: %sconsole [%s%d] enabled" ("boot" for CON_BOOT).
 *
 * Not modelled: newcon->seq (syslog_seq with CON_PRINTBUFFER, else prb_next_seq(prb): the model does not number its
 * records), and the console's ->write for the messages printed after it is enabled (console_unlock() calls it for each
 * record; netconsole's write_msg() returns at once while its target_list is empty).
 *
 * unregister_console(con): con_printk "disabled"; CON_BRL → braille_unregister_console (not modelled); unlink it
 * (-ENODEV when not listed), clear CON_ENABLED, and return ->exit(con) when it has one (not modelled), else 0.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { ret, readU64, tryCString, writeU64 } from './mem';
import { printkText } from './printk';
import type { KernelCallState } from './state';

/** struct console (include/linux/console.h, 6.1) offsets. */
export const CONSOLE = { name: 0n, setup: 48n, exit: 56n, match: 64n, flags: 72n, index: 74n, dropped: 96n, next: 112n } as const;
export const CON_PRINTBUFFER = 1;
export const CON_CONSDEV = 2;
export const CON_ENABLED = 4;
export const CON_BOOT = 8;
export const CON_BRL = 32;
const ENODEV = 19;
const LOGLEVEL_INFO = 6;

function readS16(ctx: KernelCallContext, a: bigint): number {
  const b = ctx.mem.read(a, 2, 'read');
  return ((b[0] | (b[1] << 8)) << 16) >> 16;
}
function writeU16(ctx: KernelCallContext, a: bigint, v: number): void {
  ctx.mem.write(a, Uint8Array.of(v & 0xff, (v >> 8) & 0xff));
}

/** con_printk(KERN_INFO, con, fmt): "printk: " is printk.c's pr_fmt. */
function conPrintk(ctx: KernelCallContext, s: KernelCallState, con: bigint, what: string): boolean {
  const name = tryCString(ctx, con + CONSOLE.name, 16);
  if (name === null) return false;
  const flags = readS16(ctx, con + CONSOLE.flags);
  printkText(ctx, s, LOGLEVEL_INFO, `printk: ${flags & CON_BOOT ? 'boot' : ''}console [${name}${readS16(ctx, con + CONSOLE.index)}] ${what}`);
  return true;
}

export function consoleFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** The module consoles after the head (ttyS0, vmlinux's), in list order. */
  const after: bigint[] = [];
  return {
    // void register_console(struct console *newcon)
    register_console: (ctx) => {
      const con = ctx.arg(0);
      if (after.includes(con)) return 'not-modelled'; // WARN "console '%s%d' already registered"
      const name = tryCString(ctx, con + CONSOLE.name, 16);
      if (name === null) return 'not-modelled';
      let flags = readS16(ctx, con + CONSOLE.flags);
      if (flags & CON_BOOT) {
        printkText(ctx, s, LOGLEVEL_INFO, `printk: Too late to register bootconsole ${name}${readS16(ctx, con + CONSOLE.index)}`);
        return 0n;
      }
      if (readU64(ctx.mem, con + CONSOLE.match) !== 0n || name === 'ttyS' || flags & CON_CONSDEV) return 'not-modelled';
      if (!(flags & CON_ENABLED) || flags & CON_BRL) {
        ctx.note(`register_console(${name}): not enabled (no console= match, not pre-enabled): not listed`);
        return 0n;
      }
      const head = after.length ? after[0] : 0n;
      writeU64(ctx.mem, con + CONSOLE.next, head);
      after.unshift(con);
      writeU64(ctx.mem, con + CONSOLE.dropped, 0n);
      flags = readS16(ctx, con + CONSOLE.flags);
      ctx.note(`register_console(${name}): listed after ttyS0 (flags 0x${(flags & 0xffff).toString(16)})`);
      conPrintk(ctx, s, con, 'enabled');
      return 0n;
    },
    // int unregister_console(struct console *console)
    unregister_console: (ctx) => {
      const con = ctx.arg(0);
      const flags = readS16(ctx, con + CONSOLE.flags);
      if (flags & CON_BRL || readU64(ctx.mem, con + CONSOLE.exit) !== 0n) return 'not-modelled';
      if (!conPrintk(ctx, s, con, 'disabled')) return 'not-modelled';
      const i = after.indexOf(con);
      writeU16(ctx, con + CONSOLE.flags, flags & ~CON_ENABLED);
      if (i < 0) return ret(-ENODEV);
      // The one before it (the head, ttyS0, for the first) takes its ->next.
      if (i > 0) writeU64(ctx.mem, after[i - 1] + CONSOLE.next, readU64(ctx.mem, con + CONSOLE.next));
      after.splice(i, 1);
      return 0n;
    },
  };
}
