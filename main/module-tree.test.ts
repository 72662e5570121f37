/**
 * Electron main's module tree: the picked folder listed (the version folder found when lib/modules is picked),
 * and kernel.shell's needs answered from disk until `modprobe vfat` ran — what the folder dialog leads to.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine';
import { createIcedDecoder } from '../host-common/iced-decoder';
import { CORPUS, ROOT } from '../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';
import { scanModuleTree, shellOverTree, TreeScanError } from './module-tree';

const TREE = join(CORPUS, '..');

describe.skipIf(missing(CORPUS_WHAT, existsSync(join(CORPUS, 'fs', 'fat', 'vfat.ko'))))('a picked module tree in Electron main', () => {
  it('lists lib/modules/<ver> whether that folder or lib/modules is picked', async () => {
    const a = await scanModuleTree(TREE);
    const b = await scanModuleTree(join(TREE, '..'));
    expect(b.root).toBe(a.root);
    expect(a.request.label).toBe('6.1.0-50-amd64');
    expect(a.request.paths).toContain('kernel/fs/fat/vfat.ko');
    expect(a.request.paths.filter((p) => p.endsWith('.ko')).length).toBeGreaterThan(4000);
  });

  it("answers the engine's needs from disk: modprobe vfat loads fat, then vfat", async () => {
    const e = createEngine({ decoder: createIcedDecoder });
    const call = e.call.bind(e) as Parameters<typeof shellOverTree>[0];
    await call('kernel.boot', { profile: new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz'))), quiet: true });
    const { root, request } = await scanModuleTree(TREE);
    expect((await call('kernel.modtree', request)).ok).toBe(true);
    const r = await shellOverTree(call, root, { line: 'modprobe vfat' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.needs).toBeUndefined();
    expect(r.value.ops.map((o) => o.command)).toEqual(['modprobe vfat (dependency fat)', 'modprobe vfat']);
    const ls = await shellOverTree(call, root, { line: 'lsmod' });
    expect(ls.ok && ls.value.output).toBe(
      'Module                  Size  Used by\nvfat                   24576  0\nfat                    90112  1 vfat\n',
    );
  });
});

describe('a folder that is not a module tree', () => {
  it('is refused with a message saying what to pick', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'modscope-notree-'));
    await expect(scanModuleTree(empty)).rejects.toThrow(TreeScanError);
    await expect(scanModuleTree(empty)).rejects.toThrow(/pick a lib\/modules\/<version> folder/);
  });
});
