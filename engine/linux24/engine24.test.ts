/** The engine API with both kernels booted: the 2.4 timeline answers the same calls as 6.1's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import type { StepInfo } from '../api-types';
import { createEngine } from '../engine';
import { validateEngineCall } from '../validate-call';
import { ROOT, sample } from '../../scripts/test-support/kernel';

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('engine: kernel.boot version 2.4 beside 6.1', () => {
  it('loads hello into both and answers steps, seek, memory, log and shell per version', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const profile = new Uint8Array(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz')));
    const s61 = await ok(e.call('kernel.boot', { profile }));
    expect(s61.version).toBe('6.1');
    const s24 = await ok(e.call('kernel.boot', { version: '2.4' }));
    expect([s24.version, s24.modulesStart]).toEqual(['2.4', '0xffffffffa0000000']);
    const m = await ok(e.call('open', { name: 'hello.ko', bytes: sample('hello/hello.ko') }));
    const op24 = await ok(e.call('kernel.load', { id: m.id, args: 'count=1', version: '2.4' }));
    const op61 = await ok(e.call('kernel.load', { id: m.id, args: 'count=1', version: '6.1' }));
    expect([op24.result, op61.result]).toEqual([0, 0]);

    const steps = async (version: '2.4' | '6.1'): Promise<StepInfo[]> => (await ok(e.call('kernel.steps', { offset: 0, limit: 5000, version }))).rows;
    const st24 = await steps('2.4');
    const st61 = await steps('6.1');
    for (const s of [...st24, ...st61]) expect([s.stage, s.side], `${s.fn}: ${s.title}`).not.toContain(undefined);
    const lanes = (ss: StepInfo[]): string[] => [...new Set(ss.map((s) => `${s.side}:${s.stage}`))];
    // 2.4: insmod (user space) resolves and relocates; 6.1: the kernel does.
    expect(lanes(st24)).toEqual(
      expect.arrayContaining(['user:symbols', 'user:relocate', 'syscall:reserve', 'syscall:copy', 'kernel:init', 'user:params']),
    );
    expect(lanes(st61)).toEqual(
      expect.arrayContaining(['user:read', 'syscall:copy', 'kernel:symbols', 'kernel:relocate', 'kernel:reserve', 'kernel:init', 'kernel:params']),
    );
    expect(lanes(st61)).not.toContain('user:relocate');

    const create = st24.find((s) => s.fn === 'sys_create_module');
    const reloc = st24.find((s) => s.block === 'relocations');
    expect(reloc?.span).toBe(34);
    const v = await ok(e.call('kernel.seek', { pos: (reloc?.pos ?? 0) + 3, version: '2.4' }));
    expect(v.item?.kind).toBe('relocation');
    // The relocation is applied in insmod's buffer (user space): its bytes change there, at that item.
    const d = v.item?.kind === 'relocation' ? v.item : null;
    if (!d) throw new Error('no relocation');
    const user = BigInt(d.P) - 0xffffffffa0000000n + 0x0000555555600000n;
    const at = async (pos: number): Promise<string> =>
      (await ok(e.call('kernel.memory', { address: `0x${user.toString(16)}`, length: d.width, pos, version: '2.4' }))).bytes
        .map((b) => (b ?? 0).toString(16).padStart(2, '0'))
        .join(' ');
    expect(await at(v.pos - 1)).toBe(d.before);
    expect(await at(v.pos)).toBe(d.after);
    // struct module at the start of the reserved image, as the kernel left it after create_module.
    const mem = await ok(e.call('kernel.memory', { address: '0xffffffffa0000000', length: 32, pos: create?.pos ?? 0, version: '2.4' }));
    expect(mem.bytes.slice(0, 8)).toEqual([184, 0, 0, 0, 0, 0, 0, 0]);
    const log = await ok(e.call('kernel.log', { pos: st24.at(-1)?.pos ?? 0, version: '2.4' }));
    expect(log.rows.map((r) => r.text)).toEqual(['hello: greeting 1 time(s)', 'Hello, world']);

    const sh = await ok(e.call('kernel.shell', { line: 'cat /proc/modules; dmesg', version: '2.4' }));
    expect(sh.output).toBe('hello                   2240   0 (unused)\nhello: greeting 1 time(s)\nHello, world\n');
    expect(validateEngineCall('kernel.seek', { pos: 1, version: '2.4' })).toEqual({
      ok: true,
      method: 'kernel.seek',
      arg: { pos: 1, version: '2.4' },
    });
    expect(validateEngineCall('kernel.boot', { version: '2.6' }).ok).toBe(false);
    const rm = await ok(e.call('kernel.unload', { name: 'hello', version: '2.4' }));
    expect(rm.result).toBe(0);
    // Without a version a call addresses 6.1, even after a 2.4 boot (the Load view never names one).
    expect((await ok(e.call('kernel.timeline', { version: '2.4' }))).ops.at(-1)?.command).toBe('rmmod hello');
    expect((await ok(e.call('kernel.timeline', {}))).ops.map((o) => o.command)).toEqual(['insmod hello.ko count=1']);
    expect((await ok(e.call('kernel.timeline', { version: '6.1' }))).ops.length).toBe(1);
  });
});
