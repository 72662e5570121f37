// One validation of engine arguments: a bad argument is the same typed error whether it crosses Electron's IPC
// (validateIpcCall in main) or reaches the engine directly, as it does from the browser's Web Worker and the CLI.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine';
import type { EngineMethod } from '../engine/api-types';
import { validateIpcCall } from './ipc-validate';

const bytes = new Uint8Array([0x7f, 0x45, 0x4c, 0x46]);

/** [method, argument, the field the error names]: every method family, and every kind of bad value. */
const BAD: [string, unknown, string][] = [
  ['eval', {}, 'method'],
  ['overview', null, 'arg'],
  ['overview', [], 'arg'],
  ['open', { name: '', bytes }, 'name'],
  ['open', { name: 'x.ko', bytes: [1, 2, 3] }, 'bytes'],
  ['close', { id: 7 }, 'id'],
  ['symbols', { id: 'm1', offset: -1, limit: 10 }, 'offset'],
  ['symbols', { id: 'm1', offset: 0, limit: 0 }, 'limit'],
  ['symbols', { id: 'm1', offset: 0, limit: 5001 }, 'limit'],
  ['symbols', { id: 'm1', offset: 0, limit: 10, query: { text: 3 } }, 'query'],
  ['relocations', { id: 'm1', offset: 0, limit: 10 }, 'section'],
  ['relocations', { id: 'm1', section: 2, offset: 0, limit: 10, filter: 'x' }, 'filter'],
  ['bytes', { id: 'm1', offset: 0, length: (1 << 20) + 1 }, 'length'],
  ['bytes', { id: 'm1', offset: Number.NaN, length: 1 }, 'offset'],
  ['kernel.boot', { version: '2.6' }, 'version'],
  ['kernel.boot', { paging: 3 }, 'paging'],
  ['kernel.boot', { profile: 'gz' }, 'profile'],
  ['kernel.boot', { kaslrSeed: -1 }, 'kaslrSeed'],
  ['kernel.load', { id: 'm1' }, 'args'],
  ['kernel.load', { id: 'm1', args: '', syscall: 'create_module' }, 'syscall'],
  ['kernel.load', { id: 'm1', args: '', flags: 8 }, 'flags'],
  ['kernel.unload', { name: '' }, 'name'],
  ['kernel.shell', { line: 'x'.repeat(32 * 4096 + 1) }, 'line'],
  ['kernel.steps', { offset: 0, limit: 0 }, 'limit'],
  ['kernel.seek', { pos: -1 }, 'pos'],
  ['kernel.seek', { pos: 1, version: '3.0' }, 'version'],
  ['kernel.memory', { address: '0xzz', length: 4, pos: 0 }, 'address'],
  ['kernel.memory', { address: '0x10', length: 4097, pos: 0 }, 'length'],
  ['kernel.log', { pos: 0.5 }, 'pos'],
  ['kernel.find', { module: 'hello', target: { kind: 'section' } }, 'target'],
  ['kernel.locate', { address: 16, pos: 0 }, 'address'],
  ['quiz.generate', { id: 'm1', seed: 2 ** 33 }, 'seed'],
  ['quiz.generate', { id: 'm1', seed: 1, kinds: ['guess'] }, 'kinds'],
  ['quiz.sheet', { id: 'm1', seed: 1, count: 0 }, 'count'],
  ['quiz.sheet', { id: 'm1', seed: 1, kernel: '2.6' }, 'kernel'],
  ['quiz.check', { parts: [], given: [] }, 'parts'],
  ['quiz.check', { parts: [{ format: 'guess', answer: '1' }], given: ['1'] }, 'parts[0]'],
  ['quiz.check', { parts: [{ format: 'number', answer: '1' }], given: [1] }, 'given'],
  ['whatif.run', { mutation: 'crc:x' }, 'id'],
  ['whatif.run', { id: 'm1', mutation: '' }, 'mutation'],
  ['whatif.run', { id: 'm1', mutation: 'crc:x', with: 'm2' }, 'with'],
  ['whatif.run', { id: 'm1', mutation: 'crc:x', profile: 'gz' }, 'profile'],
];

describe('one argument validation for IPC and the engine', () => {
  it.each(BAD)('%s %j: the same BAD_REQUEST naming %s through both', async (method, arg, field) => {
    const ipc = validateIpcCall(method, arg);
    expect(ipc.ok).toBe(false);
    if (ipc.ok) return;
    expect(ipc.error).toMatchObject({ code: 'BAD_REQUEST', field });
    // A fresh engine: nothing opened or booted, so only the argument can be at fault.
    const direct = await createEngine().call(method as EngineMethod, arg as never);
    expect(direct).toEqual({ ok: false, error: ipc.error });
  });

  it('a good argument passes both, and the engine then answers from its state', async () => {
    const arg = { id: 'm9', offset: 0, limit: 10 };
    expect(validateIpcCall('symbols', arg)).toEqual({ ok: true, method: 'symbols', arg });
    const r = await createEngine().call('symbols', arg);
    expect(r.ok ? '' : r.error.code).toBe('NO_SUCH_MODULE');
  });

  it('what main adds: kernel.modtree is refused, kernel.shell files dropped; the engine takes both', async () => {
    expect(validateIpcCall('kernel.modtree', { paths: [] })).toMatchObject({ ok: false, error: { field: 'method' } });
    const files = [{ path: 'kernel/fs/fat/fat.ko', bytes }];
    expect(validateIpcCall('kernel.shell', { line: 'modprobe vfat', files })).toEqual({
      ok: true,
      method: 'kernel.shell',
      arg: { line: 'modprobe vfat' },
    });
    const e = createEngine();
    expect(await e.call('kernel.modtree', { paths: [] })).toMatchObject({ ok: false, error: { code: 'NOT_BOOTED' } });
    const bad = await e.call('kernel.shell', { line: 'ls', files: [{ path: 'a.ko' }] } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', field: 'files[0]' } });
  });
});
