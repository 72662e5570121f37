/**
 * The kernel profile as one precomputed binary table, for a command-line start: the JSON (samples/kernel/*.json.gz,
 * the source of truth, and what the web app loads) costs a 3 MB parse, 24,600 export objects and a by-name map at
 * every start; this form is typed-array views of one buffer, names in Latin-1 blobs, exports built when first looked
 * up, and by-name indexes (name-hash.ts) computed at build time. scripts/build-cli.mjs writes it from the JSON
 * (encodeProfileBinary); decodeProfileBinary() answers every question as parseProfile() of that JSON does
 * (profile-binary.test.ts compares them on every export and kallsyms entry). Pure: the caller reads the file.
 *
 * Layout (little-endian): "MSKPROF1", u32 offset and u32 length of a JSON header (the small fields, the column
 * directory), then 8-aligned columns:
 *   v.name.off u32[nV+1], v.name latin1, v.addr u64[nV], v.crc u32[nV], v.flags u8[nV] (1 gpl, 2 per-CPU),
 *   v.ns u16[nV] (0 none, else namespaces[k-1]); m.* alike without addresses, m.module u16[nM] (paths index);
 *   exports.index u32 (lookup()'s answer per name: id < nV vmlinux, else module id - nV);
 *   k.addr u64[nK], k.type latin1[nK], k.coded latin1 (the front-coded lines, as the JSON has them),
 *   k.starts u32[nK+1], k.prefix u8[nK], k.index u32 (each name's first entry).
 */
import { KALLSYMS_BOUNDS, KallsymsTable } from './kallsyms-table';
import { buildIndex, hashBytes, hashName, probeIndex } from './name-hash';
import { assembleProfile, parseProfile, type KernelExport, type KernelProfile, type ModuleLayout } from './profile';
import { KernelProfileError } from './profile-error';

const MAGIC = 'MSKPROF1';
export const KERNEL_PROFILE_BINARY_VERSION = 1;

/**
 * Bytes [start, end) as a string of those character codes (main/ passes Buffer's native latin1 decoding). The decoder
 * always passes the whole input (or an aligned copy of it): offsets count from the input's first byte.
 */
export type Latin1Decoder = (bytes: Uint8Array, start: number, end: number) => string;

/** Whether bytes begin as a binary kernel profile does (its magic, "MSKPROF1"). */
export function isProfileBinary(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

export const latin1Js: Latin1Decoder = (bytes, start, end) => {
  let out = '';
  for (let i = start; i < end; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return out;
};

interface Header {
  readonly format: string;
  readonly version: number;
  readonly release: string;
  readonly distro: string;
  readonly vermagic: string;
  readonly config: Record<string, string | null>;
  readonly sections: Record<string, string>;
  readonly moduleLayout: ModuleLayout;
  readonly percpu: { start: string; size: string } | null;
  readonly paths: string[];
  readonly namespaces: string[];
  readonly counts: { vmlinux: number; modules: number; kallsyms: number | null };
  readonly kprobeBlacklist: string[];
  /** No two vmlinux exports share a name (lookup() then answers symbolize()'s question about the export at an address). */
  readonly vmlinuxNamesUnique: boolean;
  /** linkAddress() of each KALLSYMS_BOUNDS name (hex), null when absent. */
  readonly kallsymsBounds: (string | null)[];
  readonly columns: Record<string, [number, number]>;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ascii(s: string, what: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) throw new KernelProfileError('bad-field', `not ASCII: ${JSON.stringify(s.slice(0, 40))}`, what);
    b[i] = c;
  }
  return b;
}

/** Names in one blob and where each starts (offs[count] = the end). */
function blob(names: readonly string[], what: string): { offs: Uint32Array; bytes: Uint8Array } {
  const offs = new Uint32Array(names.length + 1);
  for (let i = 0; i < names.length; i++) offs[i + 1] = offs[i] + names[i].length;
  return { offs, bytes: ascii(names.join(''), what) };
}

function le(view: ArrayBufferView): Uint8Array {
  const b = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (LITTLE || view instanceof Uint8Array) return b;
  const size = view instanceof Uint16Array ? 2 : view instanceof Uint32Array ? 4 : 8;
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i += size) for (let j = 0; j < size; j++) out[i + j] = b[i + size - 1 - j];
  return out;
}

/** Validate the profile JSON (parseProfile) and write its binary table. Throws KernelProfileError. */
export function encodeProfileBinary(json: unknown): Uint8Array {
  const p = parseProfile(json);
  const root = json as Record<string, unknown>;
  const columns: Record<string, [number, number]> = {};
  const chunks: Uint8Array[] = [];
  let at = 16;
  const put = (name: string, view: ArrayBufferView): void => {
    const b = le(view);
    columns[name] = [at, b.length];
    chunks.push(b);
    at += b.length;
    const pad = (8 - (at % 8)) % 8;
    if (pad) chunks.push(new Uint8Array(pad));
    at += pad;
  };
  const namespaces: string[] = [];
  const nsIndex = new Map<string, number>();
  const nsOf = (n: string | null): number => {
    if (n === null) return 0;
    let k = nsIndex.get(n);
    if (k === undefined) {
      namespaces.push(n);
      nsIndex.set(n, (k = namespaces.length));
    }
    return k;
  };
  const paths = (root.modules as { paths: string[] }).paths;
  const pathIndex = new Map(paths.map((x, i) => [x, i]));
  if (paths.length > 0xffff) throw new KernelProfileError('bad-field', 'more than 65,535 module paths', '$.modules.paths');

  const V = p.vmlinuxExports;
  const M = p.moduleExports;
  const vNames = blob(
    V.map((e) => e.name),
    '$.vmlinux.name',
  );
  const mNames = blob(
    M.map((e) => e.name),
    '$.modules.name',
  );
  put('v.name.off', vNames.offs);
  put('v.name', vNames.bytes);
  put(
    'v.addr',
    BigUint64Array.from(V, (e) => e.address ?? 0n),
  );
  put(
    'v.crc',
    Uint32Array.from(V, (e) => e.crc),
  );
  put(
    'v.flags',
    Uint8Array.from(V, (e) => (e.gpl ? 1 : 0) | (e.percpu ? 2 : 0)),
  );
  put(
    'v.ns',
    Uint16Array.from(V, (e) => nsOf(e.namespace)),
  );
  put('m.name.off', mNames.offs);
  put('m.name', mNames.bytes);
  put(
    'm.crc',
    Uint32Array.from(M, (e) => e.crc),
  );
  put(
    'm.flags',
    Uint8Array.from(M, (e) => (e.gpl ? 1 : 0)),
  );
  put(
    'm.ns',
    Uint16Array.from(M, (e) => nsOf(e.namespace)),
  );
  put(
    'm.module',
    Uint16Array.from(M, (e) => pathIndex.get(e.module) ?? 0),
  );
  if (namespaces.length > 0xfffe) throw new KernelProfileError('bad-field', 'too many namespaces', '$.vmlinux.ns');
  // lookup(): the last vmlinux export of a name, else the first module export (parseProfile's byName).
  const order: number[] = [];
  for (let i = V.length - 1; i >= 0; i--) order.push(i);
  for (let i = 0; i < M.length; i++) order.push(V.length + i);
  const nameOf = (id: number): string => (id < V.length ? V[id].name : M[id - V.length].name);
  const hashOfExport = (id: number): number =>
    id < V.length
      ? hashBytes(vNames.bytes, vNames.offs[id], vNames.offs[id + 1])
      : hashBytes(mNames.bytes, mNames.offs[id - V.length], mNames.offs[id - V.length + 1]);
  put(
    'exports.index',
    buildIndex(order, hashOfExport, (a, b) => nameOf(a) === nameOf(b)),
  );

  const ks = p.kallsyms;
  if (ks) {
    const fc = ks.frontCoded;
    if (!fc) throw new KernelProfileError('bad-field', 'kallsyms names not front-coded', '$.kallsyms.name');
    put('k.addr', ks.addresses);
    put('k.type', ascii(ks.types, '$.kallsyms.type'));
    const coded = ascii(fc.coded, '$.kallsyms.name');
    put('k.coded', coded);
    put('k.starts', fc.starts);
    put('k.prefix', fc.prefix);
    const names = ks.names;
    const ids = Uint32Array.from({ length: ks.count }, (_, i) => i);
    const hashes = Uint32Array.from(names, hashName);
    put(
      'k.index',
      buildIndex(
        ids,
        (i) => hashes[i],
        (a, b) => names[a] === names[b],
      ),
    );
  }
  const ksRaw = root.kallsyms as { kprobeBlacklist?: string[] } | null | undefined;
  const header: Header = {
    format: 'modscope-kernel-profile-binary',
    version: KERNEL_PROFILE_BINARY_VERSION,
    release: p.release,
    distro: p.distro,
    vermagic: p.vermagic,
    config: Object.fromEntries(p.config),
    sections: Object.fromEntries([...p.sections].map(([k, v]) => [k, v.toString(16)])),
    moduleLayout: p.moduleLayout,
    percpu: p.percpu ? { start: p.percpu.start.toString(16), size: p.percpu.size.toString(16) } : null,
    paths,
    namespaces,
    counts: { vmlinux: V.length, modules: M.length, kallsyms: ks ? ks.count : null },
    kprobeBlacklist: ks ? [...(ksRaw?.kprobeBlacklist ?? [])] : [],
    vmlinuxNamesUnique: new Set(V.map((e) => e.name)).size === V.length,
    kallsymsBounds: KALLSYMS_BOUNDS.map((n) => ks?.linkAddress(n)?.toString(16) ?? null),
    columns,
  };
  const head = ascii(JSON.stringify(header), '$');
  const out = new Uint8Array(at + head.length);
  out.set(ascii(MAGIC, '$'), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, at, true);
  dv.setUint32(12, head.length, true);
  let o = 16;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  out.set(head, at);
  return out;
}

function bad(message: string, path = '$'): KernelProfileError {
  return new KernelProfileError('bad-format', message, path);
}

/** A profile from encodeProfileBinary()'s bytes. Throws KernelProfileError on a table this version did not write. */
export function decodeProfileBinary(input: Uint8Array, latin1: Latin1Decoder = latin1Js): KernelProfile {
  // Typed-array views need aligned offsets (a small Buffer may sit at any offset of Node's pool).
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  if (bytes.length < 16 || latin1(bytes, 0, 8) !== MAGIC) throw bad('not a binary kernel profile');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headAt = dv.getUint32(8, true);
  const headLen = dv.getUint32(12, true);
  if (headAt + headLen > bytes.length) throw bad('truncated');
  const h = JSON.parse(latin1(bytes, headAt, headAt + headLen)) as Header;
  if (h.format !== 'modscope-kernel-profile-binary' || h.version !== KERNEL_PROFILE_BINARY_VERSION)
    throw bad(`unsupported binary profile ${h.format} ${h.version}`);
  const col = (name: string, size: number, count: number): [number, number] => {
    const c = h.columns[name];
    if (!c || c[1] !== size * count || c[0] % 8 !== 0 || c[0] + c[1] > headAt) throw bad(`column ${name}`);
    return c;
  };
  const u8 = (name: string, count: number): Uint8Array => {
    const [o] = col(name, 1, count);
    return bytes.subarray(o, o + count);
  };
  const swapped = (o: number, count: number, size: 2 | 4): number[] =>
    Array.from({ length: count }, (_, i) => (size === 2 ? dv.getUint16(o + 2 * i, true) : dv.getUint32(o + 4 * i, true)));
  const u16 = (name: string, count: number): Uint16Array => {
    const [o] = col(name, 2, count);
    return LITTLE ? new Uint16Array(bytes.buffer, bytes.byteOffset + o, count) : Uint16Array.from(swapped(o, count, 2));
  };
  const u32 = (name: string, count: number): Uint32Array => {
    const [o] = col(name, 4, count);
    return LITTLE ? new Uint32Array(bytes.buffer, bytes.byteOffset + o, count) : Uint32Array.from(swapped(o, count, 4));
  };
  const u64 = (name: string, count: number): BigUint64Array => {
    const [o] = col(name, 8, count);
    return LITTLE
      ? new BigUint64Array(bytes.buffer, bytes.byteOffset + o, count)
      : BigUint64Array.from({ length: count }, (_, i) => dv.getBigUint64(o + 8 * i, true));
  };
  const indexOf = (name: string): Uint32Array => {
    const c = h.columns[name];
    const n = c ? c[1] / 4 : 0;
    if (n < 8 || (n & (n - 1)) !== 0) throw bad(`column ${name}`);
    return u32(name, n);
  };
  const nV = h.counts.vmlinux;
  const nM = h.counts.modules;

  const vOff = u32('v.name.off', nV + 1);
  const vAddr = u64('v.addr', nV);
  const vCrc = u32('v.crc', nV);
  const vFlags = u8('v.flags', nV);
  const vNs = u16('v.ns', nV);
  const mOff = u32('m.name.off', nM + 1);
  const mCrc = u32('m.crc', nM);
  const mFlags = u8('m.flags', nM);
  const mNs = u16('m.ns', nM);
  const mModule = u16('m.module', nM);
  const exportIndex = indexOf('exports.index');
  // Each blob of names decoded at once on first use (one native copy); a name is a slice of it.
  const blobOf = (name: string, length: number): (() => string) => {
    const [o] = col(name, 1, length);
    let text: string | null = null;
    return () => (text ??= latin1(bytes, o, o + length));
  };
  const vNames = blobOf('v.name', vOff[nV]);
  const mNames = blobOf('m.name', mOff[nM]);
  const ns = (k: number): string | null => (k === 0 ? null : h.namespaces[k - 1]);

  const vCache: (KernelExport | undefined)[] = new Array<KernelExport | undefined>(nV);
  const mCache: (KernelExport | undefined)[] = new Array<KernelExport | undefined>(nM);
  const vmlinuxAt = (i: number): KernelExport =>
    (vCache[i] ??= {
      name: vNames().slice(vOff[i], vOff[i + 1]),
      module: 'vmlinux',
      address: vAddr[i],
      percpu: (vFlags[i] & 2) !== 0,
      crc: vCrc[i],
      gpl: (vFlags[i] & 1) !== 0,
      namespace: ns(vNs[i]),
    });
  const moduleAt = (i: number): KernelExport =>
    (mCache[i] ??= {
      name: mNames().slice(mOff[i], mOff[i + 1]),
      module: h.paths[mModule[i]],
      address: null,
      percpu: false,
      crc: mCrc[i],
      gpl: (mFlags[i] & 1) !== 0,
      namespace: ns(mNs[i]),
    });
  const isAt = (names: string, start: number, end: number, name: string): boolean => end - start === name.length && names.startsWith(name, start);
  const exportId = (name: string): number =>
    probeIndex(exportIndex, name, (e) =>
      e < nV ? isAt(vNames(), vOff[e], vOff[e + 1], name) : isAt(mNames(), mOff[e - nV], mOff[e - nV + 1], name),
    );
  const lookup = (name: string): KernelExport | undefined => {
    const id = exportId(name);
    return id < 0 ? undefined : id < nV ? vmlinuxAt(id) : moduleAt(id - nV);
  };
  // The only vmlinux export of the name is lookup()'s answer (vmlinux first): no map of all 10,500 to build.
  const exportAt = (name: string, address: bigint): KernelExport | undefined => {
    const id = exportId(name);
    return id >= 0 && id < nV && vAddr[id] === address ? vmlinuxAt(id) : undefined;
  };

  let kallsyms: KallsymsTable | null = null;
  const nK = h.counts.kallsyms;
  if (nK !== null) {
    const addresses = u64('k.addr', nK);
    const [to] = col('k.type', 1, nK);
    const codedCol = h.columns['k.coded'];
    if (!codedCol) throw bad('column k.coded');
    const [co, cl] = codedCol;
    const starts = u32('k.starts', nK + 1);
    if (starts[nK] !== cl + 1) throw bad('column k.starts');
    // The lines decoded on the first name asked for (a load that never names a vmlinux symbol skips the 1.4 MB).
    let coded: string | null = null;
    const names = {
      get coded(): string {
        return (coded ??= latin1(bytes, co, co + cl));
      },
      starts,
      prefix: u8('k.prefix', nK),
    };
    const bounds = h.kallsymsBounds.map((b) => (b === null ? null : BigInt('0x' + b)));
    kallsyms = new KallsymsTable(names, latin1(bytes, to, to + nK), addresses, h.kprobeBlacklist, indexOf('k.index'), bounds);
  }
  const hex = (s: string): bigint => BigInt('0x' + s);
  return assembleProfile({
    release: h.release,
    distro: h.distro,
    vermagic: h.vermagic,
    config: new Map(Object.entries(h.config)),
    sections: new Map(Object.entries(h.sections).map(([k, v]) => [k, hex(v)])),
    moduleLayout: h.moduleLayout,
    percpu: h.percpu ? { start: hex(h.percpu.start), size: hex(h.percpu.size) } : null,
    vmlinuxExports: () => Array.from({ length: nV }, (_, i) => vmlinuxAt(i)),
    moduleExports: () => Array.from({ length: nM }, (_, i) => moduleAt(i)),
    kallsyms,
    lookup,
    exportAt: h.vmlinuxNamesUnique ? exportAt : undefined,
  });
}
