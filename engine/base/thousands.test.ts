import { describe, expect, it } from 'vitest';
import { thousands } from './thousands';

describe('thousands() writes what toLocaleString("en-US") writes', () => {
  it('for integers of every length, both signs', () => {
    const xs = [0, 7, 42, 999, 1000, 12345, 99999, 100000, 1228265, 19430705, 2 ** 31, -1, -1000, -1234567, Number.MAX_SAFE_INTEGER];
    for (const x of xs) expect(thousands(x)).toBe(x.toLocaleString('en-US'));
    for (let x = 1; x < 1e15; x = x * 7 + 3) expect(thousands(x)).toBe(x.toLocaleString('en-US'));
  });
  it('and falls back to it for non-integers', () => {
    expect(thousands(1234.5)).toBe('1,234.5');
  });
});
