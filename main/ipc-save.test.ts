import { describe, expect, it } from 'vitest';
import { MAX_SAVE_BYTES, validateSaveFile } from './ipc-validate';

describe('validateSaveFile', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
  it('accepts a plain export file name with its bytes', () => {
    for (const n of [
      'hello-memory-step13.svg',
      'hello-memory-step13@2x.png',
      'hello-memory-steps13-15.pdf',
      'hello-memory-steps13-15.zip',
      'A.PDF',
    ]) {
      const v = validateSaveFile(n, png);
      expect(v.ok, n).toBe(true);
      if (v.ok) expect(v.bytes).toBe(png);
    }
  });
  it('refuses paths, hidden names, other extensions and non-bytes, naming the field', () => {
    const cases: [unknown, unknown, string][] = [
      ['../x.svg', png, 'name'],
      ['/etc/x.png', png, 'name'],
      ['a\\b.pdf', png, 'name'],
      ['.x.svg', png, 'name'],
      ['x.exe', png, 'name'],
      ['', png, 'name'],
      [42, png, 'name'],
      ['x'.repeat(300) + '.svg', png, 'name'],
      ['x.svg', 'text', 'bytes'],
      ['x.svg', [1, 2], 'bytes'],
    ];
    for (const [n, b, field] of cases) {
      const v = validateSaveFile(n, b);
      expect(v.ok, String(n)).toBe(false);
      if (!v.ok) expect(v.error).toMatchObject({ code: 'BAD_REQUEST', field });
    }
  });
  it('caps the size', () => {
    const big = { byteLength: MAX_SAVE_BYTES + 1 };
    Object.setPrototypeOf(big, Uint8Array.prototype);
    const v = validateSaveFile('x.pdf', big);
    expect(v.ok).toBe(false);
  });
});
