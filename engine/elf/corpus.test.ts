/**
 * Real Debian kernel modules, compared with GNU readelf's own text. Skips (with a message)
 * when no corpus or no readelf is available on this machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elfLengthOfModule, relocLines, sectionLines, symbolLines } from '../test-support/readelf-text';
import { readElf, relocTypeName } from './index';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

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

/**
 * Compare two long line lists reporting only the first difference: a full diff of
 * amdgpu.ko's 320,000 relocation lines would take the test runner minutes.
 */
function expectSameLines(ours: string[], theirs: string[]): void {
  const i = ours.findIndex((l, k) => l !== theirs[k]);
  expect(i === -1 ? null : { line: i, ours: ours[i], theirs: theirs[i] }).toBeNull();
  expect(ours.length).toBe(theirs.length);
}
/** Every .ko under a corpus root (only the full corpus root, not the small /tmp extract). */
function allModules(): string[] {
  const root = ROOTS.find((r) => existsSync(join(r, 'arch')) && existsSync(join(r, 'drivers')));
  if (root === undefined) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((p) => p.endsWith('.ko'))
    .sort()
    .map((p) => join(root, p));
}

const ALL = allModules();
/** A fixed sample spread over the sorted corpus, for the slower readelf comparisons. */
const SAMPLE = ALL.filter((_, i) => i % Math.max(1, Math.floor(ALL.length / 25)) === 0).map((p) => p.slice(p.indexOf('/kernel/') + 8));
const MODULES = [...new Set(['fs/fat/vfat.ko', 'fs/fat/fat.ko', 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko', ...SAMPLE])];

describe.skipIf(missing(CORPUS_WHAT, ALL.length >= 1000))(
  `the whole corpus${ALL.length < 1000 ? ' — SKIPPED: full corpus not extracted' : ''}`,
  () => {
    it('reads every module without a warning, with the relocation mix of corpus-facts.md', () => {
      const byType = new Map<string, number>();
      const problems: string[] = [];
      for (const p of ALL) {
        const raw = new Uint8Array(readFileSync(p));
        try {
          const f = readElf(raw.subarray(0, elfLengthOfModule(raw)));
          if (f.warnings.length > 0) problems.push(`${p}: ${f.warnings[0].message}`);
          for (const r of f.relocSections) {
            for (let i = 0; i < r.count; i++) {
              const n = relocTypeName(62, r.type[i]) ?? String(r.type[i]);
              byType.set(n, (byType.get(n) ?? 0) + 1);
            }
          }
        } catch (e) {
          problems.push(`${p}: ${String(e)}`);
        }
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(ALL.length).toBe(4022);
      expect(Object.fromEntries(byType)).toEqual({
        R_X86_64_PC32: 2878600,
        R_X86_64_PLT32: 1521993,
        R_X86_64_64: 724411,
        R_X86_64_32S: 499128,
        R_X86_64_PC64: 40043,
        R_X86_64_NONE: 67,
      });
    });
  },
);

for (const rel of MODULES) {
  const path = findModule(rel);
  const why = !READELF
    ? 'readelf not installed'
    : `${rel} not found under ${ROOTS.join(' or ')} (extract it from the linux-image .deb, see engine/elf/README or set MODSCOPE_CORPUS)`;
  const skip = missing('readelf (binutils)', READELF) || missing(CORPUS_WHAT, path !== null);
  // A skipped describe still runs its body to collect its tests: read nothing when the module is absent.
  const title = `real module ${rel}${skip ? ` — SKIPPED: ${why}` : ''}`;
  if (skip || path === null) {
    describe.skip(title, () => void it('compares with readelf', () => undefined));
    continue;
  }
  describe(title, () => {
    const p = path;
    const raw = new Uint8Array(readFileSync(p));
    const elfLen = elfLengthOfModule(raw);
    const f = readElf(raw.subarray(0, elfLen));
    const readelf = (flag: string): string[] =>
      execFileSync('readelf', [flag, '-W', p], { maxBuffer: 1 << 30 })
        .toString('utf8')
        .split('\n');

    it('has a signature trailer, and reads with no warnings', () => {
      expect(elfLen).toBeLessThan(raw.length);
      expect(f.warnings).toEqual([]);
      expect(f.header).toMatchObject({ class: 64, endian: 'little', type: 1, machine: 62 });
      // The same bytes with the signature still attached read the same.
      expect(readElf(raw).sections.length).toBe(f.sections.length);
    });

    it('matches readelf -S -W line for line', () => {
      const theirs = readelf('-S').filter((l) => /^ {2}\[\s*\d+\]/.test(l));
      expectSameLines(sectionLines(f), theirs);
    });

    it('matches readelf -s -W line for line', () => {
      const theirs = readelf('-s').filter((l) => /^\s+\d+: /.test(l));
      // readelf ends the name-less symbol 0 line with a space; compare without trailing blanks.
      expectSameLines(
        symbolLines(f).map((l) => l.trimEnd()),
        theirs.map((l) => l.trimEnd()),
      );
    });

    it('matches readelf -r -W line for line', () => {
      const lines = readelf('-r');
      const theirs: string[] = [];
      for (const l of lines) if (/^[0-9a-f]{16} {2}[0-9a-f]{16} /.test(l)) theirs.push(l);
      const ours = f.relocSections.flatMap((r) => relocLines(f, r));
      expectSameLines(ours, theirs);
      // The headers' entry counts and section names too.
      const heads = lines
        .filter((l) => l.startsWith("Relocation section '"))
        .map((l) => /'(.*)' at offset 0x([0-9a-f]+) contains (\d+) entr/.exec(l));
      expect(heads.map((m) => [m?.[1], Number(m?.[3])])).toEqual(f.relocSections.map((r) => [r.name, r.count]));
    });

    it('reads the build-id and Linux notes', () => {
      expect(f.notes.map((n) => `${n.owner}:${n.type}`)).toEqual(['GNU:3', 'Linux:257', 'Linux:256']);
      const id = readelf('-n')
        .find((l) => l.includes('Build ID:'))
        ?.split('Build ID:')[1]
        .trim();
      const n = f.notes[0];
      const ours = Array.from(f.bytes.subarray(n.descOffset, n.descOffset + n.descSize), (b) => b.toString(16).padStart(2, '0')).join('');
      expect(ours).toBe(id);
    });
  });
}
