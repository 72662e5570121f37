/**
 * vmlinux's kallsyms: every symbol of the real kernel's /proc/kallsyms (functions, data, per-CPU
 * offsets), read under QEMU by scripts/kernel-profile/kallsyms.mjs and stored compactly in the
 * profile's optional `kallsyms` field (see samples/kernel/README.md). Pure: no I/O.
 *
 * Addresses here are link-time (the nokaslr boot); a running kernel adds its KASLR slide to every
 * symbol in the kernel image mapping, not to the absolute per-CPU offsets.
 */
import { KernelProfileError } from './profile-error';
import { probeIndex } from './name-hash';

/** Start of the x86_64 kernel image mapping (__START_KERNEL_map). */
const KERNEL_IMAGE_BASE = 0xffffffff80000000n;
/** The symbols that bound kernel text and kallsyms_lookup()'s range (see find() and isText()). */
export const KALLSYMS_BOUNDS: readonly string[] = ['_stext', '_end', '_etext', '_sinittext', '_einittext'];
/** indexOf() scans the table for this many lookups, then builds the by-name index. */
const INDEX_AFTER_SCANS = 16;

export interface KallsymsHit {
  /** Index in /proc/kallsyms order. */
  readonly index: number;
  readonly name: string;
  /** /proc/kallsyms type letter ('T', 't', 'D', …). */
  readonly type: string;
  /** Link-time start of the symbol. */
  readonly address: bigint;
  readonly offset: bigint;
  /** Distance to the next symbol at a higher address, as get_symbol_pos() measures it. */
  readonly size: bigint;
}

/**
 * The profile's names as stored: one line per symbol, a base-36 digit (how many leading characters it shares with the
 * previous name) then the rest. Kept so: a load asks for a few names, and 94,000 strings cost more than it saves.
 */
export interface FrontCodedNames {
  readonly coded: string;
  /** Where each line starts (its digit); starts[count] is one past the end, as if a newline followed. */
  readonly starts: Uint32Array;
  /** Each line's shared-prefix length. */
  readonly prefix: Uint8Array;
}

export class KallsymsTable {
  readonly count: number;
  /** Every name, decoded on first use; nameAt() and indexOf() read the front-coded lines without it. */
  private decoded: string[] | null;
  private readonly fc: FrontCodedNames | null;
  /** One /proc/kallsyms type letter per symbol. */
  readonly types: string;
  /** Link-time addresses, sorted (the /proc/kallsyms order). */
  readonly addresses: BigUint64Array;
  /** Names in /sys/kernel/debug/kprobes/blacklist: register_kprobe() refuses them. */
  readonly kprobeBlacklist: ReadonlySet<string>;
  private byName: Map<string, number> | null = null;
  /** Lookups answered by scanning so far (see indexOf), and their answers. */
  private scans = 0;
  private readonly scanned = new Map<string, number>();
  private readonly stext: bigint;
  private readonly end: bigint;
  private readonly etext: bigint;
  private readonly sinittext: bigint;
  private readonly einittext: bigint;

  /**
   * `nameIndex`: the binary profile's precomputed by-name index (name-hash.ts: each name's first entry), which
   * indexOf() probes instead of scanning or building the by-name map. `bounds`: the addresses of KALLSYMS_BOUNDS as
   * the binary profile stored them (the names' lines are then not read to find them).
   */
  constructor(
    names: string[] | FrontCodedNames,
    types: string,
    addresses: BigUint64Array,
    kprobeBlacklist: Iterable<string>,
    private readonly nameIndex: Uint32Array | null = null,
    bounds?: readonly (bigint | null)[],
  ) {
    if (Array.isArray(names)) {
      this.count = names.length;
      this.decoded = names;
      this.fc = null;
    } else {
      this.count = names.prefix.length;
      this.decoded = null;
      this.fc = names;
    }
    this.types = types;
    this.addresses = addresses;
    this.kprobeBlacklist = new Set(kprobeBlacklist);
    const first = this.firstKernelIndex();
    const lo = first < this.count ? addresses[first] : 0n;
    const hi = this.count ? addresses[this.count - 1] + 1n : 0n;
    // Five scans of the front-coded lines for the bounds instead of the by-name index (94,000 names), which most runs never need.
    const b = bounds ?? this.firstOf(KALLSYMS_BOUNDS);
    this.stext = b[0] ?? lo;
    this.end = b[1] ?? hi;
    this.etext = b[2] ?? this.end;
    this.sinittext = b[3] ?? 0n;
    this.einittext = b[4] ?? 0n;
  }

  /** The names as the profile stores them (null when they were given decoded): the binary profile writes them so. */
  get frontCoded(): FrontCodedNames | null {
    return this.fc;
  }

  /** Every name, in table order (decoded from the front-coded lines on first use). */
  get names(): readonly string[] {
    if (this.decoded) return this.decoded;
    const fc = this.fc as FrontCodedNames;
    const names = new Array<string>(this.count);
    const { coded, starts, prefix } = fc;
    let prev = '';
    for (let i = 0; i < this.count; i++) {
      const k = prefix[i];
      const rest = coded.slice(starts[i] + 1, starts[i + 1] - 1);
      prev = names[i] = k === 0 ? rest : prev.slice(0, k) + rest;
    }
    this.decoded = names;
    return names;
  }

  /** Name i: its line's rest after the characters it shares with the lines before, back to one that shares none. */
  nameAt(i: number): string {
    if (this.decoded || !this.fc) return this.names[i];
    const { coded, starts, prefix } = this.fc;
    const parts: string[] = [];
    // name_j = name_(j-1)[0, k_j) + rest_j: the characters [k_j, want) of name i come from line j.
    let want = prefix[i] + (starts[i + 1] - starts[i] - 2);
    for (let j = i; want > 0; j--) {
      const k = prefix[j];
      if (want > k) parts.push(coded.slice(starts[j] + 1, starts[j] + 1 + (want - k)));
      if (k < want) want = k;
    }
    return parts.length === 1 ? parts[0] : parts.reverse().join('');
  }

  /** The first index named `name`, read off the front-coded lines (no name is built), or -1. */
  private scanFor(name: string): number {
    if (this.nameIndex) return probeIndex(this.nameIndex, name, (i) => this.nameAt(i) === name);
    if (this.decoded || !this.fc) {
      const names = this.names;
      for (let i = 0; i < this.count; i++) if (names[i] === name) return i;
      return -1;
    }
    const { coded, starts, prefix } = this.fc;
    const n = name.length;
    let m = 0; // characters the previous name shares with `name`
    for (let i = 0; i < this.count; i++) {
      const k = prefix[i];
      // k > m: this name keeps the previous one's character at m, which is not name's (or name ends there): m stays.
      if (k > m) continue;
      let c = k;
      let p = starts[i] + 1;
      const e = starts[i + 1] - 1;
      while (c < n && p < e && coded.charCodeAt(p) === name.charCodeAt(c)) {
        c++;
        p++;
      }
      if (c === n && p === e) return i;
      m = c;
    }
    return -1;
  }

  /** Link-time address of the first symbol of each name (as linkAddress). */
  private firstOf(wanted: readonly string[]): (bigint | null)[] {
    return wanted.map((w) => {
      const i = this.scanFor(w);
      return i < 0 ? null : this.addresses[i];
    });
  }

  private firstKernelIndex(): number {
    let i = 0;
    while (i < this.count && this.addresses[i] < KERNEL_IMAGE_BASE) i++;
    return i;
  }

  /** True when the symbol moves with the KASLR slide (everything but the absolute per-CPU offsets). */
  slides(index: number): boolean {
    return this.addresses[index] >= KERNEL_IMAGE_BASE;
  }

  /**
   * kallsyms_lookup_name() (kernel/kallsyms.c, 6.1): the first symbol of that name in table order,
   * or -1.
   */
  indexOf(name: string): number {
    // The first few questions scan the table (about a millisecond each); the by-name index (94,000 names,
    // ~100 ms to build) only once a run keeps asking.
    if (this.nameIndex) return probeIndex(this.nameIndex, name, (i) => this.nameAt(i) === name);
    const known = this.scanned.get(name);
    if (known !== undefined) return known;
    if (!this.byName && this.scans < INDEX_AFTER_SCANS) {
      this.scans++;
      const i = this.scanFor(name);
      this.scanned.set(name, i);
      return i;
    }
    if (!this.byName) {
      const m = new Map<string, number>();
      const names = this.names;
      for (let i = 0; i < this.count; i++) if (!m.has(names[i])) m.set(names[i], i);
      this.byName = m;
    }
    return this.byName.get(name) ?? -1;
  }

  /** Link-time address of the first symbol named `name`, or null. */
  linkAddress(name: string): bigint | null {
    const i = this.indexOf(name);
    return i < 0 ? null : this.addresses[i];
  }

  /** kernel_text_address() for vmlinux: core text [_stext, _etext) or init text [_sinittext, _einittext). */
  isText(address: bigint): boolean {
    return (address >= this.stext && address < this.etext) || (address >= this.sinittext && address < this.einittext);
  }

  /**
   * kallsyms_lookup() for a vmlinux address: is_ksym_addr() (CONFIG_KALLSYMS_ALL: [_stext, _end]),
   * then get_symbol_pos(): the last symbol at or below, moved back to the first of its aliases, sized
   * up to the next higher address (or _einittext / _end after the last one).
   */
  find(address: bigint): KallsymsHit | null {
    if (address < this.stext || address > this.end) return null;
    const a = this.addresses;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] <= address) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    let i = lo - 1;
    while (i > 0 && a[i - 1] === a[i]) i--;
    const start = a[i];
    let next = 0n;
    for (let j = i + 1; j < this.count; j++) {
      if (a[j] > start) {
        next = a[j];
        break;
      }
    }
    if (next === 0n) next = address >= this.sinittext && address < this.einittext ? this.einittext : this.end;
    return { index: i, name: this.nameAt(i), type: this.types[i], address: start, offset: address - start, size: next - start };
  }
}

/** parseInt(c, 36) of one character: 0..35, or -1. */
function base36Digit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return -1;
}

/** Validate the profile's `kallsyms` field (format in generate.mjs's kallsymsTable()). */
export function parseKallsyms(v: unknown, path: string): KallsymsTable {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new KernelProfileError('bad-field', 'expected an object', path);
  const t = v as Record<string, unknown>;
  const count = t.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
    throw new KernelProfileError('bad-field', 'expected a non-negative integer', `${path}.count`);
  const base = t.base;
  if (typeof base !== 'string' || !/^[0-9a-f]{1,16}$/.test(base))
    throw new KernelProfileError('bad-field', 'expected up to 16 lowercase hex digits', `${path}.base`);
  const absolute = t.absolute;
  if (typeof absolute !== 'number' || !Number.isSafeInteger(absolute) || absolute < 0 || absolute > count)
    throw new KernelProfileError('bad-field', `expected an integer 0..${count}`, `${path}.absolute`);
  const types = t.type;
  if (typeof types !== 'string') throw new KernelProfileError('bad-field', 'expected a string', `${path}.type`);
  if (types.length !== count)
    throw new KernelProfileError('length-mismatch', `expected ${count} type letters, found ${types.length}`, `${path}.type`);
  if (!/^[A-Za-z?]*$/.test(types)) throw new KernelProfileError('bad-field', 'expected one type letter per symbol', `${path}.type`);
  const coded = t.name;
  if (typeof coded !== 'string') throw new KernelProfileError('bad-field', 'expected a string', `${path}.name`);
  // One name per line, counted without splitting (split() made 94,000 strings that were only sliced again).
  let lines = count === 0 ? 0 : 1;
  if (count > 0) for (let at = coded.indexOf('\n'); at >= 0; at = coded.indexOf('\n', at + 1)) lines++;
  if (lines !== count) throw new KernelProfileError('length-mismatch', `expected ${count} names, found ${lines}`, `${path}.name`);
  const delta = t.delta;
  if (!Array.isArray(delta)) throw new KernelProfileError('bad-field', 'expected an array', `${path}.delta`);
  if (delta.length !== count) throw new KernelProfileError('length-mismatch', `expected ${count} entries, found ${delta.length}`, `${path}.delta`);

  // The names stay front-coded (FrontCodedNames): each line's start and shared-prefix length, checked here.
  const starts = new Uint32Array(count + 1);
  const prefix = new Uint8Array(count);
  const addresses = new BigUint64Array(count);
  // Written as 32-bit halves (no BigInt per symbol); BigUint64Array holds host byte order.
  const halves = new Uint32Array(addresses.buffer);
  const [L, H] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [0, 1] : [1, 0];
  const b = BigInt('0x' + base);
  const bLo = Number(b & 0xffffffffn);
  const bHi = Number(b >> 32n);
  let prevLength = 0;
  let value = 0; // absolute values and offsets from base are well inside 2^53: plain numbers are exact
  let start = 0;
  for (let i = 0; i < count; i++) {
    let stop = coded.indexOf('\n', start);
    if (stop < 0) stop = coded.length;
    // The line: one base-36 digit (the length of the prefix shared with the previous name), then the rest.
    const k = stop > start ? base36Digit(coded.charCodeAt(start)) : -1;
    const length = k >= 0 && k <= prevLength ? k + (stop - start - 1) : 0;
    if (length === 0) throw new KernelProfileError('bad-field', `bad front-coded name '${coded.slice(start, stop)}'`, `${path}.name[${i}]`);
    starts[i] = start;
    prefix[i] = k;
    start = stop + 1;
    prevLength = length;
    const d = delta[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) throw new KernelProfileError('bad-field', 'expected an integer', `${path}.delta[${i}]`);
    const prev = value;
    value += d;
    if (!Number.isSafeInteger(value)) throw new KernelProfileError('bad-field', 'address out of range', `${path}.delta[${i}]`);
    // The address: value, or value + base modulo 2^64.
    if (value < 0) addresses[i] = BigInt.asUintN(64, i < absolute ? BigInt(value) : BigInt(value) + b);
    else {
      const vLo = value % 0x100000000;
      const vHi = (value - vLo) / 0x100000000;
      const lo = i < absolute ? vLo : vLo + bLo;
      halves[2 * i + L] = lo; // stored modulo 2^32
      halves[2 * i + H] = i < absolute ? vHi : vHi + bHi + (lo >= 0x100000000 ? 1 : 0);
    }
    // Sorted: within each group the values grow; across the boundary compare the addresses.
    if (i > 0 && (i === absolute ? addresses[i] < addresses[i - 1] : value < prev))
      throw new KernelProfileError('bad-field', 'addresses must not decrease', `${path}.delta[${i}]`);
  }
  const black = t.kprobeBlacklist ?? [];
  if (!Array.isArray(black)) throw new KernelProfileError('bad-field', 'expected an array', `${path}.kprobeBlacklist`);
  const blacklist = black.map((n, i) => {
    if (typeof n !== 'string') throw new KernelProfileError('bad-field', 'expected a string', `${path}.kprobeBlacklist[${i}]`);
    return n;
  });
  starts[count] = coded.length + 1;
  return new KallsymsTable({ coded, starts, prefix }, types, addresses, blacklist);
}
