/**
 * A small KernelCallContext for tests of the kernel-function models: sparse paged memory that faults
 * outside mapped ranges, a bump kmalloc over a heap pre-filled with 0xaa (so missing zeroing shows),
 * and recorders for printk and notes. Pure TypeScript so it typechecks with the engine.
 */
import { CpuFault, type CpuMemory, type CpuState, type KernelCallContext } from '../types';

export interface FakeContext extends KernelCallContext {
  args: bigint[];
  log: { level: number | 'cont' | 'default'; text: string }[];
  notes: string[];
  freed: bigint[];
  symbols: Map<bigint, string>;
  /** Stand-ins for module functions ctx.callModule() reaches, by address, and the calls made to them in order. */
  moduleFunctions: Map<bigint, (...args: bigint[]) => bigint>;
  moduleCalls: { address: bigint; args: bigint[] }[];
  /** Map a range (page-granular) filled with fill. */
  map(address: bigint, length: number, fill?: number): void;
  /** Put bytes (a string is written as latin1 plus a NUL) at address, mapping it. */
  poke(address: bigint, data: Uint8Array | string): bigint;
  peek(address: bigint, length: number): Uint8Array;
  peekString(address: bigint): string;
  /** Put a NUL-terminated string in the data area and return its address. */
  str(text: string): bigint;
  call(fn: (ctx: KernelCallContext) => bigint | 'not-modelled', ...args: bigint[]): bigint | 'not-modelled';
}

const PAGE = 4096n;
export const HEAP_BASE = 0xffff888000100000n;
export const DATA_BASE = 0xffffffffc0300000n;
export const STACK_TOP = 0xffffc90000010000n;

export function fakeContext(): FakeContext {
  const pages = new Map<bigint, Uint8Array>();
  const page = (a: bigint): Uint8Array | undefined => pages.get(a / PAGE);
  const mem: CpuMemory = {
    read(address, length, why) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const a = address + BigInt(i);
        const p = page(a);
        if (!p) throw new CpuFault('not-present', a, false, `${why} of unmapped 0x${a.toString(16)}`);
        out[i] = p[Number(a % PAGE)];
      }
      return out;
    },
    write(address, bytes) {
      for (let i = 0; i < bytes.length; i++) {
        const a = address + BigInt(i);
        const p = page(a);
        if (!p) throw new CpuFault('not-present', a, true, `write of unmapped 0x${a.toString(16)}`);
        p[Number(a % PAGE)] = bytes[i];
      }
    },
  };
  const map = (address: bigint, length: number, fill = 0): void => {
    for (let a = address - (address % PAGE); a < address + BigInt(length); a += PAGE) {
      if (!pages.has(a / PAGE)) pages.set(a / PAGE, new Uint8Array(Number(PAGE)).fill(fill));
    }
  };
  map(HEAP_BASE, 1 << 20, 0xaa);
  map(DATA_BASE, 1 << 16);
  map(STACK_TOP - 0x4000n, 0x4000);
  let heap = HEAP_BASE;
  let data = DATA_BASE;
  const state: CpuState = { gpr: new BigUint64Array(16), rip: 0n, rflags: 2n, gsBase: 0n, xmm: new Uint8Array(256) };
  state.gpr[4] = STACK_TOP - 0x100n;
  const ctx: FakeContext = {
    state,
    mem,
    args: [],
    log: [],
    notes: [],
    freed: [],
    symbols: new Map(),
    arg(n) {
      return ctx.args[n] ?? 0n;
    },
    cstring(address, max = 4096) {
      let s = '';
      for (let i = 0; i < max; i++) {
        const b = mem.read(address + BigInt(i), 1, 'read')[0];
        if (!b) break;
        s += String.fromCharCode(b);
      }
      return s;
    },
    printk(level, text) {
      ctx.log.push({ level, text });
    },
    kmalloc(size, zero) {
      const p = heap;
      heap += BigInt((size + 15) & ~15) + 16n;
      if (zero) mem.write(p, new Uint8Array(size));
      return p;
    },
    kfree(address) {
      ctx.freed.push(address);
    },
    symbolize(address) {
      for (const [start, desc] of ctx.symbols) {
        const m = /^(\S+) (0x[0-9a-f]+)(.*)$/.exec(desc);
        if (!m) continue;
        const size = BigInt(m[2]);
        if (address >= start && address < start + size) return `${m[1]}+0x${(address - start).toString(16)}/0x${size.toString(16)}${m[3]}`;
      }
      return null;
    },
    note(text) {
      ctx.notes.push(text);
    },
    moduleRef() {
      return null;
    },
    callModule(address, ...args) {
      const f = ctx.moduleFunctions.get(address);
      if (!f) throw new Error(`no module function at 0x${address.toString(16)} in this fake context`);
      ctx.moduleCalls.push({ address, args });
      return f(...args);
    },
    moduleFunctions: new Map(),
    moduleCalls: [],
    map,
    poke(address, d) {
      const bytes = typeof d === 'string' ? Uint8Array.from([...d].map((c) => c.charCodeAt(0) & 0xff).concat([0])) : d;
      map(address, bytes.length);
      mem.write(address, bytes);
      return address;
    },
    peek(address, length) {
      return mem.read(address, length, 'read');
    },
    peekString(address) {
      return ctx.cstring(address);
    },
    str(text) {
      const a = data;
      ctx.poke(a, text);
      data += BigInt(text.length + 16) & ~7n;
      return a;
    },
    call(fn, ...args) {
      ctx.args = args;
      return fn(ctx);
    },
  };
  return ctx;
}
