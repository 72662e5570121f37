/**
 * The ->get() of every standard parameter type (kernel/params.c): what reading
 * /sys/module/<mod>/parameters/<name> shows, trailing newline included. param_attr_show()
 * calls it into a PAGE_SIZE buffer; most use scnprintf(buffer, PAGE_SIZE, fmt "\n", ...).
 */
import type { ParamType } from '../kmod/types';
import { readCString, text } from './cstr';
import type { ParamMemory } from './memory';
import type { KpView } from './set';

export type GetOutcome =
  | { kind: 'ok'; text: string; bytes: Uint8Array }
  | { kind: 'not-modelled'; reason: string }
  /** A read of memory that is not modelled (the kernel would oops or show garbage). */
  | { kind: 'fault'; address: bigint; reason: string };

const PAGE_SIZE = 4096;

/**
 * vsprintf's "%#08x" (lib/vsprintf.c number()): the field width counts the "0x", and unlike
 * glibc the kernel prints the prefix for zero too. 42 → "0x00002a", 0 → "0x000000",
 * 0xdeadbeef → "0xdeadbeef".
 */
export function formatHexint(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(6, '0')}`;
}

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** scnprintf(buf, PAGE_SIZE, ...): at most PAGE_SIZE - 1 bytes. */
function scn(bytes: Uint8Array): Uint8Array {
  return bytes.length > PAGE_SIZE - 1 ? bytes.subarray(0, PAGE_SIZE - 1) : bytes;
}

function withNewline(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  out[b.length] = 0x0a;
  return scn(out);
}

function readInt(mem: ParamMemory, address: bigint, size: number, signed: boolean): bigint {
  const b = mem.read(address, size);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return signed ? BigInt.asIntN(size * 8, v) : v;
}

/** Integer types: [size, signed]. The formats (%hhu %hi %hu %i %u %li %lu %llu) are plain decimal. */
const DECIMAL: Partial<Record<ParamType, [number, boolean]>> = {
  byte: [1, false],
  short: [2, true],
  ushort: [2, false],
  int: [4, true],
  uint: [4, false],
  long: [8, true],
  ulong: [8, false],
  ullong: [8, false],
  // param_ops_bint's get is param_get_int.
  bint: [4, true],
};

/**
 * "%s" of a char pointer (lib/vsprintf.c check_pointer_msg()): NULL shows "(null)", other
 * pointers into the first page or ERR_PTR values show "(efault)".
 */
function stringAt(mem: ParamMemory, ptr: bigint): Uint8Array {
  if (ptr === 0n) return ascii('(null)');
  if (ptr < BigInt(PAGE_SIZE) || ptr >= (1n << 64n) - 4095n) return ascii('(efault)');
  return readCString(mem, ptr, PAGE_SIZE);
}

/** kp->ops->get(buffer, kp). Never throws: unmapped memory comes back as a fault. */
export function paramGet(kp: KpView, mem: ParamMemory): GetOutcome {
  try {
    return getUnsafe(kp, mem);
  } catch (e) {
    const address = (e as { address?: unknown }).address;
    return {
      kind: 'fault',
      address: typeof address === 'bigint' ? address : kp.arg,
      reason: e instanceof Error ? e.message : String(e),
    };
  }
}

function ok(bytes: Uint8Array): GetOutcome {
  return { kind: 'ok', bytes, text: text(bytes) };
}

function getUnsafe(kp: KpView, mem: ParamMemory): GetOutcome {
  const dec = DECIMAL[kp.type];
  if (dec) return ok(withNewline(ascii(readInt(mem, kp.arg, dec[0], dec[1]).toString())));
  switch (kp.type) {
    case 'hexint':
      return ok(withNewline(ascii(formatHexint(Number(readInt(mem, kp.arg, 4, false))))));
    case 'bool':
    case 'bool_enable_only':
      // param_get_bool(): "Y and N chosen as being relatively non-coder friendly".
      return ok(ascii(mem.read(kp.arg, 1)[0] !== 0 ? 'Y\n' : 'N\n'));
    case 'invbool':
      return ok(ascii(mem.read(kp.arg, 1)[0] !== 0 ? 'N\n' : 'Y\n'));
    case 'charp':
      return ok(withNewline(stringAt(mem, readInt(mem, kp.arg, 8, false))));
    case 'string':
      if (!kp.string) return { kind: 'not-modelled', reason: `${kp.name} has no kparam_string` };
      return ok(withNewline(stringAt(mem, kp.string.buffer)));
    case 'array':
      return getArray(kp, mem);
  }
  return { kind: 'not-modelled', reason: `${kp.name} uses the module's own kernel_param_ops; its get() is module code` };
}

/**
 * param_array_get(): each element's get appended, the previous element's trailing '\n'
 * replaced by ','. It shows *num elements, or all max when there is no count variable.
 * Zero elements show as an empty file.
 */
function getArray(kp: KpView, mem: ParamMemory): GetOutcome {
  const arr = kp.array;
  if (!arr) return { kind: 'not-modelled', reason: `${kp.name} has no kparam_array` };
  const count = arr.num !== 0n ? Number(readInt(mem, arr.num, 4, false)) : arr.max;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && out.length > 0) out[out.length - 1] = 0x2c;
    const r = getUnsafe({ name: kp.name, type: arr.elementType, arg: arr.elem + BigInt(arr.elemsize) * BigInt(i), level: kp.level }, mem);
    if (r.kind !== 'ok')
      return r.kind === 'not-modelled'
        ? { kind: 'not-modelled', reason: `${kp.name} is an array of ${arr.elementOps ?? arr.elementType}, which is not modelled` }
        : r;
    for (const b of r.bytes) out.push(b);
  }
  return ok(Uint8Array.from(out));
}
