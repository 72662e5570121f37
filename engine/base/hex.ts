// engine/base: number and text formats every layer may use. Imports nothing.

/** A 64-bit value as the API carries it: "0x…". */
export type Hex64 = `0x${string}`;

/** A 64-bit value as the API carries it: "0x" + 16 hex digits. */
export function hex64(v: bigint): Hex64 {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}

/** A 32-bit value: "0x" + 8 hex digits. */
export function hex32(v: number | bigint): Hex64 {
  return `0x${(typeof v === 'bigint' ? BigInt.asUintN(32, v) : BigInt(v >>> 0)).toString(16).padStart(8, '0')}`;
}

/** A signed value as readelf prints an addend: "+ 4", "- 4" → here "+0x4" / "-0x4". */
export function signedHex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `+0x${v.toString(16)}`;
}

/** An offset or size in a message or step sentence, the way they print them: "0x" + hex digits, no padding. */
export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

/** A 64-bit register or address as the CPU models print it: "0x" + hex digits of its unsigned value, no padding. */
export function hexU64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}
