/**
 * lib/cmdline.c next_arg() and lib/string.c skip_spaces(), as parse_args() (kernel/params.c) uses
 * them on a module's argument string. next_arg() works in place: it writes NULs over the '=', a
 * closing quote and the separating space, and hands back pointers into the buffer. Here the same
 * NUL positions are computed, and each argument comes back with its spans so a UI can highlight it.
 *
 * Rules that fall out of the code (none is special-cased here; they are what the loop does):
 *   - Whitespace is isspace(): \t \n \v \f \r, space, and byte 0xA0.
 *   - A '"' toggles quoting anywhere; whitespace inside quotes does not split.
 *   - The first '=' splits name from value, except an '=' at offset 0 (equals == 0 means "none
 *     yet"), so "=a=b" is name "=a", value "b".
 *   - A value starting with '"' loses it, and the argument's last byte is cut if it is '"'.
 *   - An argument starting with '"' also loses it, and its last byte if that is '"': so
 *     "\"a=b c\"" is name a, value "b c".
 *   - Quotes elsewhere stay: a="b c"d gives value b c"d.
 */
import { type EncodedText, encodeUtf8 } from '../base/utf8';
import { kernelIsspace, text } from './cstr';

const QUOTE = 0x22;
const EQUALS = 0x3d;

/** A half-open range [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** next_arg()'s result, in byte offsets of the args buffer. */
export interface NextArgBytes {
  /** *param: the name, quotes removed and cut at the first NUL next_arg() wrote. */
  param: Uint8Array;
  /** *val: null when there was no '='. */
  val: Uint8Array | null;
  /** The whole argument as typed: from its first byte (a leading quote included) to the separator. */
  raw: Span;
  name: Span;
  value: Span | null;
  /** next_arg()'s return value: where the next argument starts, spaces skipped. */
  next: number;
}

/** Where the C string ends: the first NUL, or the buffer's end. */
export function cLength(args: Uint8Array): number {
  const nul = args.indexOf(0);
  return nul < 0 ? args.length : nul;
}

/** skip_spaces(): the first offset at or after `at` that is not isspace(). */
export function skipSpaces(args: Uint8Array, at: number): number {
  const len = cLength(args);
  while (at < len && kernelIsspace(args[at])) at++;
  return at;
}

/** next_arg(args + at, &param, &val). `at` must point at a non-space byte before the end. */
export function nextArg(args: Uint8Array, at: number): NextArgBytes {
  const len = cLength(args);
  let a = at;
  let inQuote = false;
  let quoted = false;
  if (args[a] === QUOTE) {
    a++;
    inQuote = true;
    quoted = true;
  }

  let i = 0;
  let equals = 0;
  for (; a + i < len; i++) {
    const c = args[a + i];
    if (kernelIsspace(c) && !inQuote) break;
    if (equals === 0 && c === EQUALS) equals = i;
    if (c === QUOTE) inQuote = !inQuote;
  }

  // The bytes next_arg() overwrites with NUL (besides the separator at a + i).
  const nuls: number[] = [];
  let valStart: number | null = null;
  if (equals !== 0) {
    nuls.push(a + equals);
    valStart = a + equals + 1;
    // "Don't include quotes in value."
    if (args[valStart] === QUOTE) {
      valStart++;
      if (args[a + i - 1] === QUOTE) nuls.push(a + i - 1);
    }
  }
  // `i > 0`: since "lib/cmdline: prevent unintented access to address" (5.9), a lone '"' at the end
  // of the string no longer reads args[-1].
  if (quoted && i > 0 && args[a + i - 1] === QUOTE) nuls.push(a + i - 1);

  const tokenEnd = a + i;
  const stringEnd = (from: number): number => {
    let end = tokenEnd;
    for (const n of nuls) if (n >= from && n < end) end = n;
    return end;
  };
  const nameEnd = stringEnd(a);
  const name: Span = { start: a, end: nameEnd };
  let value: Span | null = null;
  if (valStart !== null) value = { start: valStart, end: Math.max(valStart, stringEnd(valStart)) };

  const after = tokenEnd < len ? tokenEnd + 1 : tokenEnd;
  return {
    param: args.slice(name.start, name.end),
    val: value ? args.slice(value.start, value.end) : null,
    raw: { start: at, end: tokenEnd },
    name,
    value,
    next: skipSpaces(args, after),
  };
}

/** One argument for display: the kernel's view plus spans in the caller's units. */
export interface ArgToken extends NextArgBytes {
  /** param/val decoded as UTF-8 for display. */
  nameText: string;
  valueText: string | null;
  /** Spans in the caller's input: string indices for a string, byte offsets for bytes. */
  rawSpan: Span;
  nameSpan: Span;
  valueSpan: Span | null;
}

/** The args as the kernel gets them, and a way to turn byte spans back into caller spans. */
export interface ArgsInput {
  bytes: Uint8Array;
  toCaller(span: Span): Span;
}

/** Accept a JS string (encoded as UTF-8, as insmod passes argv) or raw bytes. */
export function argsInput(args: string | Uint8Array): ArgsInput {
  if (typeof args !== 'string') return { bytes: args, toCaller: (s) => ({ start: s.start, end: s.end }) };
  const enc: EncodedText = encodeUtf8(args);
  const ci = enc.charIndex;
  const n = enc.bytes.length;
  // A byte span can split a character (the kernel splits at 0xA0 inside "à"); widen it to whole characters.
  const boundaryAtOrAfter = (b: number): number => {
    while (b < n && b > 0 && ci[b] === ci[b - 1]) b++;
    return ci[b];
  };
  return {
    bytes: enc.bytes,
    toCaller: (s) => ({ start: ci[s.start], end: Math.max(ci[s.start], boundaryAtOrAfter(s.end)) }),
  };
}

/** Attach decoded text and caller spans to a next_arg() result. */
export function toToken(input: ArgsInput, a: NextArgBytes): ArgToken {
  return {
    ...a,
    nameText: text(a.param),
    valueText: a.val ? text(a.val) : null,
    rawSpan: input.toCaller(a.raw),
    nameSpan: input.toCaller(a.name),
    valueSpan: a.value ? input.toCaller(a.value) : null,
  };
}

/** Every argument next_arg() would produce, `--` and what follows it included. */
export function splitArgs(args: string | Uint8Array): ArgToken[] {
  const input = argsInput(args);
  const out: ArgToken[] = [];
  const len = cLength(input.bytes);
  let at = skipSpaces(input.bytes, 0);
  while (at < len) {
    const a = nextArg(input.bytes, at);
    out.push(toToken(input, a));
    at = a.next;
  }
  return out;
}
