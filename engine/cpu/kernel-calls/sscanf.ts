/**
 * sscanf() and vsscanf() (lib/vsprintf.c, 6.1), ported step for step: white space in the format matches any run of
 * white space; other characters must match; %n, %c, %s, %[ (width required, no ranges), %o %x %X %i %d %u with the
 * hh h l ll z qualifiers, a field width, %* skipping to the next white space; each integer goes through
 * simple_strntoull()/simple_strntoll() (lib/kstrtox.c _parse_integer_fixup_radix() and _parse_integer_limit()),
 * so "0x" prefixes, truncation to the field width and overflow wrap as in the kernel. Returns the number of
 * conversions stored.
 */
import type { CpuMemory, KernelFunction } from '../types';
import { readCStringBytes, ret, writeU32, writeU64 } from './mem';
import { registerArgs, VaListArgs, type ArgSource } from './vsnprintf';

const M64 = 0xffffffffffffffffn;
/** The kernel's _ctype marks \t \n \v \f \r, space and Latin-1's non-breaking space as space. */
const isspace = (c: number): boolean => c === 0x20 || (c >= 9 && c <= 13) || c === 0xa0;
const isdigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isxdigit = (c: number): boolean => isdigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);

/** A NUL-terminated string as bytes, reading 0 past its end. */
class Cursor {
  constructor(
    readonly b: Uint8Array,
    public i = 0,
  ) {}
  at(k = 0): number {
    return this.b[this.i + k] ?? 0;
  }
  skipSpaces(): void {
    while (isspace(this.at())) this.i++;
  }
}

/** simple_strntoull(): returns the value and the characters consumed. */
function strntoull(s: Cursor, start: number, maxChars: number, base: number): { value: bigint; end: number } {
  const at = (k: number): number => s.b[k] ?? 0;
  let p = start;
  if (base === 0) {
    if (at(p) === 0x30) base = (at(p + 1) | 0x20) === 0x78 && isxdigit(at(p + 2)) ? 16 : 8;
    else base = 10;
  }
  if (base === 16 && at(p) === 0x30 && (at(p + 1) | 0x20) === 0x78) p += 2;
  const prefix = p - start;
  if (prefix >= maxChars) return { value: 0n, end: start + maxChars };
  let res = 0n;
  for (let n = maxChars - prefix; n > 0; n--) {
    const c = at(p);
    const lc = c | 0x20;
    const val = isdigit(c) ? c - 0x30 : lc >= 0x61 && lc <= 0x66 ? lc - 0x61 + 10 : 99;
    if (val >= base) break;
    res = (res * BigInt(base) + BigInt(val)) & M64;
    p++;
  }
  return { value: res, end: p };
}

/** vsscanf(buf, fmt, args): the count of conversions; the stores go through mem. */
export function vsscanf(mem: CpuMemory, bufAt: bigint, fmtAt: bigint, args: ArgSource): number {
  const str = new Cursor(readCStringBytes(mem, bufAt));
  const fmt = new Cursor(readCStringBytes(mem, fmtAt));
  let num = 0;
  const store = (width: number, v: bigint): void => {
    const p = args.next();
    if (width === 8) writeU64(mem, p, v & M64);
    else if (width === 4) writeU32(mem, p, Number(v & 0xffffffffn));
    else mem.write(p, width === 2 ? Uint8Array.of(Number(v & 0xffn), Number((v >> 8n) & 0xffn)) : Uint8Array.of(Number(v & 0xffn)));
  };
  while (fmt.at()) {
    if (isspace(fmt.at())) {
      fmt.i++;
      fmt.skipSpaces();
      str.skipSpaces();
    }
    if (fmt.at() !== 0x25 && fmt.at()) {
      if (fmt.at() !== str.at()) break;
      fmt.i++;
      str.i++;
      continue;
    }
    if (!fmt.at()) break;
    fmt.i++;
    if (fmt.at() === 0x2a) {
      // %*: skip to the next white space in both.
      if (!str.at()) break;
      while (!isspace(fmt.at()) && fmt.at() !== 0x25 && fmt.at()) {
        if (fmt.at() === 0x5b) return num;
        fmt.i++;
      }
      while (!isspace(str.at()) && str.at()) str.i++;
      continue;
    }
    let fieldWidth = -1;
    if (isdigit(fmt.at())) {
      // skip_atoi() into an s16.
      let w = 0;
      for (; isdigit(fmt.at()); fmt.i++) w = w * 10 + fmt.at() - 0x30;
      fieldWidth = (w << 16) >> 16;
      if (fieldWidth <= 0) break;
    }
    let qualifier = '';
    const q = String.fromCharCode(fmt.at());
    if (q === 'h' || q === 'l' || q === 'L' || q === 'z') {
      qualifier = q;
      fmt.i++;
      if (String.fromCharCode(fmt.at()) === q && (q === 'h' || q === 'l')) {
        qualifier = q === 'h' ? 'H' : 'L';
        fmt.i++;
      }
    }
    if (!fmt.at()) break;
    if (fmt.at() === 0x6e) {
      store(4, BigInt(str.i));
      fmt.i++;
      continue;
    }
    if (!str.at()) break;
    let base = 10;
    let isSign = false;
    const conv = String.fromCharCode(fmt.at());
    fmt.i++;
    if (conv === 'c') {
      const s = args.next();
      let w = fieldWidth === -1 ? 1 : fieldWidth;
      let k = 0n;
      do {
        mem.write(s + k++, Uint8Array.of(str.at()));
        str.i++;
      } while (--w > 0 && str.at());
      num++;
      continue;
    }
    if (conv === 's') {
      const s = args.next();
      let w = fieldWidth === -1 ? 0x7fff : fieldWidth;
      str.skipSpaces();
      const out: number[] = [];
      for (; str.at() && !isspace(str.at()) && w--; str.i++) out.push(str.at());
      mem.write(s, Uint8Array.of(...out, 0));
      num++;
      continue;
    }
    if (conv === '[') {
      const s = args.next();
      if (fieldWidth === -1) return num;
      const negate = fmt.at() === 0x5e;
      if (negate) fmt.i++;
      const set = new Set<number>();
      for (; fmt.at() && fmt.at() !== 0x5d; fmt.i++) set.add(fmt.at());
      if (!fmt.at() || set.size === 0) return num;
      fmt.i++;
      const inSet = (c: number): boolean => (negate ? c !== 0 && !set.has(c) : set.has(c));
      if (!inSet(str.at())) return num;
      const out: number[] = [];
      let w = fieldWidth;
      for (; inSet(str.at()) && w--; str.i++) out.push(str.at());
      mem.write(s, Uint8Array.of(...out, 0));
      num++;
      continue;
    }
    if (conv === 'o') base = 8;
    else if (conv === 'x' || conv === 'X') base = 16;
    else if (conv === 'i' || conv === 'd') {
      base = conv === 'i' ? 0 : 10;
      isSign = true;
    }
    else if (conv === 'u') base = 10;
    else if (conv === '%') {
      if (str.at() !== 0x25) return num;
      str.i++;
      continue;
    } else return num;
    str.skipSpaces();
    let digit = str.at();
    if (isSign && digit === 0x2d) {
      if (fieldWidth === 1) break;
      digit = str.at(1);
    }
    if (
      !digit ||
      (base === 16 && !isxdigit(digit)) ||
      (base === 10 && !isdigit(digit)) ||
      (base === 8 && (!isdigit(digit) || digit > 0x37)) ||
      (base === 0 && !isdigit(digit))
    )
      break;
    const max = fieldWidth >= 0 ? fieldWidth : 0x7fffffff;
    let r: { value: bigint; end: number };
    if (isSign && str.at() === 0x2d && max > 0) {
      r = strntoull(str, str.i + 1, max - 1, base);
      r.value = -r.value & M64;
    } else r = strntoull(str, str.i, max, base);
    const width = qualifier === 'H' ? 1 : qualifier === 'h' ? 2 : qualifier === 'l' || qualifier === 'L' || qualifier === 'z' ? 8 : 4;
    store(width, r.value);
    num++;
    str.i = r.end;
  }
  return num;
}

export function sscanfFunctions(): Record<string, KernelFunction> {
  return {
    // int sscanf(const char *buf, const char *fmt, ...)
    sscanf: (ctx) => ret(vsscanf(ctx.mem, ctx.arg(0), ctx.arg(1), registerArgs(ctx, 2))),
    // int vsscanf(const char *buf, const char *fmt, va_list args)
    vsscanf: (ctx) => {
      const args = new VaListArgs(ctx.mem, ctx.arg(2));
      const n = vsscanf(ctx.mem, ctx.arg(0), ctx.arg(1), args);
      args.commit();
      return ret(n);
    },
  };
}
