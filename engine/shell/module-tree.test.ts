/**
 * A module tree behind the shell (kernel.modtree): `modprobe vfat` / `modprobe amdgpu` in the shell read only the
 * files modprobe needs, in rounds the host answers, and load what `modscope load --modprobe` loads — its
 * dependencies from modprobePlan(), each with loadModule() — giving the same /proc/modules and kernel log.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import type { EngineArg, EngineMethod, EngineValue, Result } from '../api-types';
import { attachCpu } from '../cpu/attach';
import { createEngine } from '../engine';
import { loadModule } from '../load/load-module';
import { modprobePlan } from '../load/modprobe';
import { ModuleTree, ModuleTreeError, parseModulesDep } from './module-tree';
import { Shell } from './index';

/** The corpus tree: lib/modules/6.1.0-50-amd64, whose kernel/ CORPUS is. */
const TREE = join(CORPUS, '..');
const haveCorpus = existsSync(join(CORPUS, 'fs', 'fat', 'vfat.ko'));

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

async function ok<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** What the renderer does: run the line, hand over what it needs, again, until it ran. Returns the answer and the files read. */
async function shellWithTree(call: <M extends EngineMethod>(m: M, a: EngineArg<M>) => Promise<Result<EngineValue<M>>>, line: string) {
  const read: string[] = [];
  let files: { path: string; bytes: Uint8Array }[] | undefined;
  for (let round = 0; round < 64; round++) {
    const r = await ok(call('kernel.shell', files ? { line, files } : { line }));
    if (!r.needs) return { r, read, rounds: round + 1 };
    expect(r.needs.length).toBeGreaterThan(0);
    expect(r.ops).toEqual([]);
    files = r.needs.map((p) => ({ path: p, bytes: new Uint8Array(readFileSync(join(TREE, p))) }));
    read.push(...r.needs);
  }
  throw new Error('no end to the rounds');
}

/** `modscope load --modprobe TREE/kernel TREE/kernel/<rel>`: modprobePlan() then loadModule() for each (main/cli/load.ts). */
function cliModprobe(rel: string) {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  const plan = modprobePlan(k.profile, rel, (p) => (existsSync(join(CORPUS, p)) ? new Uint8Array(readFileSync(join(CORPUS, p))) : null));
  for (const p of plan.order)
    loadModule(k, { fileName: p.split('/').pop() ?? p, image: new Uint8Array(readFileSync(join(CORPUS, p))), args: '', syscall: 'finit_module' });
  const sh = new Shell(k, () => null);
  return {
    plan,
    lsmod: sh.run('lsmod').output,
    procModules: sh.run('cat /proc/modules').output,
    log: k.log.records.map((r) => `<${r.level}>${r.text}`),
  };
}

describe.skipIf(missing(CORPUS_WHAT, haveCorpus))('modprobe in the shell over the corpus tree (kernel.modtree)', () => {
  const paths = listTree(TREE);

  for (const [name, rel, files] of [
    ['vfat', 'fs/fat/vfat.ko', 2],
    ['amdgpu', 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko', 13],
  ] as const) {
    it(`modprobe ${name}: reads ${files} of ${paths.length} files, and loads what modscope load --modprobe loads`, async () => {
      const e = createEngine({ decoder: createIcedDecoder });
      const call = e.call.bind(e) as <M extends EngineMethod>(m: M, a: EngineArg<M>) => Promise<Result<EngineValue<M>>>;
      await ok(
        call('kernel.boot', { profile: new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz'))), quiet: true }),
      );
      const info = await ok(call('kernel.modtree', { paths, label: '6.1.0-50-amd64' }));
      expect(info).toMatchObject({ dependencies: 'Module.symvers', root: '/lib/modules/6.1.0-50-amd64' });
      expect(info?.modules).toBeGreaterThan(4000);
      const { r, read, rounds } = await shellWithTree(call, `modprobe ${name}`);
      expect(r.exit).toBe(0);
      expect(r.output).toBe('');
      const cli = cliModprobe(rel);
      expect(new Set(read)).toEqual(new Set(cli.plan.order.map((p) => `kernel/${p}`)));
      expect(read.length).toBe(files);
      expect(rounds).toBeGreaterThan(1);
      // Every dependency, then the module: one operation each, in modprobePlan's order.
      expect(r.ops.length).toBe(files);

      const lsmod = await ok(call('kernel.shell', { line: 'lsmod' }));
      expect(lsmod.output).toBe(cli.lsmod);
      expect((await ok(call('kernel.shell', { line: 'cat /proc/modules' }))).output).toBe(cli.procModules);
      const tl = await ok(call('kernel.timeline', {}));
      // The whole kernel log, boot included (both kernels boot quiet, nokaslr), with levels.
      const log = (await ok(call('kernel.log', { pos: tl.length - 1 }))).rows.map((x) => `<${x.level}>${x.text}`);
      expect(log).toEqual(cli.log);
      // vfat and fat print nothing (signed in-tree modules); amdgpu and its dependencies do.
      if (name === 'amdgpu') expect(log.filter((l) => l.includes('amdgpu')).length).toBeGreaterThan(0);
    }, 120_000);
  }

  it('modprobe of a name the tree lacks needs nothing and says what kmod says', async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    await ok(
      e.call('kernel.boot', { profile: new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz'))), quiet: true }),
    );
    await ok(e.call('kernel.modtree', { paths }));
    const r = await ok(e.call('kernel.shell', { line: 'modprobe no_such_module' }));
    expect(r.needs).toBeUndefined();
    expect(r.output).toBe('modprobe: FATAL: Module no_such_module not found in directory /lib/modules/6.1.0-50-amd64\n');
  });
});

describe('module tree input', () => {
  it('modules.dep: names, dependencies in line order, softdeps; the shell loads in kmod order', () => {
    const { dep, paths } = parseModulesDep(
      'kernel/fs/fat/vfat.ko: kernel/fs/fat/fat.ko\nkernel/fs/fat/fat.ko:\n',
      'softdep crc32c_generic pre: crc32c-intel post: x\n',
    );
    expect(paths.get('vfat')).toBe('kernel/fs/fat/vfat.ko');
    expect(dep.deps.get('vfat')).toEqual(['fat']);
    expect(dep.softdeps.get('crc32c_generic')).toEqual({ pre: ['crc32c_intel'], post: ['x'] });
    const t = new ModuleTree(
      { paths: ['kernel/fs/fat/vfat.ko', 'kernel/fs/fat/fat.ko', 'modules.dep'], modulesDep: 'kernel/fs/fat/vfat.ko: kernel/fs/fat/fat.ko\n' },
      '/lib/modules/x',
    );
    expect(t.size).toBe(2);
    expect(t.shellIndex().get('vfat')).toBe('/lib/modules/x/kernel/fs/fat/vfat.ko');
  });

  it("modules.softdep: only a module's first softdep line counts (kmod_module_get_softdeps(), ksmbd's twelve lines)", () => {
    const { dep } = parseModulesDep('', 'softdep ksmbd pre: crc32\nsoftdep ksmbd pre: gcm\nsoftdep cifs gcm\nsoftdep cifs pre: ccm\n');
    expect(dep.softdeps.get('ksmbd')).toEqual({ pre: ['crc32'], post: [] });
    expect(dep.softdeps.get('cifs')).toEqual({ pre: [], post: [] });
  });

  it('bad input is a typed error naming the field', () => {
    const bad = (f: () => unknown, field: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ModuleTreeError);
        expect((e as ModuleTreeError).field).toBe(field);
        return;
      }
      throw new Error('no error');
    };
    bad(() => new ModuleTree({ paths: ['kernel/a.ko', '../etc/passwd'] }, '/lib/modules/x'), 'paths[1]');
    bad(() => new ModuleTree({ paths: ['/abs.ko'] }, '/lib/modules/x'), 'paths[0]');
    bad(() => new ModuleTree({ paths: [], modulesDep: 'kernel/a.ko: x\nno colon here\n' }, '/lib/modules/x'), 'modulesDep line 2');
    bad(() => new ModuleTree({ paths: ['kernel/a.ko'] }, '/lib/modules/x').provide('kernel/b.ko', new Uint8Array(1)), 'files.path');
  });
});
