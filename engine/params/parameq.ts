/**
 * parameq()/parameqn() (kernel/params.c): parameter names compare with '-' and '_' equal, so
 * `insmod foo.ko max-count=3` sets max_count. Only the typed name is folded against the
 * declared one; nothing else about case or spelling is forgiven.
 */

const DASH = 0x2d;
const UNDERSCORE = 0x5f;

function dash2underscore(c: number): number {
  return c === DASH ? UNDERSCORE : c;
}

/** parameqn(a, b, n): the first n bytes equal after dash2underscore (a NUL past either end). */
export function parameqn(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    if (dash2underscore(a[i] ?? 0) !== dash2underscore(b[i] ?? 0)) return false;
  }
  return true;
}

/** parameq(a, b): parameqn(a, b, strlen(a) + 1), i.e. the whole of both names, terminators included. */
export function parameq(a: Uint8Array, b: Uint8Array): boolean {
  return parameqn(a, b, a.length + 1);
}
