/**
 * An integer with en-US thousands separators ("1,228,265"), as `n.toLocaleString('en-US')` writes it, without ICU:
 * the first toLocaleString() of a process loads the locale data (about 45 ms of `modscope load`).
 * Non-integers (never printed by the load path) still go through toLocaleString.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.length > 3 ? digits.slice(0, ((digits.length - 1) % 3) + 1) : digits;
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? '-' + out : out;
}
