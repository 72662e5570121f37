import { describe, expect, it } from 'vitest';
import { fileFromArgv, isModuleFileName, isTrustedSenderUrl, validateIpcCall, MAX_BYTES_WINDOW } from './ipc-validate';

describe('isTrustedSenderUrl', () => {
  it('accepts only app://modscope pages', () => {
    expect(isTrustedSenderUrl('app://modscope/index.html')).toBe(true);
    expect(isTrustedSenderUrl('app://modscope/index.html?file=/local/0/x.ko')).toBe(true);
    expect(isTrustedSenderUrl('app://evil/index.html')).toBe(false);
    expect(isTrustedSenderUrl('file:///work/main/out/renderer/index.html')).toBe(false);
    expect(isTrustedSenderUrl('https://modscope/')).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl('')).toBe(false);
    expect(isTrustedSenderUrl(undefined)).toBe(false);
    expect(isTrustedSenderUrl('not a url')).toBe(false);
  });
});

describe('validateIpcCall', () => {
  const bytes = new Uint8Array([0x7f, 0x45, 0x4c, 0x46]);

  it('rejects unknown methods and non-object args', () => {
    for (const m of ['nope', '__proto__', 'constructor', 42, null, undefined]) {
      const r = validateIpcCall(m, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'BAD_REQUEST', field: 'method' });
    }
    for (const a of [null, undefined, 1, 'x', [], new Date()]) {
      const r = validateIpcCall('overview', a);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.field).toBe('arg');
    }
  });

  it("kernel.modtree is not the renderer's: a tree comes from the folder dialog in main; kernel.shell drops files", () => {
    const t = validateIpcCall('kernel.modtree', { paths: ['kernel/fs/fat/fat.ko'] });
    expect(t.ok).toBe(false);
    const sh = validateIpcCall('kernel.shell', { line: 'modprobe vfat', files: [{ path: 'kernel/fs/fat/fat.ko', bytes: new Uint8Array(4) }] });
    expect(sh.ok && sh.arg).toEqual({ line: 'modprobe vfat' });
  });

  it('open: needs a name and a Uint8Array, and copies only known keys', () => {
    const ok = validateIpcCall('open', { name: 'hello.ko', bytes, extra: 'dropped' });
    expect(ok).toEqual({ ok: true, method: 'open', arg: { name: 'hello.ko', bytes } });
    expect(validateIpcCall('open', { name: '', bytes }).ok).toBe(false);
    expect(validateIpcCall('open', { name: 'x.ko', bytes: [1, 2, 3] }).ok).toBe(false);
    expect(validateIpcCall('open', { name: 'x.ko', bytes: bytes.buffer }).ok).toBe(false);
    expect(validateIpcCall('open', { bytes }).ok).toBe(false);
  });

  it('open: a view onto a bigger buffer is copied', () => {
    const big = new Uint8Array(64);
    const view = big.subarray(8, 16);
    const r = validateIpcCall('open', { name: 'x.ko', bytes: view });
    expect(r.ok).toBe(true);
    if (r.ok && r.method === 'open') {
      const arg = r.arg as { bytes: Uint8Array };
      expect(arg.bytes.byteLength).toBe(8);
      expect(arg.bytes.buffer.byteLength).toBe(8);
    }
  });

  it('overview/close: need an id', () => {
    expect(validateIpcCall('overview', { id: 'm1' })).toEqual({ ok: true, method: 'overview', arg: { id: 'm1' } });
    expect(validateIpcCall('close', { id: 'm1', x: 1 })).toEqual({ ok: true, method: 'close', arg: { id: 'm1' } });
    expect(validateIpcCall('overview', { id: '' }).ok).toBe(false);
    expect(validateIpcCall('overview', { id: 7 }).ok).toBe(false);
  });

  it('symbols: offset/limit integers, limit 1..5000, optional filter', () => {
    expect(validateIpcCall('symbols', { id: 'm', offset: 0, limit: 100 }).ok).toBe(true);
    expect(validateIpcCall('symbols', { id: 'm', offset: 0, limit: 100, filter: 'init' })).toEqual({
      ok: true,
      method: 'symbols',
      arg: { id: 'm', offset: 0, limit: 100, filter: 'init' },
    });
    expect(validateIpcCall('symbols', { id: 'm', offset: -1, limit: 100 }).ok).toBe(false);
    expect(validateIpcCall('symbols', { id: 'm', offset: 0.5, limit: 100 }).ok).toBe(false);
    expect(validateIpcCall('symbols', { id: 'm', offset: 0, limit: 0 }).ok).toBe(false);
    expect(validateIpcCall('symbols', { id: 'm', offset: 0, limit: 5001 }).ok).toBe(false);
    expect(validateIpcCall('symbols', { id: 'm', offset: '0', limit: 10 }).ok).toBe(false);
    expect(validateIpcCall('symbols', { id: 'm', offset: 0, limit: 10, filter: 3 }).ok).toBe(false);
  });

  it('relocations: needs a section index', () => {
    expect(validateIpcCall('relocations', { id: 'm', section: 3, offset: 0, limit: 10 }).ok).toBe(true);
    const r = validateIpcCall('relocations', { id: 'm', offset: 0, limit: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe('section');
  });

  it('bytes: bounded window', () => {
    expect(validateIpcCall('bytes', { id: 'm', offset: 0, length: 256 }).ok).toBe(true);
    expect(validateIpcCall('bytes', { id: 'm', offset: 0, length: MAX_BYTES_WINDOW + 1 }).ok).toBe(false);
    expect(validateIpcCall('bytes', { id: 'm', offset: Number.NaN, length: 1 }).ok).toBe(false);
    expect(validateIpcCall('bytes', { id: 'm', offset: Infinity, length: 1 }).ok).toBe(false);
  });

  it('rejects objects with a foreign prototype', () => {
    class Evil {
      id = 'm';
    }
    expect(validateIpcCall('overview', new Evil()).ok).toBe(false);
  });
});

describe('argv and file names', () => {
  it('picks the first non-switch argument', () => {
    expect(fileFromArgv(['--inspect', '.', 'x.ko'])).toBe('x.ko');
    expect(fileFromArgv(['--no-sandbox'])).toBe(null);
    expect(fileFromArgv([])).toBe(null);
  });
  it('recognises module names', () => {
    for (const n of ['a.ko', 'a.ko.xz', 'A.KO.ZST', 'b.ko.gz']) expect(isModuleFileName(n)).toBe(true);
    for (const n of ['a.o', 'a.ko.bz2', 'ko']) expect(isModuleFileName(n)).toBe(false);
  });
});

describe('validateIpcCall: quiz.check and quiz.sheet', () => {
  it('quiz.check copies only {format, answer} of each part and needs strings', () => {
    const r = validateIpcCall('quiz.check', { parts: [{ format: 'number', answer: '0x10', label: 'x', extra: 1 }], given: ['16'] });
    expect(r).toEqual({ ok: true, method: 'quiz.check', arg: { parts: [{ format: 'number', answer: '0x10' }], given: ['16'] } });
    expect(validateIpcCall('quiz.check', { parts: [], given: [] }).ok).toBe(false);
    expect(validateIpcCall('quiz.check', { parts: [{ format: 'number' }], given: [] }).ok).toBe(false);
    expect(validateIpcCall('quiz.check', { parts: [{ format: 'number', answer: '1' }], given: ['1', '2'] }).ok).toBe(false);
    expect(validateIpcCall('quiz.check', { parts: [{ format: 'number', answer: '1' }], given: [1] }).ok).toBe(false);
  });
  it('quiz.sheet is validated as quiz.generate', () => {
    expect(validateIpcCall('quiz.sheet', { id: 'm1', seed: 17 }).ok).toBe(true);
    const r = validateIpcCall('quiz.sheet', { id: 'm1', seed: -1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ field: 'seed', message: expect.stringContaining('quiz.sheet') });
  });
});

describe('validateIpcCall: quiz.generate reaches its validation', () => {
  it('a good request passes, a bad seed names the field', () => {
    expect(validateIpcCall('quiz.generate', { id: 'm1', seed: 17, count: 10 }).ok).toBe(true);
    const r = validateIpcCall('quiz.generate', { id: 'm1', seed: 2 ** 33 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe('seed');
  });
});

describe('validateIpcCall: whatif.list and whatif.run', () => {
  it('copies only the fields whatif.run takes, and names the bad one', () => {
    const p = new Uint8Array([0x1f, 0x8b]);
    const r = validateIpcCall('whatif.run', { id: 'm1', mutation: 'crc:_printk', args: 'count=3', with: ['m2'], profile: p, extra: 1 });
    expect(r).toEqual({ ok: true, method: 'whatif.run', arg: { id: 'm1', mutation: 'crc:_printk', args: 'count=3', with: ['m2'], profile: p } });
    expect(validateIpcCall('whatif.list', { anything: 1 })).toEqual({ ok: true, method: 'whatif.list', arg: {} });
    for (const [arg, field] of [
      [{ mutation: 'crc:x' }, 'id'],
      [{ id: 'm1' }, 'mutation'],
      [{ id: 'm1', mutation: 'x'.repeat(5000) }, 'mutation'],
      [{ id: 'm1', mutation: 'crc:x', args: 3 }, 'args'],
      [{ id: 'm1', mutation: 'crc:x', with: 'm2' }, 'with'],
      [{ id: 'm1', mutation: 'crc:x', profile: 'gz' }, 'profile'],
    ] as const) {
      const v = validateIpcCall('whatif.run', arg);
      expect(v.ok, JSON.stringify(arg)).toBe(false);
      if (!v.ok) expect(v.error.field).toBe(field);
    }
  });
});
