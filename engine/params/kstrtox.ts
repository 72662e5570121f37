/**
 * lib/kstrtox.c: the kstrto*() family every standard parameter type parses with, always called
 * with base 0 by STANDARD_PARAM_DEF (kernel/params.c). Exact semantics, on bytes, in bigint:
 *
 *   - _parse_integer_fixup_radix(): base 0 means "0x"/"0X" followed by a hex digit → 16,
 *     any other leading "0" → 8, else 10. ("0x" alone is octal 0 followed by junk → -EINVAL.)
 *   - _parse_integer(): digits until the first non-digit; overflow past 64 bits sets a sticky
 *     flag (checked before the trailing-junk test, so "99999999999999999999x" is -ERANGE).
 *   - _kstrtoull(): no digits → -EINVAL; then one optional '\n'; then the string must end.
 *   - kstrtoull() skips one leading '+'; kstrtoll() also takes one leading '-' (but not "-+").
 *   - The narrow ones (kstrtou8, kstrtos16, kstrtoint …) parse 64-bit then range-check → -ERANGE.
 *   - No leading whitespace is skipped anywhere.
 */
import { EINVAL, ERANGE } from './log';

export type KstrtoxResult = { ok: true; value: bigint } | { ok: false; errno: number };

const U64 = (1n << 64n) - 1n;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isXdigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** _parse_integer_fixup_radix(): returns the base and how many prefix bytes to skip. */
export function fixupRadix(s: Uint8Array, at: number, base: number): { base: number; skip: number } {
  const c0 = s[at] ?? 0;
  const c1 = s[at + 1] ?? 0;
  const c2 = s[at + 2] ?? 0;
  if (base === 0) {
    if (c0 === 0x30) {
      // _tolower(c) is c | 0x20.
      base = (c1 | 0x20) === 0x78 && isXdigit(c2) ? 16 : 8;
    } else base = 10;
  }
  const skip = base === 16 && c0 === 0x30 && (c1 | 0x20) === 0x78 ? 2 : 0;
  return { base, skip };
}

/**
 * _parse_integer_limit(): the value (mod 2^64), how many digits were used, and whether it overflowed.
 */
export function parseInteger(s: Uint8Array, at: number, base: number): { value: bigint; digits: number; overflow: boolean } {
  let res = 0n;
  let digits = 0;
  let overflow = false;
  const b = BigInt(base);
  for (let i = at; i < s.length; i++) {
    const c = s[i];
    const lc = c | 0x20; // "don't tolower() this line"
    let val: number;
    if (isDigit(c)) val = c - 0x30;
    else if (lc >= 0x61 && lc <= 0x66) val = lc - 0x61 + 10;
    else break;
    if (val >= base) break;
    const v = BigInt(val);
    // The kernel checks only once res has bits above 59, against (ULLONG_MAX - val) / base.
    if (res >> 60n !== 0n && res > (U64 - v) / b) overflow = true;
    res = (res * b + v) & U64;
    digits++;
  }
  return { value: res, digits, overflow };
}

/** _kstrtoull(s, base): no sign handling. */
function kstrtoullNoSign(s: Uint8Array, at: number, base: number): KstrtoxResult {
  const r = fixupRadix(s, at, base);
  let p = at + r.skip;
  const parsed = parseInteger(s, p, r.base);
  if (parsed.overflow) return { ok: false, errno: -ERANGE };
  if (parsed.digits === 0) return { ok: false, errno: -EINVAL };
  p += parsed.digits;
  if (s[p] === 0x0a) p++;
  if (p < s.length) return { ok: false, errno: -EINVAL };
  return { ok: true, value: parsed.value };
}

/** The string up to its first NUL, so callers can pass raw buffers. */
function cut(s: Uint8Array): Uint8Array {
  const nul = s.indexOf(0);
  return nul < 0 ? s : s.subarray(0, nul);
}

/** kstrtoull(s, base): a leading '+' is allowed. */
export function kstrtoull(s: Uint8Array, base = 0): KstrtoxResult {
  s = cut(s);
  return kstrtoullNoSign(s, s[0] === 0x2b ? 1 : 0, base);
}

/** kstrtoll(s, base): '-' then digits, or kstrtoull(); the result must fit in s64. */
export function kstrtoll(s: Uint8Array, base = 0): KstrtoxResult {
  s = cut(s);
  if (s[0] === 0x2d) {
    const r = kstrtoullNoSign(s, 1, base);
    if (!r.ok) return r;
    // "if ((long long)-tmp > 0) return -ERANGE": true exactly when tmp > 2^63.
    if (r.value > 1n << 63n) return { ok: false, errno: -ERANGE };
    return { ok: true, value: -r.value };
  }
  const r = kstrtoull(s, base);
  if (!r.ok) return r;
  if (r.value >= 1n << 63n) return { ok: false, errno: -ERANGE };
  return r;
}

function unsignedFits(bits: number, r: KstrtoxResult): KstrtoxResult {
  if (!r.ok) return r;
  return r.value >> BigInt(bits) === 0n ? r : { ok: false, errno: -ERANGE };
}
function signedFits(bits: number, r: KstrtoxResult): KstrtoxResult {
  if (!r.ok) return r;
  const lim = 1n << BigInt(bits - 1);
  return r.value >= -lim && r.value < lim ? r : { ok: false, errno: -ERANGE };
}

export const kstrtou8 = (s: Uint8Array, base = 0): KstrtoxResult => unsignedFits(8, kstrtoull(s, base));
export const kstrtou16 = (s: Uint8Array, base = 0): KstrtoxResult => unsignedFits(16, kstrtoull(s, base));
export const kstrtouint = (s: Uint8Array, base = 0): KstrtoxResult => unsignedFits(32, kstrtoull(s, base));
export const kstrtos16 = (s: Uint8Array, base = 0): KstrtoxResult => signedFits(16, kstrtoll(s, base));
export const kstrtoint = (s: Uint8Array, base = 0): KstrtoxResult => signedFits(32, kstrtoll(s, base));
/** On x86-64 long is 64-bit: kstrtol() is kstrtoll() (include/linux/kstrtox.h). */
export const kstrtol = kstrtoll;
export const kstrtoul = kstrtoull;

export type KstrtoboolResult = { ok: true; value: boolean } | { ok: false; errno: number };

/**
 * kstrtobool() as in 6.1 (t/T/f/F were added in 5.19): only the first character counts,
 * except "o" which needs a second character n/N (on) or f/F (off). "yes please" is true,
 * "0x1" is false, "" and NULL are -EINVAL.
 */
export function kstrtobool(s: Uint8Array | null): KstrtoboolResult {
  if (s === null) return { ok: false, errno: -EINVAL };
  s = cut(s);
  switch (String.fromCharCode(s[0] ?? 0)) {
    case 'y':
    case 'Y':
    case 't':
    case 'T':
    case '1':
      return { ok: true, value: true };
    case 'n':
    case 'N':
    case 'f':
    case 'F':
    case '0':
      return { ok: true, value: false };
    case 'o':
    case 'O':
      switch (String.fromCharCode(s[1] ?? 0)) {
        case 'n':
        case 'N':
          return { ok: true, value: true };
        case 'f':
        case 'F':
          return { ok: true, value: false };
      }
      break;
  }
  return { ok: false, errno: -EINVAL };
}
