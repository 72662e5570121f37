/**
 * lib/string.c and the printf family of lib/vsprintf.c / lib/kasprintf.c (Linux 6.1) over modelled
 * memory. x86-64 has its own memcpy/memset/memmove (arch/x86/lib) with the same results; memcmp,
 * strcmp and the rest are the generic lib/string.c versions. A bad pointer faults (CpuFault) where the
 * kernel function would oops.
 */
import type { CpuMemory, KernelCallContext, KernelFunction } from '../types';
import { E2BIG } from './errname';
import { concat, readCStringBytes, ret, s32 } from './mem';
import type { KernelCallState } from './state';
import { type ArgSource, type FormatEnv, INT_MAX, VaListArgs, formatAt, formatEnvFrom, kvsnprintf, registerArgs } from './vsnprintf';

const GFP_ZERO = 0x100n;
const CHUNK = 1 << 16;

function len(n: bigint): number {
  // size_t lengths: anything past 2^53 would fault long before it is exhausted.
  return Number(BigInt.asUintN(64, n) > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : BigInt.asUintN(64, n));
}

/** Copy n bytes; reads everything first (memmove-safe) for sizes that fit comfortably in memory. */
export function copyBytes(mem: CpuMemory, dest: bigint, src: bigint, n: number): void {
  if (n === 0) return;
  if (n <= 1 << 26) {
    mem.write(dest, Uint8Array.from(mem.read(src, n, 'read')));
    return;
  }
  const backwards = dest > src && dest < src + BigInt(n);
  for (let done = 0; done < n; done += CHUNK) {
    const k = Math.min(CHUNK, n - done);
    const off = BigInt(backwards ? n - done - k : done);
    mem.write(dest + off, Uint8Array.from(mem.read(src + off, k, 'read')));
  }
}

export function fillBytes(mem: CpuMemory, dest: bigint, value: number, n: number): void {
  for (let done = 0; done < n; done += CHUNK) {
    const k = Math.min(CHUNK, n - done);
    mem.write(dest + BigInt(done), new Uint8Array(k).fill(value & 0xff));
  }
}

/** memcmp(): the difference of the first differing bytes as unsigned chars (lib/string.c). */
export function compareBytes(mem: CpuMemory, a: bigint, b: bigint, n: number): number {
  for (let done = 0; done < n; done += CHUNK) {
    const k = Math.min(CHUNK, n - done);
    const x = mem.read(a + BigInt(done), k, 'read');
    const y = mem.read(b + BigInt(done), k, 'read');
    for (let i = 0; i < k; i++) if (x[i] !== y[i]) return x[i] - y[i];
  }
  return 0;
}

/** strcmp()/strncmp() of lib/string.c return -1, 0 or 1 (not the byte difference). */
function compareStrings(mem: CpuMemory, a: bigint, b: bigint, count: number): number {
  for (let i = 0; i < count; i++) {
    const c1 = mem.read(a + BigInt(i), 1, 'read')[0];
    const c2 = mem.read(b + BigInt(i), 1, 'read')[0];
    if (c1 !== c2) return c1 < c2 ? -1 : 1;
    if (!c1) break;
  }
  return 0;
}

function writeWithNul(mem: CpuMemory, dest: bigint, bytes: Uint8Array): void {
  mem.write(dest, concat([bytes, Uint8Array.of(0)]));
}

export const memcpy: KernelFunction = (ctx) => {
  copyBytes(ctx.mem, ctx.arg(0), ctx.arg(1), len(ctx.arg(2)));
  return ctx.arg(0);
};
export const memmove = memcpy;

export const memset: KernelFunction = (ctx) => {
  fillBytes(ctx.mem, ctx.arg(0), Number(ctx.arg(1) & 0xffn), len(ctx.arg(2)));
  return ctx.arg(0);
};

export const memcmp: KernelFunction = (ctx) => ret(compareBytes(ctx.mem, ctx.arg(0), ctx.arg(1), len(ctx.arg(2))));

/**
 * __crypto_memneq(a, b, size) (crypto/memneq.c): 0 when equal, else the OR of the XORs of each unsigned long
 * (x86-64 has CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS: little-endian words, read unaligned) and then of each
 * remaining byte — no early exit, so the time does not depend on where they differ. The 16-byte case
 * (__crypto_memneq_16) ORs the same two word XORs.
 */
export const cryptoMemneq: KernelFunction = (ctx) => {
  const n = len(ctx.arg(2));
  let neq = 0n;
  for (let done = 0; done < n; done += CHUNK) {
    const k = Math.min(CHUNK, n - done);
    const x = ctx.mem.read(ctx.arg(0) + BigInt(done), k, 'read');
    const y = ctx.mem.read(ctx.arg(1) + BigInt(done), k, 'read');
    // CHUNK is a multiple of 8, so words never straddle two chunks.
    let i = 0;
    for (; i + 8 <= k; i += 8) {
      let w = 0n;
      for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(x[i + j] ^ y[i + j]);
      neq |= w;
    }
    for (; i < k; i++) neq |= BigInt(x[i] ^ y[i]);
  }
  return neq;
};

/** memchr(s, c, n): pointer to the first byte equal to (unsigned char)c, or NULL. */
export const memchr: KernelFunction = (ctx) => {
  const s = ctx.arg(0);
  const c = Number(ctx.arg(1) & 0xffn);
  const n = len(ctx.arg(2));
  for (let done = 0; done < n; done += CHUNK) {
    const k = Math.min(CHUNK, n - done);
    const i = ctx.mem.read(s + BigInt(done), k, 'read').indexOf(c);
    if (i >= 0) return s + BigInt(done + i);
  }
  return 0n;
};

export const strlen: KernelFunction = (ctx) => ret(readCStringBytes(ctx.mem, ctx.arg(0)).length);

export const strnlen: KernelFunction = (ctx) => {
  const n = len(ctx.arg(1));
  return n === 0 ? 0n : ret(readCStringBytes(ctx.mem, ctx.arg(0), n).length);
};

export const strcpy: KernelFunction = (ctx) => {
  writeWithNul(ctx.mem, ctx.arg(0), readCStringBytes(ctx.mem, ctx.arg(1)));
  return ctx.arg(0);
};

/** strncpy(): copies at most count bytes and pads the rest of dest with NULs; no NUL if src is longer. */
export const strncpy: KernelFunction = (ctx) => {
  const count = len(ctx.arg(2));
  if (count === 0) return ctx.arg(0);
  const src = readCStringBytes(ctx.mem, ctx.arg(1), count);
  const out = new Uint8Array(count);
  out.set(src);
  ctx.mem.write(ctx.arg(0), out);
  return ctx.arg(0);
};

/**
 * strscpy(dest, src, count): copies up to count-1 bytes plus a NUL; returns the length, or -E2BIG when
 * src did not fit (dest still NUL-terminated) or count is 0 / above INT_MAX (WARN_ON_ONCE).
 */
export const strscpy: KernelFunction = (ctx) => {
  const count = BigInt.asUintN(64, ctx.arg(2));
  if (count === 0n || count > INT_MAX) return ret(-E2BIG);
  const n = Number(count);
  const src = readCStringBytes(ctx.mem, ctx.arg(1), n);
  if (src.length < n) {
    writeWithNul(ctx.mem, ctx.arg(0), src);
    return ret(src.length);
  }
  writeWithNul(ctx.mem, ctx.arg(0), src.subarray(0, n - 1));
  return ret(-E2BIG);
};

/** strlcpy(dest, src, size): returns strlen(src); copies min(strlen, size-1) bytes plus a NUL. */
export const strlcpy: KernelFunction = (ctx) => {
  const src = readCStringBytes(ctx.mem, ctx.arg(1));
  const size = len(ctx.arg(2));
  if (size) writeWithNul(ctx.mem, ctx.arg(0), src.subarray(0, Math.min(src.length, size - 1)));
  return ret(src.length);
};

export const strcat: KernelFunction = (ctx) => {
  const dest = ctx.arg(0);
  const d = readCStringBytes(ctx.mem, dest).length;
  writeWithNul(ctx.mem, dest + BigInt(d), readCStringBytes(ctx.mem, ctx.arg(1)));
  return dest;
};

/** strncat(dest, src, count): appends at most count bytes, always NUL-terminates. */
export const strncat: KernelFunction = (ctx) => {
  const dest = ctx.arg(0);
  const count = len(ctx.arg(2));
  if (count === 0) return dest;
  const d = readCStringBytes(ctx.mem, dest).length;
  writeWithNul(ctx.mem, dest + BigInt(d), readCStringBytes(ctx.mem, ctx.arg(1), count));
  return dest;
};

/** strlcat(): BUG_ON(strlen(dest) >= count) is a kernel BUG: not modelled. */
export const strlcat: KernelFunction = (ctx) => {
  const dest = ctx.arg(0);
  const count = len(ctx.arg(2));
  const dsize = readCStringBytes(ctx.mem, dest).length;
  const src = readCStringBytes(ctx.mem, ctx.arg(1));
  if (dsize >= count) {
    ctx.note('strlcat: BUG_ON(dsize >= count) would fire (kernel BUG)');
    return 'not-modelled';
  }
  const room = count - dsize;
  writeWithNul(ctx.mem, dest + BigInt(dsize), src.subarray(0, Math.min(src.length, room - 1)));
  return ret(dsize + src.length);
};

/**
 * tolower() of include/linux/ctype.h over lib/ctype.c's Latin-1 table: A-Z and 0xC0-0xDE (but 0xD7, ×) are upper case.
 */
function kernelToLower(c: number): number {
  const upper = (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
  return upper ? c + 0x20 : c;
}

/** strcasecmp() (lib/string.c): the difference of the first differing lower-cased bytes. */
export const strcasecmp: KernelFunction = (ctx) => {
  for (let i = 0; ; i++) {
    const c1 = kernelToLower(ctx.mem.read(ctx.arg(0) + BigInt(i), 1, 'read')[0]);
    const c2 = kernelToLower(ctx.mem.read(ctx.arg(1) + BigInt(i), 1, 'read')[0]);
    if (c1 !== c2 || c1 === 0) return ret(c1 - c2);
  }
};

/** strncasecmp() (lib/string.c): stops at a NUL in either string; returns the raw bytes' difference when they are equal ignoring case. */
export const strncasecmp: KernelFunction = (ctx) => {
  const n = len(ctx.arg(2));
  let c1 = 0;
  let c2 = 0;
  for (let i = 0; i < n; i++) {
    c1 = ctx.mem.read(ctx.arg(0) + BigInt(i), 1, 'read')[0];
    c2 = ctx.mem.read(ctx.arg(1) + BigInt(i), 1, 'read')[0];
    if (!c1 || !c2) break;
    if (c1 === c2) continue;
    c1 = kernelToLower(c1);
    c2 = kernelToLower(c2);
    if (c1 !== c2) break;
  }
  return ret(c1 - c2);
};

export const strcmp: KernelFunction = (ctx) => ret(compareStrings(ctx.mem, ctx.arg(0), ctx.arg(1), Number.MAX_SAFE_INTEGER));
export const strncmp: KernelFunction = (ctx) => ret(compareStrings(ctx.mem, ctx.arg(0), ctx.arg(1), len(ctx.arg(2))));

/** strchr(s, c): the first (char)c, including the terminating NUL when c is 0; else NULL. */
export const strchr: KernelFunction = (ctx) => {
  const s = ctx.arg(0);
  const c = Number(ctx.arg(1) & 0xffn);
  const bytes = readCStringBytes(ctx.mem, s);
  if (c === 0) return s + BigInt(bytes.length);
  const i = bytes.indexOf(c);
  return i < 0 ? 0n : s + BigInt(i);
};

export const strrchr: KernelFunction = (ctx) => {
  const s = ctx.arg(0);
  const c = Number(ctx.arg(1) & 0xffn);
  const bytes = readCStringBytes(ctx.mem, s);
  if (c === 0) return s + BigInt(bytes.length);
  const i = bytes.lastIndexOf(c);
  return i < 0 ? 0n : s + BigInt(i);
};

/** strstr(s1, s2): s1 when s2 is empty; the first match or NULL. */
export const strstr: KernelFunction = (ctx) => {
  const s1 = ctx.arg(0);
  const hay = readCStringBytes(ctx.mem, s1);
  const needle = readCStringBytes(ctx.mem, ctx.arg(1));
  if (needle.length === 0) return s1;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return s1 + BigInt(i);
  }
  return 0n;
};

function allocCopy(ctx: KernelCallContext, bytes: Uint8Array, gfp: bigint, why: string): bigint {
  const p = ctx.kmalloc(bytes.length, (gfp & GFP_ZERO) !== 0n, why);
  if (p !== 0n) ctx.mem.write(p, bytes);
  return p;
}

/** kstrdup(s, gfp) (mm/util.c): NULL for NULL; kmalloc(strlen+1) and copy. */
export const kstrdup: KernelFunction = (ctx) => {
  if (ctx.arg(0) === 0n) return 0n;
  const p = allocCopy(ctx, concat([readCStringBytes(ctx.mem, ctx.arg(0)), Uint8Array.of(0)]), ctx.arg(1), 'kstrdup');
  ctx.note(`kstrdup: copied a string to ${'0x' + p.toString(16)}`);
  return p;
};

/** kstrndup(s, max, gfp). */
export const kstrndup: KernelFunction = (ctx) => {
  if (ctx.arg(0) === 0n) return 0n;
  return allocCopy(ctx, concat([readCStringBytes(ctx.mem, ctx.arg(0), len(ctx.arg(1))), Uint8Array.of(0)]), ctx.arg(2), 'kstrndup');
};

/** kmemdup(src, len, gfp). */
export const kmemdup: KernelFunction = (ctx) =>
  allocCopy(ctx, Uint8Array.from(ctx.mem.read(ctx.arg(0), len(ctx.arg(1)), 'read')), ctx.arg(2), 'kmemdup');

function fenv(ctx: KernelCallContext, state: KernelCallState): FormatEnv {
  return formatEnvFrom(ctx, state.formatOptions());
}

function noteWarnings(ctx: KernelCallContext, name: string, warnings: string[]): void {
  for (const w of warnings) ctx.note(`${name}: ${w}`);
}

/** vscnprintf()'s return from vsnprintf()'s. */
function scn(length: number, size: bigint): number {
  if (BigInt(length) < size) return length;
  return size !== 0n ? Number(size) - 1 : 0;
}

type Printer = (ctx: KernelCallContext, state: KernelCallState) => bigint;

function sn(
  name: string,
  buf: (ctx: KernelCallContext) => bigint,
  size: (ctx: KernelCallContext) => bigint,
  fmt: number,
  args: (ctx: KernelCallContext) => ArgSource & { commit?(): void },
  result: 'length' | 'written',
): Printer {
  return (ctx, state) => {
    const a = args(ctx);
    const sz = size(ctx);
    const r = kvsnprintf(fenv(ctx, state), buf(ctx), sz, ctx.arg(fmt), a);
    a.commit?.();
    noteWarnings(ctx, name, r.warnings);
    return ret(result === 'length' ? r.length : scn(r.length, BigInt.asUintN(64, sz)));
  };
}

const vaAt = (n: number) => (ctx: KernelCallContext) => new VaListArgs(ctx.mem, ctx.arg(n));

/** sprintf/snprintf/scnprintf/vsprintf/vsnprintf/vscnprintf, bound to a state for %p options. */
export function printfFamily(state: KernelCallState): Record<string, KernelFunction> {
  const bind =
    (p: Printer): KernelFunction =>
    (ctx) =>
      p(ctx, state);
  const a0 = (ctx: KernelCallContext): bigint => ctx.arg(0);
  const a1 = (ctx: KernelCallContext): bigint => ctx.arg(1);
  const intMax = (): bigint => INT_MAX;
  return {
    sprintf: bind(sn('sprintf', a0, intMax, 1, (ctx) => registerArgs(ctx, 2), 'length')),
    snprintf: bind(sn('snprintf', a0, a1, 2, (ctx) => registerArgs(ctx, 3), 'length')),
    scnprintf: bind(sn('scnprintf', a0, a1, 2, (ctx) => registerArgs(ctx, 3), 'written')),
    vsprintf: bind(sn('vsprintf', a0, intMax, 1, vaAt(2), 'length')),
    vsnprintf: bind(sn('vsnprintf', a0, a1, 2, vaAt(3), 'length')),
    vscnprintf: bind(sn('vscnprintf', a0, a1, 2, vaAt(3), 'written')),
    kasprintf: (ctx) => kasprintf(ctx, state, ctx.arg(0), ctx.arg(1), registerArgs(ctx, 2)),
    kvasprintf: (ctx) => {
      const a = new VaListArgs(ctx.mem, ctx.arg(2));
      const p = kasprintf(ctx, state, ctx.arg(0), ctx.arg(1), a);
      a.commit();
      return p;
    },
  };
}

/**
 * kvasprintf() (lib/kasprintf.c): size with vsnprintf(NULL, 0), kmalloc(len + 1, gfp), format again.
 * One formatting pass here gives the same bytes.
 */
export function kasprintf(ctx: KernelCallContext, state: KernelCallState, gfp: bigint, fmt: bigint, args: ArgSource): bigint {
  const out = formatAt(fenv(ctx, state), fmt, args);
  noteWarnings(ctx, 'kasprintf', out.warnings);
  const p = ctx.kmalloc(out.bytes.length + 1, (gfp & GFP_ZERO) !== 0n, 'kasprintf');
  if (p === 0n) return 0n;
  writeWithNul(ctx.mem, p, out.bytes);
  return p;
}

export function memoryFunctions(state: KernelCallState): Record<string, KernelFunction> {
  return {
    memcpy,
    memmove,
    memset,
    memcmp,
    bcmp: memcmp,
    __crypto_memneq: cryptoMemneq,
    memchr,
    __memcpy: memcpy,
    __memmove: memmove,
    __memset: memset,
    strlen,
    strnlen,
    strcpy,
    strncpy,
    strscpy,
    strlcpy,
    strcat,
    strncat,
    strlcat,
    strcmp,
    strncmp,
    strcasecmp,
    strncasecmp,
    strchr,
    strrchr,
    strstr,
    kstrdup,
    kstrdup_const: kstrdup,
    kstrndup,
    kmemdup,
    ...printfFamily(state),
  };
}

/** (int) of a result, for tests and callers that want the C value back. */
export const asInt = (v: bigint): number => s32(v);
