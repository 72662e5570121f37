/**
 * Real Debian kernel modules, compared with GNU readelf's own text. Skips (with a message)
 * when no corpus or no readelf is available on this machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elfLengthOfModule, relocLines, sectionLines, symbolLines } from '../test-support/readelf-text';
import { readElf } from './index';

const ROOTS = [
  process.env.MODSCOPE_CORPUS ?? '',
  '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel',
  '/tmp/elfx/lib/modules/6.1.0-50-amd64/kernel',
].filter((r) => r !== '');

function findModule(rel: string): string | null {
  for (const r of ROOTS) if (existsSync(join(r, rel))) return join(r, rel);
  return null;
}

function hasReadelf(): boolean {
  try {
    execFileSync('readelf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const READELF = hasReadelf();
const MODULES = ['fs/fat/vfat.ko', 'fs/fat/fat.ko', 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko'];

for (const rel of MODULES) {
  const path = findModule(rel);
  const why = !READELF ? 'readelf not installed' : `${rel} not found under ${ROOTS.join(' or ')} (extract it from the linux-image .deb, see engine/elf/README or set MODSCOPE_CORPUS)`;
  describe.skipIf(path === null || !READELF)(`real module ${rel}${path === null || !READELF ? ` — SKIPPED: ${why}` : ''}`, () => {
    const p = path ?? '';
    const raw = new Uint8Array(readFileSync(p));
    const elfLen = elfLengthOfModule(raw);
    const f = readElf(raw.subarray(0, elfLen));
    const readelf = (flag: string): string[] => execFileSync('readelf', [flag, '-W', p], { maxBuffer: 1 << 30 }).toString('utf8').split('\n');

    it('has a signature trailer, and reads with no warnings', () => {
      expect(elfLen).toBeLessThan(raw.length);
      expect(f.warnings).toEqual([]);
      expect(f.header).toMatchObject({ class: 64, endian: 'little', type: 1, machine: 62 });
      // The same bytes with the signature still attached read the same.
      expect(readElf(raw).sections.length).toBe(f.sections.length);
    });

    it('matches readelf -S -W line for line', () => {
      const theirs = readelf('-S').filter((l) => /^ {2}\[\s*\d+\]/.test(l));
      expect(sectionLines(f)).toEqual(theirs);
    });

    it('matches readelf -s -W line for line', () => {
      const lines = readelf('-s');
      const theirs = lines.filter((l) => /^\s+\d+: /.test(l));
      expect(symbolLines(f)).toEqual(theirs.map((l) => l.replace(/\s+$/, '')).map((l, i) => (symbolLines(f)[i]?.endsWith(' ') ? l + ' ' : l)));
    });

    it('matches readelf -r -W line for line', () => {
      const lines = readelf('-r');
      const theirs: string[] = [];
      for (const l of lines) if (/^[0-9a-f]{16} {2}[0-9a-f]{16} /.test(l)) theirs.push(l);
      const ours = f.relocSections.flatMap((r) => relocLines(f, r));
      expect(ours.length).toBe(theirs.length);
      // Compare in one go but report the first differing line clearly.
      const firstDiff = ours.findIndex((l, i) => l !== theirs[i]);
      expect(firstDiff === -1 ? null : { index: firstDiff, ours: ours[firstDiff], theirs: theirs[firstDiff] }).toBeNull();
      // The headers' entry counts and section names too.
      const heads = lines.filter((l) => l.startsWith("Relocation section '")).map((l) => /'(.*)' at offset 0x([0-9a-f]+) contains (\d+) entr/.exec(l));
      expect(heads.map((m) => [m?.[1], Number(m?.[3])])).toEqual(f.relocSections.map((r) => [r.name, r.count]));
    });

    it('reads the build-id and Linux notes', () => {
      expect(f.notes.map((n) => `${n.owner}:${n.type}`)).toEqual(['GNU:3', 'Linux:257', 'Linux:256']);
      const id = readelf('-n').find((l) => l.includes('Build ID:'))?.split('Build ID:')[1].trim();
      const n = f.notes[0];
      const ours = Array.from(f.bytes.subarray(n.descOffset, n.descOffset + n.descSize), (b) => b.toString(16).padStart(2, '0')).join('');
      expect(ours).toBe(id);
    });
  });
}
