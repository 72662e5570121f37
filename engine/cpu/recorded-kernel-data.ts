/**
 * vmlinux data the real kernel has on the modelled machine and module code reads, laid out from the record
 * scripts/qemu/kernel-data.mjs made under QEMU (engine/machine/qemu-pc-kernel-data.ts): fg_console (the
 * foreground virtual console, drivers/tty/vt/vt.c), phys_base (arch/x86/kernel/head64.c: 0 when the kernel runs
 * where it was linked), pv_ops (arch/x86/kernel/paravirt.c: each slot the native function, which an inlined
 * paravirt call such as slow_down_io()'s pv_ops.cpu.io_delay() calls through), init_uts_ns (uname's strings,
 * kernel/utsname.c) and init_nsproxy (kernel/nsproxy.c, the namespaces of every task here) with
 * init_task.nsproxy pointing at it, and init_net's passive and ns.count refcounts (net/core/net_namespace.c:
 * get_net() on a zero ns.count is a use after free, refcount_warn_saturate()). Pointers are placed by symbol, so
 * they follow the modelled kernel's addresses; words holding heap pointers the model does not have
 * (init_nsproxy.mnt_ns) are not laid out and read as unknown.
 */
import { KERNEL_DATA } from '../machine/qemu-pc-kernel-data';

export interface KernelDataTarget {
  /** Where a vmlinux symbol (an export or any kallsyms name) is in this boot, or null. */
  address(name: string): bigint | null;
  /** This boot's KASLR slide: a recorded pointer (a link address, the record's boot was nokaslr) plus it. */
  slide: bigint;
  /** Lay known bytes out at a vmlinux data address. */
  seed(address: bigint, bytes: Uint8Array): void;
}

function le(v: bigint, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Lays out every recorded value whose symbol the target knows. */
export function seedRecordedKernelData(t: KernelDataTarget): void {
  const at = (name: string, off: number, bytes: Uint8Array): void => {
    const a = t.address(name);
    if (a !== null) t.seed(a + BigInt(off), bytes);
  };
  const pointer = (link: string): Uint8Array => le(BigInt(link) + t.slide, 8);
  at('fg_console', 0, le(BigInt(KERNEL_DATA.fgConsole), 4));
  at('phys_base', 0, le(BigInt(KERNEL_DATA.physBase), 8));
  for (const [off, , , fn] of KERNEL_DATA.pvOps) at('pv_ops', off, pointer(fn));
  const uts = hexBytes(KERNEL_DATA.utsBytes.join('')).subarray(0, KERNEL_DATA.utsSize);
  for (const [off] of KERNEL_DATA.utsPointers) uts.set(pointer(`0x${u64At(uts, off).toString(16)}`), off);
  at('init_uts_ns', 0, uts);
  for (const [off, sym, v] of KERNEL_DATA.nsproxy) at(KERNEL_DATA.nsproxySymbol, off, sym === '' ? le(BigInt(v), 8) : pointer(v));
  for (const [off, v] of KERNEL_DATA.initNetRefs) at('init_net', off, le(BigInt(v), 4));
  const nsproxy = t.address(KERNEL_DATA.nsproxySymbol);
  if (nsproxy !== null) at('init_task', KERNEL_DATA.taskNsproxy, le(nsproxy, 8));
}

function u64At(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}
