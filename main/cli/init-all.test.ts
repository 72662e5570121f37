/**
 * `modscope init-all`: every module's init on the modelled CPU, counted. The samples give exact
 * outcomes; over the Debian corpus (every 200th module with an init) nothing may escape as a tool
 * error and the counts must add up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, ROOT } from '../../scripts/test-support/kernel';
import type { InitAllReport } from './init-all';
import { run } from './modscope';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

async function initAll(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['init-all', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

const sum = (r: InitAllReport): number => Object.values(r.counts).reduce((a, b) => a + b, 0);

describe('modscope init-all over samples/', () => {
  it('runs each sample init and says how it ended', async () => {
    const { code, out, err } = await initAll([join(ROOT, 'samples'), '--json']);
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as InitAllReport;
    const by = new Map(r.records.map((x) => [x.module, x]));
    expect(by.get('hello/hello.ko')).toMatchObject({ outcome: 'returned 0', ret: 0 });
    expect(by.get('failing-init/failing-init.ko')).toMatchObject({ outcome: 'returned <0', ret: -19, errno: '-ENODEV' });
    // gplonly.ko is proprietary and imports a GPL-only symbol: the kernel refuses it before init.
    expect(by.get('proprietary/gplonly.ko')?.outcome).toBe('load failed before init');
    expect(by.get('proprietary/gplonly.ko')?.detail).toMatch(/Unknown symbol ktime_get/);
    expect(r.counts['tool error']).toBe(0);
    expect(sum(r)).toBe(r.ran);
    expect(r.ran).toBe(r.withInit);
    expect(r.instructions).toBeGreaterThan(20);
  });

  it('prints the counts as text', async () => {
    const { code, out } = await initAll([join(ROOT, 'samples'), '--every', '2']);
    expect(code).toBe(0);
    expect(out).toMatch(/^(\d+) modules, (\d+) with an init function; ran \d+ \(one in 2\)/);
    expect(out).toMatch(/\n  tool error +0\n/);
    expect(out).toMatch(/instructions: [\d,]+ executed in [\d.]+ s of init runs \([\d,]+\/s\)/);
  });

  it('refuses bad options with a usage error', async () => {
    expect((await initAll([join(ROOT, 'samples'), '--every', '0'])).err).toMatch(/--every needs a positive whole number, got "0"/);
    expect((await initAll([join(ROOT, 'samples'), '--budget'])).code).toBe(1);
    expect((await initAll(['/nonexistent-modscope-dir'])).err).toMatch(/ENOENT/);
  });
});

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('modscope init-all over the Debian 6.1.0-50 corpus', () => {
  it('runs every 200th init with no tool error, and the counts add up', async () => {
    const { code, out, err } = await initAll([CORPUS, '--every', '200', '--json']);
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as InitAllReport;
    expect(r.modules).toBe(4022);
    expect(r.ran).toBe(Math.ceil(r.withInit / 200));
    expect(sum(r)).toBe(r.ran);
    expect(r.counts['tool error']).toBe(0);
    expect(r.counts['unsupported instruction']).toBe(0);
    expect(r.counts['model error']).toBe(0);
    // Most inits run to their end on the model.
    expect(r.counts['returned 0'] + r.counts['returned <0']).toBeGreaterThan(r.ran * 0.8);
    expect(r.instructions).toBeGreaterThan(0);
  }, 600_000);

  it('an init stops at its first call without a model, and names it; no oops follows a guess', async () => {
    const { code, out, err } = await initAll([CORPUS, '--every', '100', '--json']);
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as InitAllReport;
    expect(sum(r)).toBe(r.ran);
    const stopped = r.records.filter((x) => x.outcome === 'stopped at a not-modelled call');
    expect(stopped.length).toBeGreaterThan(0);
    for (const x of stopped) expect(r.notModelled.some((m) => m.name === x.detail)).toBe(true);
    expect(r.completedWithNotModelled).toBe(0);
    // Nothing is counted as the kernel's oops, BUG or lockup after a call Modscope could only guess.
    for (const x of r.records) if (['oops', 'BUG/trap', 'soft lockup'].includes(x.outcome)) expect(x.notModelled).toEqual([]);
    expect(r.counts['speculative (after a not-modelled call)']).toBe(0);
    expect(r.completedClean).toBe(r.counts['returned 0'] + r.counts['returned <0'] + r.counts['returned >0']);
  }, 600_000);

  it('--speculate goes past not-modelled calls and never counts what follows as an oops', async () => {
    const { code, out, err } = await initAll([CORPUS, '--every', '100', '--speculate', '--json']);
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as InitAllReport;
    expect(sum(r)).toBe(r.ran);
    expect(r.counts['stopped at a not-modelled call']).toBe(0);
    for (const x of r.records) if (['oops', 'BUG/trap', 'soft lockup'].includes(x.outcome)) expect(x.notModelled).toEqual([]);
    for (const x of r.records.filter((y) => y.outcome === 'speculative (after a not-modelled call)'))
      expect(x.detail).toMatch(/^Modscope cannot say what Linux does after \w+\(\) \(not modelled\)/);
  }, 600_000);
});
