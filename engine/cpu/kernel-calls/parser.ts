/**
 * lib/parser.c: match_token() and the match_*() helpers that read the substring_t it fills in. Pure
 * string work on module memory, as 6.1 does it:
 *
 *   - match_token(s, table, args) walks the match_table_t (struct match_token { int token; const char
 *     *pattern; }, 16 bytes) until match_one() accepts s or the pattern is NULL (the terminator always
 *     matches), and returns that entry's token.
 *   - match_one(): the pattern's literal text must equal s up to each '%'; "%%" is a literal '%';
 *     "%[len]s" takes the rest of s (at most len bytes; an empty rest fails); "%d" "%u" "%o" "%x" take
 *     what simple_strtol()/simple_strtoul() (lib/vsprintf.c) consume, which must be at least one byte.
 *     A pattern without '%' must equal the whole rest of s. args[i] = { from, to } (substring_t).
 *   - match_int/match_octal/match_hex: match_strdup() then simple_strtol(buf, &end, base): no bytes
 *     used → -EINVAL, outside int → -ERANGE. match_u64: kstrtoull(buf, 0); match_uint: kstrtouint(buf, 10).
 *     The kernel's kmalloc()+kfree() of the copy leaves the slab as it was, so the copy is not made here.
 */
import { fixupRadix, kstrtouint, kstrtoull, parseInteger } from '../../params/kstrtox';
import type { KernelCallContext, KernelFunction } from '../types';
import { readCStringBytes, readU32, readU64, ret, writeU32, writeU64 } from './mem';

const MAX_OPT_ARGS = 3; // include/linux/parser.h
const EINVAL = 22;
const ERANGE = 34;

/** simple_strntoull() with max_chars INT_MAX: the value (mod 2^64) and how many bytes it used (prefix included). */
export function simpleStrtoull(s: Uint8Array, at: number, base: number): { value: bigint; used: number } {
  const r = fixupRadix(s, at, base);
  const p = parseInteger(s, at + r.skip, r.base);
  return { value: p.value, used: r.skip + p.digits };
}

/** simple_strtol(): a leading '-' negates what simple_strtoul() reads after it (as a 64-bit long). */
export function simpleStrtol(s: Uint8Array, at: number, base: number): { value: bigint; used: number } {
  if (s[at] === 0x2d) {
    const r = simpleStrtoull(s, at + 1, base);
    return { value: BigInt.asIntN(64, -r.value), used: r.used + 1 };
  }
  const r = simpleStrtoull(s, at, base);
  return { value: BigInt.asIntN(64, r.value), used: r.used };
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** One store match_one() makes into args[]: args[index].from (field 0) or .to (field 8) = s + offset. */
export interface ArgWrite {
  index: number;
  field: 0 | 8;
  offset: number;
}

/**
 * match_one() on bytes: s and p are the C strings without their NUL. Whether p matches, and the stores into args[]
 * it made on the way (the kernel makes them also for a pattern that then fails).
 */
export function matchOne(s: Uint8Array, p: Uint8Array): { ok: boolean; writes: ArgWrite[] } {
  const writes: ArgWrite[] = [];
  const no = { ok: false, writes };
  let argc = 0;
  let si = 0;
  let pi = 0;
  for (;;) {
    const meta = p.indexOf(0x25, pi);
    if (meta < 0) {
      // strcmp(p, s) == 0
      const rest = p.subarray(pi);
      const srest = s.subarray(si);
      return { ok: rest.length === srest.length && rest.every((c, i) => c === srest[i]), writes };
    }
    // strncmp(p, s, meta - p): s ends at its NUL, so a shorter s differs.
    for (let i = 0; i < meta - pi; i++) if (s[si + i] !== p[pi + i]) return no;
    si += meta - pi;
    pi = meta + 1;
    let len = -1;
    if (isDigit(p[pi])) {
      const n = simpleStrtoull(p, pi, 10);
      len = Number(BigInt.asIntN(32, n.value));
      pi += n.used;
    } else if (p[pi] === 0x25) {
      if (s[si++] !== 0x25) return no;
      pi++;
      continue;
    }
    if (argc >= MAX_OPT_ARGS) return no;
    const from = si;
    writes.push({ index: argc, field: 0, offset: from });
    let to: number;
    const conv = p[pi++];
    if (conv === 0x73) {
      // 's'
      const strLen = s.length - si;
      if (strLen === 0) return no;
      if (len === -1 || len > strLen) len = strLen;
      to = si + len;
      writes.push({ index: argc, field: 8, offset: to });
    } else {
      const base = conv === 0x64 || conv === 0x75 ? 0 : conv === 0x6f ? 8 : conv === 0x78 ? 16 : -1;
      if (base < 0) return no;
      to = si + (conv === 0x64 ? simpleStrtol(s, si, base) : simpleStrtoull(s, si, base)).used;
      writes.push({ index: argc, field: 8, offset: to });
      if (to === from) return no;
    }
    si = to;
    argc++;
  }
}

/** The bytes of a substring_t { char *from; char *to; }. */
function substring(ctx: KernelCallContext, sub: bigint): Uint8Array {
  const from = readU64(ctx.mem, sub);
  const to = readU64(ctx.mem, sub + 8n);
  const n = Number(to - from);
  return n > 0 ? Uint8Array.from(ctx.mem.read(from, n, 'read')) : new Uint8Array(0);
}

/** match_number(s, result, base): simple_strtol() on a copy of the substring; the int is stored on success. */
function matchNumber(base: number): KernelFunction {
  return (ctx) => {
    const buf = substring(ctx, ctx.arg(0));
    const r = simpleStrtol(buf, 0, base);
    if (r.used === 0) return ret(-EINVAL);
    if (r.value < -(1n << 31n) || r.value >= 1n << 31n) return ret(-ERANGE);
    writeU32(ctx.mem, ctx.arg(1), Number(BigInt.asUintN(32, r.value)));
    return 0n;
  };
}

export function parserFunctions(): Record<string, KernelFunction> {
  return {
    // int match_token(char *s, const match_table_t table, substring_t args[])
    match_token: (ctx) => {
      const sAddr = ctx.arg(0);
      const s = readCStringBytes(ctx.mem, sAddr);
      for (let entry = ctx.arg(1); ; entry += 16n) {
        const token = BigInt(readU32(ctx.mem, entry) | 0);
        const pattern = readU64(ctx.mem, entry + 8n);
        // match_one(): a NULL pattern (the table's end) matches anything.
        if (pattern === 0n) return BigInt.asUintN(64, token);
        const m = matchOne(s, readCStringBytes(ctx.mem, pattern));
        for (const w of m.writes) writeU64(ctx.mem, ctx.arg(2) + BigInt(16 * w.index + w.field), sAddr + BigInt(w.offset));
        if (m.ok) return BigInt.asUintN(64, token);
      }
    },
    match_int: matchNumber(0),
    match_octal: matchNumber(8),
    match_hex: matchNumber(16),
    // int match_uint(substring_t *s, unsigned int *result): kstrtouint(buf, 10, result)
    match_uint: (ctx) => {
      const r = kstrtouint(substring(ctx, ctx.arg(0)), 10);
      if (!r.ok) return ret(r.errno);
      writeU32(ctx.mem, ctx.arg(1), Number(r.value));
      return 0n;
    },
    // int match_u64(substring_t *s, u64 *result): kstrtoull(buf, 0, &val)
    match_u64: (ctx) => {
      const r = kstrtoull(substring(ctx, ctx.arg(0)), 0);
      if (!r.ok) return ret(r.errno);
      writeU64(ctx.mem, ctx.arg(1), r.value);
      return 0n;
    },
    // char *match_strdup(const substring_t *s): kmemdup_nul(s->from, s->to - s->from, GFP_KERNEL)
    match_strdup: (ctx) => {
      const b = substring(ctx, ctx.arg(0));
      const p = ctx.kmalloc(b.length + 1, false, 'match_strdup');
      if (p === 0n) return 0n;
      ctx.mem.write(p, b);
      ctx.mem.write(p + BigInt(b.length), Uint8Array.of(0));
      return p;
    },
    // size_t match_strlcpy(char *dest, const substring_t *src, size_t size)
    match_strlcpy: (ctx) => {
      const b = substring(ctx, ctx.arg(1));
      const size = ctx.arg(2);
      if (size !== 0n) {
        const n = BigInt(b.length) >= size ? Number(size - 1n) : b.length;
        ctx.mem.write(ctx.arg(0), b.subarray(0, n));
        ctx.mem.write(ctx.arg(0) + BigInt(n), Uint8Array.of(0));
      }
      return BigInt(b.length);
    },
  };
}
