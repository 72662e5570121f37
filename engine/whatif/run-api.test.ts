/**
 * whatif.run through the engine's host API (what the app's What if view calls): the answer the real
 * kernel gave under QEMU for the same damage (scripts/qemu/scenarios/*.qemu.json), typed errors for
 * bad requests, and the same answer the CLI prints (`modscope whatif --json`): one engine, two hosts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { run } from '../../main/cli/modscope';
import { ROOT } from '../../scripts/test-support/kernel';
import { createEngine } from '../engine';
import type { EngineError, Result } from '../api-types';

const HELLO = join(ROOT, 'samples', 'hello', 'hello.ko');
const PROFILE = new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz')));

interface Recorded {
  steps: { cmd: string; output: string; rc: number; kmsg?: { level: number; text: string }[] }[];
}
const recorded = (name: string): Recorded =>
  JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', `${name}.qemu.json`), 'utf8')) as Recorded;
const lines = (log: { level: number; text: string }[]): string[] =>
  log.map((l) => `<${l.level}>${l.text}`).filter((l) => !/loading out-of-tree module|module verification failed/.test(l));

async function ok<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function err<T>(p: Promise<Result<T>>): Promise<EngineError> {
  const r = await p;
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('whatif.run (engine host API)', () => {
  it('crc:_printk on hello.ko: refused at simplify_symbols as the real kernel refused bad-crc.ko; the CLI gives the same answer', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const m = await ok(e.call('open', { name: 'hello.ko', bytes: new Uint8Array(readFileSync(HELLO)) }));
    // No kernel booted: the what-if takes the profile and boots kernels of its own.
    expect((await err(e.call('whatif.run', { id: m.id, mutation: 'crc:_printk' }))).field).toBe('profile');
    const a = await ok(e.call('whatif.run', { id: m.id, mutation: 'crc:_printk', profile: PROFILE }));
    const real = recorded('bad-crc').steps.find((s) => /insmod .*bad-crc\.ko/.test(s.cmd))!;
    expect(a.divergence.changed).toMatchObject({ fn: 'simplify_symbols', errno: -22 });
    expect(a.divergence.shared).toBeGreaterThan(5);
    expect(lines(a.whatif.log)).toEqual(lines(real.kmsg!).map((l) => l.replace(/bad_crc/g, 'hello')));
    expect(`${a.whatif.tail}\n`).toBe(real.output.replace('bad-crc.ko', 'hello.ko'));
    expect(a.base.tail).toBe('insmod: ok');
    expect(a.whatif.result).toBe(-22);
    expect(a.base.result).toBe(0);
    // The steps before the divergence are the same kernel functions on both sides.
    for (let i = 0; i < a.divergence.shared; i++) expect(a.whatif.steps[i].fn).toBe(a.base.steps[i].fn);

    let out = '';
    expect(await run(['whatif', HELLO, 'crc:_printk', '--json'], { out: (s) => void (out += s), err: () => undefined })).toBe(0);
    const cli = JSON.parse(out) as { change: string; divergence: unknown; base: { tail: string }; whatif: { tail: string; log: unknown } };
    expect(cli.change).toBe(a.change);
    expect(cli.divergence).toEqual(a.divergence);
    expect(cli.whatif.tail).toBe(a.whatif.tail);
    expect(cli.whatif.log).toEqual(a.whatif.log);
  });

  it('names every mutation kind, and bad requests are typed errors naming the field', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const kinds = (await ok(e.call('whatif.list', {}))).map((k) => k.name.split(':')[0]);
    for (const k of ['crc', 'drop-version', 'vermagic', 'licence', 'signature', 'byte', 'field', 'param']) expect(kinds).toContain(k);
    const m = await ok(e.call('open', { name: 'hello.ko', bytes: new Uint8Array(readFileSync(HELLO)) }));
    const noSym = await err(e.call('whatif.run', { id: m.id, mutation: 'crc:no_such_symbol', profile: PROFILE }));
    expect(noSym).toMatchObject({ field: 'mutation' });
    expect(noSym.message).toMatch(/no_such_symbol has no __versions entry/);
    expect((await err(e.call('whatif.run', { id: m.id, mutation: 'nonsense', profile: PROFILE }))).message).toMatch(/KIND:ARGUMENT/);
    expect((await err(e.call('whatif.run', { id: m.id, mutation: '', profile: PROFILE }))).field).toBe('mutation');
    expect((await err(e.call('whatif.run', { id: 'm99', mutation: 'crc:_printk', profile: PROFILE }))).code).toBe('NO_SUCH_MODULE');
  });

  it('a consumer with its provider unexporting provider_greet, and without its provider: as the real kernel answered (whatif-module)', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const open = (d: string, f: string) => ok(e.call('open', { name: f, bytes: new Uint8Array(readFileSync(join(ROOT, 'samples', d, f))) }));
    const provider = await open('provider', 'provider.ko');
    const consumer = await open('consumer', 'consumer.ko');
    const rec = recorded('whatif-module').steps.filter((s) => s.cmd === 'insmod consumer.ko');
    for (const [mutation, real] of [
      ['without:provider', rec[0]],
      ['unexport:provider_greet', rec[1]],
    ] as const) {
      const a = await ok(e.call('whatif.run', { id: consumer.id, mutation, with: [provider.id], profile: PROFILE }));
      expect(a.base.tail).toBe('insmod: ok');
      expect(`${a.whatif.tail}\n`).toBe(real.output);
      expect(lines(a.whatif.log)).toEqual(lines(real.kmsg!));
      // Without the provider, the consumer is the first out-of-tree module: the loads already part at check_modinfo()'s taint line.
      if (mutation.startsWith('unexport')) expect(a.divergence.changed).toMatchObject({ fn: 'simplify_symbols', errno: -2 });
      expect(a.whatif.steps.some((s) => s.fn === 'simplify_symbols' && s.errno === -2)).toBe(true);
    }
    const none = await err(e.call('whatif.run', { id: consumer.id, mutation: 'without:nothing', with: [provider.id], profile: PROFILE }));
    expect(none.message).toMatch(/no dependency is called nothing \(provider\)/);
  });

  it('kernel faults through whatif.run (the app calls it): the insmod line and log lines of kernel-faults.qemu.json, the unwinding as steps', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const kinds = (await ok(e.call('whatif.list', {}))).map((k) => k.name);
    for (const k of ['fail-alloc:N', 'fail-alloc:SITE', 'fail:FUNCTION[=-ERRNO]']) expect(kinds).toContain(k);
    const m = await ok(e.call('open', { name: 'hello.ko', bytes: new Uint8Array(readFileSync(HELLO)) }));
    const steps = recorded('kernel-faults').steps;
    /** The insmod of hello.ko right after the helper was armed with `# whatif NAME`. */
    const real = (name: string) => steps[steps.findIndex((s) => s.cmd.endsWith(`# whatif ${name}`)) + 1];
    const crc = await ok(e.call('whatif.run', { id: m.id, mutation: 'crc:_printk', profile: PROFILE }));
    // Every answer numbers the allocation sites the unmodified load reaches: what fail-alloc:N counts.
    expect(crc.sites.map((s) => s.id).slice(0, 3)).toEqual(['kernel_read_file', 'module_alloc:core', 'module_alloc:init']);
    expect(crc.fault).toBeNull();
    for (const [mutation, name] of [
      ['fail-alloc:3', 'fail-alloc:module_alloc:init'],
      ['fail-alloc:module_alloc:init', 'fail-alloc:module_alloc:init'],
      ['fail:mod_sysfs_setup', 'fail:mod_sysfs_setup'],
      ['fail:simplify_symbols:_printk', 'fail:simplify_symbols:_printk'],
    ] as const) {
      const a = await ok(e.call('whatif.run', { id: m.id, mutation, profile: PROFILE }));
      const r = real(name);
      expect(`${a.whatif.tail}\n`, mutation).toBe(r.output);
      expect(lines(a.whatif.log), mutation).toEqual(lines(r.kmsg!));
      expect(a.fault, mutation).toMatchObject({ fired: true, leaked: [] });
      expect(a.base.tail).toBe('insmod: ok');
      // After the divergence, the what-if's load runs load_module()'s labels down to the syscall's return.
      const rest = a.whatif.steps.slice((a.divergence.index ?? 0) + 1);
      expect(rest.at(-1)?.title, mutation).toMatch(/^The load fails: -\d+$/);
      expect(
        rest.some((s) => /^(goto )?free_copy:?$/.test(s.title)),
        mutation,
      ).toBe(true);
    }
    const init = await ok(e.call('whatif.run', { id: m.id, mutation: 'fail-alloc:module_alloc:init', profile: PROFILE }));
    expect(init.fault?.site).toMatchObject({ n: 3, id: 'module_alloc:init', fn: 'move_module', allocator: 'module_alloc' });
    expect(init.change).toContain('move_module() → module_alloc()');
    expect((await err(e.call('whatif.run', { id: m.id, mutation: 'fail-alloc:list', profile: PROFILE }))).message).toMatch(
      /lists the allocation sites/,
    );
    expect((await err(e.call('whatif.run', { id: m.id, mutation: 'fail:nothing', profile: PROFILE }))).field).toBe('fault');
  });
});
