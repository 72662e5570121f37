/**
 * vmlinux data the real kernel has on the modelled machine and module code reads, laid out from the record
 * scripts/qemu/kernel-data.mjs made under QEMU (engine/machine/qemu-pc-kernel-data.ts): fg_console (the
 * foreground virtual console, drivers/tty/vt/vt.c), phys_base (arch/x86/kernel/head64.c: 0 when the kernel runs
 * where it was linked), pv_ops (arch/x86/kernel/paravirt.c: each slot the native function, which an inlined
 * paravirt call such as slow_down_io()'s pv_ops.cpu.io_delay() calls through), init_uts_ns (uname's strings,
 * kernel/utsname.c) and init_nsproxy (kernel/nsproxy.c, the namespaces of every task here) with
 * init_task.nsproxy pointing at it, init_net's passive and ns.count refcounts (net/core/net_namespace.c: get_net()
 * on a zero ns.count is a use after free, refcount_warn_saturate()), its user_ns and gen (the pernet data's slots), and vc_cons[] (drivers/tty/vt/vt.c: each
 * console's struct vc_data, which con_init() and vc_allocate() kzalloc; on the machine only console 0, on vga_con)
 * with the screen word at each cursor. Pointers are placed by symbol, so they follow the modelled kernel's addresses;
 * words holding heap pointers the model does not have (init_nsproxy.mnt_ns) are not laid out and read as unknown.
 */
import { KERNEL_DATA } from '../machine/qemu-pc-kernel-data';

export interface KernelDataTarget {
  /** Where a vmlinux symbol (an export or any kallsyms name) is in this boot, or null. */
  address(name: string): bigint | null;
  /** This boot's KASLR slide: a recorded pointer (a link address, the record's boot was nokaslr) plus it. */
  slide: bigint;
  /** Lay known bytes out at a vmlinux data address. */
  seed(address: bigint, bytes: Uint8Array): void;
  /** Where the model keeps the recorded consoles' heap objects (0x2000 bytes a console: its vc_data, then its screen). */
  consoleArea: bigint | null;
  /** Where the model keeps init_net.gen, the boot's struct net_generic (a heap object on the machine), or null. */
  netGenericArea?: bigint | null;
}

/** Heap (direct-map) addresses of the real boot: a word holding one points at an object the model may not have. */
const HEAP = 0xffff800000000000n;
const CONSOLE_STRIDE = 0x2000n;
const SCREEN_OFFSET = 0x400n;

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
  // init_net.user_ns: &init_user_ns (net_ns_init(): setup_net(&init_net, &init_user_ns)).
  at('init_net', KERNEL_DATA.pernet.netUserNs[0], pointer(KERNEL_DATA.pernet.netUserNs[2]));
  const nsproxy = t.address(KERNEL_DATA.nsproxySymbol);
  if (nsproxy !== null) at('init_task', KERNEL_DATA.taskNsproxy, le(nsproxy, 8));
  seedConsoles(t, pointer);
  seedNetGeneric(t);
}

/**
 * init_net.gen (net/core/net_namespace.c net_alloc_generic()/net_assign_generic()): a struct net_generic of the recorded
 * length, s.len at its start; of its ptr[] slots (from MIN_PERNET_OPS_ID = 3) the NULL ones are laid out, the ones
 * holding the built-in subsystems' data (heap pointers the model does not have) are left out and read as unknown.
 */
function seedNetGeneric(t: KernelDataTarget): void {
  const p = KERNEL_DATA.pernet;
  const area = t.netGenericArea ?? null;
  const net = t.address('init_net');
  if (area === null || net === null || p.slots.length !== p.genLen) return;
  t.seed(area, le(BigInt(p.genLen), 4));
  [...p.slots].forEach((c, i) => {
    if (c === '.') t.seed(area + BigInt(8 * i), le(0n, 8));
  });
  t.seed(net + BigInt(p.netGen), le(area, 8));
}

/**
 * vc_cons[i].d for every console (NULL where the real kernel has none allocated) and each recorded vc_data at the
 * model's console area. A word pointing into the vc_data itself (its tty_port's list heads) or into its screen
 * (vc_origin .. vc_scr_end: the VGA text memory at 0xb8000 on vga_con) is moved to the model's copy; other heap
 * pointers (vc_screenbuf) are left out and read as unknown. Of the screen only the word at the cursor was recorded, of
 * the console driver only con_screen_pos when NULL (a function there would need its model).
 */
function seedConsoles(t: KernelDataTarget, pointer: (link: string) => Uint8Array): void {
  const vcCons = t.address('vc_cons');
  if (vcCons === null || t.consoleArea === null) return;
  const f = KERNEL_DATA.vcData;
  const stride = BigInt(f.vcSize);
  for (let i = 0n; i < BigInt(f.maxNrConsoles); i++) t.seed(vcCons + i * stride, le(0n, 8));
  KERNEL_DATA.vcCons.forEach(([index, recorded, cursorWord, screenPos, words], n) => {
    const vc = t.consoleArea! + BigInt(n) * CONSOLE_STRIDE;
    const screen = vc + SCREEN_OFFSET;
    const rec = BigInt(recorded);
    const word = (off: number): bigint => BigInt(words.find(([o]) => o === off)?.[2] ?? '0');
    const origin = word(f.vc_origin);
    const scrEnd = word(f.vc_scr_end);
    for (const [off, symbol, value] of words) {
      const sym: string = symbol;
      const v = BigInt(value);
      // vc_sw (vga_con, const .rodata the model has no bytes of): its con_screen_pos slot as recorded, for screen_pos().
      if (off === f.vc_sw && sym !== '' && BigInt(screenPos) === 0n) {
        const sw = t.address(sym);
        if (sw !== null) t.seed(sw + BigInt(f.conScreenPos), le(0n, 8));
      }
      if (sym !== '') t.seed(vc + BigInt(off), pointer(value));
      else if (v >= rec && v < rec + BigInt(f.size)) t.seed(vc + BigInt(off), le(vc + (v - rec), 8));
      else if (v >= origin && v <= scrEnd) t.seed(vc + BigInt(off), le(screen + (v - origin), 8));
      else if (v < HEAP) t.seed(vc + BigInt(off), le(v, 8));
    }
    const cursor = word(f.vc_pos) - origin;
    t.seed(screen + cursor, le(BigInt(cursorWord), 2));
    t.seed(vcCons + BigInt(index) * stride, le(vc, 8));
  });
}

function u64At(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}
