/**
 * The kernel's vsnprintf() (lib/vsprintf.c, Linux 6.1) over the modelled address space: a port of
 * format_decode(), number(), string(), widen_string() and the parts of pointer() modules use.
 *
 * The formatter always produces the whole output (what vsnprintf() "would" write); callers cut it to
 * the buffer size. That matches the kernel byte for byte: every writer in lib/vsprintf.c emits
 * sequentially behind an `if (buf < end)` guard (move_right() keeps the same prefix), so a truncated
 * buffer holds a prefix of the full output.
 *
 * Faults: only what check_pointer_msg() checks is caught (NULL -> "(null)", below PAGE_SIZE or an
 * ERR_PTR -> "(efault)"). Any other bad pointer (%s of an unmapped address) makes the real kernel oops
 * inside vsnprintf; here the CpuFault from CpuMemory propagates the same way.
 */
import type { CpuMemory, KernelCallContext } from '../types';
import { errname } from './errname';
import { PAGE_SIZE, asciiBytes, isErrValue, readCStringBytes, readU32, readU64, writeU32, writeU64 } from './mem';

/** A va_list as a stream of 64-bit integer slots (the kernel passes no floating point). */
export interface ArgSource {
  next(): bigint;
}

/** Variadic arguments still in registers/stack: the n-th integer argument onwards (System V). */
export function registerArgs(ctx: Pick<KernelCallContext, 'arg'>, first: number): ArgSource {
  let n = first;
  return { next: () => ctx.arg(n++) };
}

/**
 * An x86-64 va_list (System V ABI §3.5.7): struct { u32 gp_offset; u32 fp_offset;
 * void *overflow_arg_area; void *reg_save_area; }. Integer va_arg reads reg_save_area + gp_offset while
 * gp_offset < 48 (six 8-byte GP registers), then walks overflow_arg_area in 8-byte steps.
 * va_list is an array type, so a callee's va_arg advances the caller's list: commit() writes the
 * offsets back (vsnprintf(..., args) does); va_copy users (va_format, vprintk_store) don't commit.
 */
export class VaListArgs implements ArgSource {
  private gpOffset: number;
  private overflow: bigint;
  private readonly regSave: bigint;

  constructor(
    private readonly mem: CpuMemory,
    readonly address: bigint,
  ) {
    this.gpOffset = readU32(mem, address);
    this.overflow = readU64(mem, address + 8n);
    this.regSave = readU64(mem, address + 16n);
  }

  next(): bigint {
    if (this.gpOffset <= 48 - 8) {
      const v = readU64(this.mem, this.regSave + BigInt(this.gpOffset));
      this.gpOffset += 8;
      return v;
    }
    const v = readU64(this.mem, this.overflow);
    this.overflow += 8n;
    return v;
  }

  commit(): void {
    writeU32(this.mem, this.address, this.gpOffset);
    writeU64(this.mem, this.address + 8n, this.overflow);
  }
}

/** What the formatter needs from the machine. */
export interface FormatEnv {
  mem: CpuMemory;
  /** "name+0xoff/0xsize [module]" (sprint_symbol() form) or null when kallsyms knows nothing there. */
  symbolize(address: bigint): string | null;
  /** /proc/sys/kernel/kptr_restrict; Debian's default is 0. */
  kptrRestrict?: 0 | 1 | 2;
  /** The no_hash_pointers boot option: %p prints raw addresses. */
  noHashPointers?: boolean;
  /** Stand-in for siphash_1u64(ptr, ptr_key) & 0xffffffff; defaults to pointerHash(). */
  hashPointer?(ptr: bigint): bigint;
}

export function formatEnvFrom(ctx: KernelCallContext, extra: Partial<FormatEnv> = {}): FormatEnv {
  return { mem: ctx.mem, symbolize: (a) => ctx.symbolize(a), ...extra };
}

export interface FormatOutput {
  /** The full output ("would-be" bytes), without the trailing NUL. */
  bytes: Uint8Array;
  /** WARN_ONCE texts the kernel would print, and pointer extensions this model does not implement. */
  warnings: string[];
}

/**
 * The per-boot random key makes the kernel's %p values unpredictable: ptr_to_id() prints
 * siphash_1u64(ptr, ptr_key) & 0xffffffff, zero-padded to 16 hex digits ("00000000" + 8 digits).
 * We keep that shape with a fixed, deterministic 64-bit mix (splitmix64's finaliser) instead of siphash,
 * so the same pointer always prints the same id and different pointers almost never collide.
 */
export function pointerHash(ptr: bigint): bigint {
  const M = (1n << 64n) - 1n;
  let z = (BigInt.asUintN(64, ptr) + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  z ^= z >> 31n;
  return z & 0xffffffffn;
}

// struct printf_spec flags (lib/vsprintf.c).
const SIGN = 1;
const LEFT = 2;
const PLUS = 4;
const SPACE = 8;
const ZEROPAD = 16;
const SMALL = 32;
const SPECIAL = 64;

const enum T {
  NONE,
  WIDTH,
  PRECISION,
  CHAR,
  STR,
  PTR,
  PERCENT_CHAR,
  INVALID,
  LONG_LONG,
  ULONG,
  LONG,
  UBYTE,
  BYTE,
  USHORT,
  SHORT,
  UINT,
  INT,
  SIZE_T,
  PTRDIFF,
}

interface Spec {
  type: T;
  /** signed 24-bit bitfield */
  fieldWidth: number;
  flags: number;
  base: number;
  /** signed 16-bit bitfield */
  precision: number;
}

const FIELD_WIDTH_MAX = (1 << 23) - 1;
const PRECISION_MAX = (1 << 15) - 1;
const MAX_VA_FORMAT_DEPTH = 8;

const signedBits = (v: number, bits: number): number => Number(BigInt.asIntN(bits, BigInt(v)));
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const ch = (s: string): number => s.charCodeAt(0);

class Formatter {
  readonly out: number[] = [];

  constructor(
    private readonly env: FormatEnv,
    private readonly warnings: string[],
    private readonly depth: number,
  ) {}

  private put(c: number): void {
    this.out.push(c & 0xff);
  }

  /** number() of lib/vsprintf.c; num is the unsigned long long the caller fetched. */
  number(num: bigint, spec: Spec): void {
    num = BigInt.asUintN(64, num);
    let flags = spec.flags;
    const needPfx = (flags & SPECIAL) !== 0 && spec.base !== 10;
    const isZero = num === 0n;
    let fieldWidth = spec.fieldWidth;
    let precision = spec.precision;
    const locase = flags & SMALL;
    if (flags & LEFT) flags &= ~ZEROPAD;
    let sign = 0;
    if (flags & SIGN) {
      const s = BigInt.asIntN(64, num);
      if (s < 0n) {
        sign = ch('-');
        num = BigInt.asUintN(64, -s);
        fieldWidth--;
      } else if (flags & PLUS) {
        sign = ch('+');
        fieldWidth--;
      } else if (flags & SPACE) {
        sign = ch(' ');
        fieldWidth--;
      }
    }
    if (needPfx) {
      if (spec.base === 16) fieldWidth -= 2;
      else if (!isZero) fieldWidth--;
    }
    let digits = num.toString(spec.base);
    if (!locase) digits = digits.toUpperCase();
    let i = digits.length;
    // "printing 100 using %2d gives "100", not "00""
    if (i > precision) precision = i;
    fieldWidth -= precision;
    if (!(flags & (ZEROPAD | LEFT))) while (--fieldWidth >= 0) this.put(ch(' '));
    if (sign) this.put(sign);
    if (needPfx) {
      if (spec.base === 16 || !isZero) this.put(ch('0'));
      if (spec.base === 16) this.put(ch('X') | locase);
    }
    if (!(flags & LEFT)) {
      const c = flags & ZEROPAD ? ch('0') : ch(' ');
      while (--fieldWidth >= 0) this.put(c);
    }
    while (i <= --precision) this.put(ch('0'));
    for (i = 0; i < digits.length; i++) this.put(digits.charCodeAt(i));
    while (--fieldWidth >= 0) this.put(ch(' '));
  }

  /** widen_string(): pad a string of n bytes just written out to the field width. */
  private widen(n: number, spec: Spec): void {
    if (n >= spec.fieldWidth) return;
    const spaces = spec.fieldWidth - n;
    const pad = new Array<number>(spaces).fill(ch(' '));
    if (!(spec.flags & LEFT)) this.out.splice(this.out.length - n, 0, ...pad);
    else for (const c of pad) this.out.push(c);
  }

  /** string_nocheck(): at most precision bytes (-1: unlimited) up to the NUL. */
  stringBytes(s: Uint8Array, spec: Spec): void {
    const n = spec.precision < 0 ? s.length : Math.min(s.length, spec.precision);
    for (let i = 0; i < n; i++) this.put(s[i]);
    this.widen(n, spec);
  }

  private errorString(s: string, spec: Spec): void {
    // "Hard limit to avoid a completely insane messages": precision -1 becomes 2*sizeof(void *).
    this.stringBytes(asciiBytes(s), spec.precision === -1 ? { ...spec, precision: 16 } : spec);
  }

  /** check_pointer(): true when it printed "(null)"/"(efault)" instead. */
  private checkPointer(ptr: bigint, spec: Spec): boolean {
    if (ptr === 0n) {
      this.errorString('(null)', spec);
      return true;
    }
    if (ptr < PAGE_SIZE || isErrValue(ptr)) {
      this.errorString('(efault)', spec);
      return true;
    }
    return false;
  }

  /** string(): %s. The read is bounded by the precision, as the kernel stops reading there too. */
  string(ptr: bigint, spec: Spec): void {
    if (this.checkPointer(ptr, spec)) return;
    const max = spec.precision < 0 ? 1 << 24 : spec.precision;
    this.stringBytes(max === 0 ? new Uint8Array(0) : readCStringBytes(this.env.mem, ptr, max), spec);
  }

  /** pointer_string(): %px and the hashed forms: 16 zero-padded lower-case hex digits by default. */
  pointerString(ptr: bigint, spec: Spec): void {
    const s: Spec = { ...spec, base: 16, flags: spec.flags | SMALL };
    if (s.fieldWidth === -1) {
      s.fieldWidth = 16;
      s.flags |= ZEROPAD;
    }
    this.number(ptr, s);
  }

  /** default_pointer() / ptr_to_id(): NULL and ERR_PTRs print raw, everything else hashed. */
  defaultPointer(ptr: bigint, spec: Spec): void {
    if (this.env.noHashPointers || ptr === 0n || isErrValue(ptr)) return this.pointerString(ptr, spec);
    const hash = this.env.hashPointer ?? pointerHash;
    this.pointerString(hash(ptr), spec);
  }

  /** special_hex_number(): "0x" + 2*size zero-padded digits. */
  private specialHex(num: bigint, size: number): void {
    this.number(num, { type: T.PTR, fieldWidth: 2 + 2 * size, flags: SPECIAL | SMALL | ZEROPAD, base: 16, precision: -1 });
  }

  /**
   * symbol_string(): sprint_symbol() "name+0xoff/0xsize [mod]", sprint_symbol_no_offset() "name [mod]"
   * (%ps), sprint_backtrace() (%pB: looks up address-1 and prints offset+1, for return addresses).
   * Unknown addresses print "0x%lx" (__sprint_symbol()).
   */
  private symbol(ptr: bigint, fmt: Uint8Array, p: number, spec: Spec): void {
    const kind = fmt[p];
    const value = BigInt.asUintN(64, ptr);
    let text: string;
    if (kind === ch('B')) {
      const sym = this.env.symbolize(value - 1n);
      const parsed = sym === null ? null : parseSymbol(sym);
      if (sym === null) text = '0x' + value.toString(16);
      else if (parsed === null) text = sym;
      else text = `${parsed.name}+0x${(parsed.offset + 1n).toString(16)}/0x${parsed.size.toString(16)}${parsed.rest}`;
    } else {
      const sym = this.env.symbolize(value);
      if (sym === null) text = '0x' + value.toString(16);
      else if (kind === ch('s')) {
        const parsed = parseSymbol(sym);
        text = parsed === null ? sym : parsed.name + parsed.rest;
      } else text = sym;
    }
    this.stringBytes(asciiBytes(text), spec);
  }

  /** pointer(): fmt[p] is the character after 'p'. */
  pointer(fmt: Uint8Array, p: number, ptr: bigint, spec: Spec): void {
    const c0 = p < fmt.length ? fmt[p] : 0;
    const c1 = p + 1 < fmt.length ? fmt[p + 1] : 0;
    const mem = this.env.mem;
    switch (String.fromCharCode(c0)) {
      case 'S':
      case 's':
      case 'B':
        return this.symbol(ptr, fmt, p, spec);
      case 'x':
        return this.pointerString(ptr, spec);
      case 'e': {
        // "%pe with a non-ERR_PTR gets treated as plain %p"; err_ptr() prints errname() or the number.
        if (!isErrValue(ptr)) return this.defaultPointer(ptr, spec);
        const err = Number(BigInt.asIntN(32, ptr));
        const name = errname(err);
        if (name !== null) return this.stringBytes(asciiBytes(name), spec);
        return this.number(BigInt(err), { ...spec, flags: spec.flags | SIGN, base: 10 });
      }
      case 'K': {
        // restricted_pointer(): 0 -> hashed like %p; 1 -> the real value for a CAP_SYSLOG caller with
        // unchanged credentials (root running insmod); 2 -> zeros.
        const k = this.env.kptrRestrict ?? 0;
        if (k === 0) return this.defaultPointer(ptr, spec);
        return this.pointerString(k === 1 ? ptr : 0n, spec);
      }
      case 'h': {
        // hex_string(): %ph[CDN], the field width is the byte count (default 1, at most 64).
        if (spec.fieldWidth === 0) return;
        if (this.checkPointer(ptr, spec)) return;
        const sep = c1 === ch('C') ? ch(':') : c1 === ch('D') ? ch('-') : c1 === ch('N') ? 0 : ch(' ');
        const len = spec.fieldWidth > 0 ? Math.min(spec.fieldWidth, 64) : 1;
        const bytes = mem.read(ptr, len, 'read');
        const hexd = '0123456789abcdef';
        for (let i = 0; i < len; i++) {
          this.put(hexd.charCodeAt(bytes[i] >> 4));
          this.put(hexd.charCodeAt(bytes[i] & 15));
          if (sep && i !== len - 1) this.put(sep);
        }
        return;
      }
      case 'M':
      case 'm': {
        // mac_address_string(): [mM][FR]
        if (this.checkPointer(ptr, spec)) return;
        const a = mem.read(ptr, 6, 'read');
        const sep = c1 === ch('F') ? '-' : ':';
        const rev = c1 === ch('R');
        const parts: string[] = [];
        for (let i = 0; i < 6; i++) parts.push((rev ? a[5 - i] : a[i]).toString(16).padStart(2, '0'));
        return this.stringBytes(asciiBytes(parts.join(c0 === ch('M') ? sep : '')), spec);
      }
      case 'I':
      case 'i': {
        if (c1 === ch('4')) {
          // ip4_addr_string() / ip4_string(): %pI4 1.2.3.4, %pi4 001.002.003.004, [hnbl] byte order.
          if (this.checkPointer(ptr, spec)) return;
          const a = mem.read(ptr, 4, 'read');
          const c2 = p + 2 < fmt.length ? fmt[p + 2] : 0;
          const little = c2 === ch('h') || c2 === ch('l');
          const quads: string[] = [];
          for (let i = 0; i < 4; i++) {
            const b = a[little ? 3 - i : i];
            quads.push(c0 === ch('i') ? String(b).padStart(3, '0') : String(b));
          }
          return this.stringBytes(asciiBytes(quads.join('.')), spec);
        }
        if (c1 === ch('6') || c1 === ch('S')) {
          this.warnings.push(`%p${String.fromCharCode(c0, c1)} is not modelled; printed as a hashed pointer`);
          return this.defaultPointer(ptr, spec);
        }
        return this.defaultPointer(ptr, spec);
      }
      case 'a': {
        // address_val(): %pa[p] phys_addr_t, %pad dma_addr_t, both 8 bytes on x86-64.
        if (this.checkPointer(ptr, spec)) return;
        return this.specialHex(readU64(mem, ptr), 8);
      }
      case 'V': {
        // va_format(): struct va_format { const char *fmt; va_list *va; }, formatted with a va_copy.
        if (this.checkPointer(ptr, spec)) return;
        if (this.depth >= MAX_VA_FORMAT_DEPTH) {
          this.warnings.push('%pV nested too deeply');
          return;
        }
        const innerFmt = readCStringBytes(mem, readU64(mem, ptr));
        const args = new VaListArgs(mem, readU64(mem, ptr + 8n));
        const inner = new Formatter(this.env, this.warnings, this.depth + 1);
        inner.run(innerFmt, args);
        for (const b of inner.out) this.out.push(b);
        return;
      }
      case 'u':
      case 'k':
        if (c1 === ch('s')) return this.string(ptr, spec);
        return this.errorString('(einval)', spec);
      case 'R':
      case 'r':
      case 'b':
      case 'E':
      case 'U':
      case 'N':
      case '4':
      case 'd':
      case 't':
      case 'C':
      case 'D':
      case 'g':
      case 'G':
      case 'O':
      case 'f':
        this.warnings.push(`%p${String.fromCharCode(c0)} is not modelled; printed as a hashed pointer`);
        return this.defaultPointer(ptr, spec);
      default:
        return this.defaultPointer(ptr, spec);
    }
  }

  /** The loop of vsnprintf(). */
  run(fmt: Uint8Array, args: ArgSource): void {
    const spec: Spec = { type: T.NONE, fieldWidth: 0, flags: 0, base: 0, precision: 0 };
    let pos = 0;
    const at = (i: number): number => (i < fmt.length ? fmt[i] : 0);
    while (at(pos)) {
      const old = pos;
      const read = formatDecode(fmt, pos, spec, this.warnings);
      pos += read;
      switch (spec.type) {
        case T.NONE:
          for (let i = old; i < old + read; i++) this.put(fmt[i]);
          break;
        case T.WIDTH: {
          // set_field_width(): WARN and clamp when the int does not fit the 24-bit field.
          const w = Number(BigInt.asIntN(32, args.next()));
          if (w > FIELD_WIDTH_MAX || w < -FIELD_WIDTH_MAX) {
            this.warnings.push(`field width ${w} too large`);
            spec.fieldWidth = Math.max(-FIELD_WIDTH_MAX, Math.min(FIELD_WIDTH_MAX, w));
          } else spec.fieldWidth = w;
          break;
        }
        case T.PRECISION: {
          const pr = Number(BigInt.asIntN(32, args.next()));
          if (signedBits(pr, 16) !== pr) {
            this.warnings.push(`precision ${pr} too large`);
            spec.precision = Math.max(0, Math.min(PRECISION_MAX, pr));
          } else spec.precision = pr;
          break;
        }
        case T.CHAR: {
          if (!(spec.flags & LEFT)) while (--spec.fieldWidth > 0) this.put(ch(' '));
          this.put(Number(args.next() & 0xffn));
          while (--spec.fieldWidth > 0) this.put(ch(' '));
          break;
        }
        case T.STR:
          this.string(BigInt.asUintN(64, args.next()), spec);
          break;
        case T.PTR:
          this.pointer(fmt, pos, BigInt.asUintN(64, args.next()), spec);
          // The extension letters are not part of the next literal: "while (isalnum(*fmt)) fmt++;".
          while (isAlnum(at(pos))) pos++;
          break;
        case T.PERCENT_CHAR:
          this.put(ch('%'));
          break;
        case T.INVALID:
          // "there is no safe or sane way for us to continue parsing the format"
          return;
        default:
          this.number(fetchInteger(spec.type, spec.flags, args.next()), spec);
      }
    }
  }
}

/** The va_arg() and casts vsnprintf() applies per length modifier; result is the unsigned long long. */
function fetchInteger(type: T, flags: number, raw: bigint): bigint {
  switch (type) {
    case T.LONG_LONG:
    case T.ULONG:
    case T.LONG:
    case T.SIZE_T:
    case T.PTRDIFF:
      return BigInt.asUintN(64, raw);
    case T.UBYTE:
      return raw & 0xffn;
    case T.BYTE:
      return BigInt.asUintN(64, BigInt.asIntN(8, raw));
    case T.USHORT:
      return raw & 0xffffn;
    case T.SHORT:
      return BigInt.asUintN(64, BigInt.asIntN(16, raw));
    case T.INT:
      return BigInt.asUintN(64, BigInt.asIntN(32, raw));
    default:
      void flags;
      return raw & 0xffffffffn;
  }
}

/** format_decode(): one token from fmt[pos]; returns the bytes consumed and fills spec. */
function formatDecode(fmt: Uint8Array, start: number, spec: Spec, warnings: string[]): number {
  const at = (i: number): number => (i < fmt.length ? fmt[i] : 0);
  let p = start;
  let stage: 'flags' | 'precision' | 'qualifier' = 'flags';

  if (spec.type === T.WIDTH) {
    // "we finished early by reading the field width"
    if (spec.fieldWidth < 0) {
      spec.fieldWidth = -spec.fieldWidth;
      spec.flags |= LEFT;
    }
    spec.type = T.NONE;
    stage = 'precision';
  } else if (spec.type === T.PRECISION) {
    if (spec.precision < 0) spec.precision = 0;
    spec.type = T.NONE;
    stage = 'qualifier';
  } else {
    spec.type = T.NONE;
    while (at(p) && at(p) !== ch('%')) p++;
    // "Return the current non-format string"
    if (p !== start || !at(p)) return p - start;
    spec.flags = 0;
    for (;;) {
      p++;
      const c = at(p);
      if (c === ch('-')) spec.flags |= LEFT;
      else if (c === ch('+')) spec.flags |= PLUS;
      else if (c === ch(' ')) spec.flags |= SPACE;
      else if (c === ch('#')) spec.flags |= SPECIAL;
      else if (c === ch('0')) spec.flags |= ZEROPAD;
      else break;
    }
    spec.fieldWidth = -1;
    if (isDigit(at(p))) {
      let v = 0;
      while (isDigit(at(p))) v = (v * 10 + (at(p++) - 0x30)) | 0;
      spec.fieldWidth = signedBits(v, 24);
    } else if (at(p) === ch('*')) {
      spec.type = T.WIDTH;
      return ++p - start;
    }
    stage = 'precision';
  }

  if (stage === 'precision') {
    spec.precision = -1;
    if (at(p) === ch('.')) {
      ++p;
      if (isDigit(at(p))) {
        let v = 0;
        while (isDigit(at(p))) v = (v * 10 + (at(p++) - 0x30)) | 0;
        spec.precision = signedBits(v, 16);
        if (spec.precision < 0) spec.precision = 0;
      } else if (at(p) === ch('*')) {
        spec.type = T.PRECISION;
        return ++p - start;
      }
    }
  }

  // qualifier: h hh l ll L z t. No 'j' (intmax_t) in the kernel: %jd is an unsupported conversion.
  let qualifier = 0;
  const q = at(p);
  if (q === ch('h') || q === ch('l') || q === ch('L') || q === ch('z') || q === ch('t')) {
    qualifier = q;
    p++;
    if (qualifier === at(p)) {
      if (qualifier === ch('l')) {
        qualifier = ch('L');
        ++p;
      } else if (qualifier === ch('h')) {
        qualifier = ch('H');
        ++p;
      }
    }
  }

  spec.base = 10;
  const c = at(p);
  switch (c) {
    case ch('c'):
      spec.type = T.CHAR;
      return ++p - start;
    case ch('s'):
      spec.type = T.STR;
      return ++p - start;
    case ch('p'):
      spec.type = T.PTR;
      return ++p - start;
    case ch('%'):
      spec.type = T.PERCENT_CHAR;
      return ++p - start;
    case ch('o'):
      spec.base = 8;
      break;
    case ch('x'):
      spec.flags |= SMALL;
      spec.base = 16;
      break;
    case ch('X'):
      spec.base = 16;
      break;
    case ch('d'):
    case ch('i'):
      spec.flags |= SIGN;
      break;
    case ch('u'):
      break;
    default:
      // %n and anything unknown: WARN_ONCE(1, "Please remove unsupported %%%c in format string\n", *fmt)
      warnings.push(`Please remove unsupported %${String.fromCharCode(c)} in format string`);
      spec.type = T.INVALID;
      return p - start;
  }

  const signed = (spec.flags & SIGN) !== 0;
  if (qualifier === ch('L')) spec.type = T.LONG_LONG;
  else if (qualifier === ch('l')) spec.type = signed ? T.LONG : T.ULONG;
  else if (qualifier === ch('z')) spec.type = T.SIZE_T;
  else if (qualifier === ch('t')) spec.type = T.PTRDIFF;
  else if (qualifier === ch('H')) spec.type = signed ? T.BYTE : T.UBYTE;
  else if (qualifier === ch('h')) spec.type = signed ? T.SHORT : T.USHORT;
  else spec.type = signed ? T.INT : T.UINT;
  return ++p - start;
}

interface ParsedSymbol {
  name: string;
  offset: bigint;
  size: bigint;
  /** " [module]" or "" */
  rest: string;
}

function parseSymbol(sym: string): ParsedSymbol | null {
  const m = /^(.*?)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(.*)$/.exec(sym);
  if (!m) return null;
  return { name: m[1], offset: BigInt('0x' + m[2]), size: BigInt('0x' + m[3]), rest: m[4] };
}

/** Format fmt (bytes, no NUL) with args: the full output vsnprintf() would produce. */
export function formatBytes(env: FormatEnv, fmt: Uint8Array, args: ArgSource): FormatOutput {
  const warnings: string[] = [];
  const f = new Formatter(env, warnings, 0);
  f.run(fmt, args);
  return { bytes: Uint8Array.from(f.out), warnings };
}

/** Format the C string at fmtAddress. */
export function formatAt(env: FormatEnv, fmtAddress: bigint, args: ArgSource): FormatOutput {
  return formatBytes(env, readCStringBytes(env.mem, fmtAddress), args);
}

export const INT_MAX = 0x7fffffffn;

export interface VsnprintfResult extends FormatOutput {
  /** vsnprintf()'s return: the would-be length. */
  length: number;
  /** Bytes stored before the NUL: what vscnprintf()/scnprintf() return. */
  written: number;
}

/**
 * vsnprintf(buf, size, fmt, args) into modelled memory. size > INT_MAX is WARN_ON_ONCE'd and returns 0
 * without touching buf; size 0 writes nothing (buf may be NULL: kasprintf's sizing pass).
 */
export function kvsnprintf(env: FormatEnv, buf: bigint, size: bigint, fmtAddress: bigint, args: ArgSource): VsnprintfResult {
  size = BigInt.asUintN(64, size);
  if (size > INT_MAX) return { bytes: new Uint8Array(0), warnings: ['WARN_ON_ONCE(size > INT_MAX) in vsnprintf'], length: 0, written: 0 };
  const out = formatAt(env, fmtAddress, args);
  let written = 0;
  if (size > 0n) {
    written = Math.min(out.bytes.length, Number(size) - 1);
    const stored = new Uint8Array(written + 1);
    stored.set(out.bytes.subarray(0, written));
    env.mem.write(buf, stored);
  }
  return { ...out, length: out.bytes.length, written };
}
