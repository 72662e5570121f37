/**
 * Every prebuilt sample .ko is what its build.sh builds: each sample folder is copied to a temporary
 * directory (without its .ko files and Module.symvers), built there with the Debian 6.1.0-50 headers
 * (samples/build-module.sh; the committed files are never written), and every rebuilt .ko is compared
 * with the committed one: the ELF header, every section header and every section's bytes, and then
 * the whole file. Only the build-id note may differ. Skipped where the headers are not installed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf, sectionBytes, type ElfFile } from '../engine/elf/index';
import { ROOT } from '../scripts/test-support/kernel';
import { missing } from '../scripts/test-support/prereq';

const KDIR = process.env.KDIR ?? '/usr/src/linux-headers-6.1.0-50-amd64';
const SAMPLES = join(ROOT, 'samples');
const haveHeaders = existsSync(join(KDIR, 'Makefile')) && spawnSync('make', ['--version']).status === 0;

/** Sample folders with a build script; provider first (consumer is built against its Module.symvers). */
const folders = readdirSync(SAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(SAMPLES, d.name, 'build.sh')))
  .map((d) => d.name)
  .sort((a, b) => (a === 'provider' ? -1 : b === 'provider' ? 1 : a.localeCompare(b)));

const BUILD_ID = '.note.gnu.build-id';

/** The file with the build-id note's contents zeroed. */
function withoutBuildId(bytes: Uint8Array, elf: ElfFile): Uint8Array {
  const out = bytes.slice();
  for (const s of elf.sections) if (s.name === BUILD_ID) out.fill(0, s.offset, s.offset + s.size);
  return out;
}

function differences(name: string, committed: Uint8Array, rebuilt: Uint8Array): string[] {
  const a = readElf(committed);
  const b = readElf(rebuilt);
  const diffs: string[] = [];
  if (committed.length !== rebuilt.length) diffs.push(`${name}: ${committed.length} bytes committed, ${rebuilt.length} rebuilt`);
  if (a.sections.length !== b.sections.length) diffs.push(`${name}: ${a.sections.length} sections committed, ${b.sections.length} rebuilt`);
  const headerSize = 64; // ELF64 header (e_ehsize)
  if (Buffer.compare(committed.subarray(0, headerSize), rebuilt.subarray(0, headerSize)) !== 0) diffs.push(`${name}: ELF header differs`);
  for (let i = 0; i < Math.min(a.sections.length, b.sections.length); i++) {
    const sa = a.sections[i];
    const sb = b.sections[i];
    const header = (s: typeof sa): string =>
      JSON.stringify([s.name, s.type, s.flags, s.flagsHigh, s.addr.toString(), s.offset, s.size, s.link, s.info, s.addralign, s.entsize]);
    if (header(sa) !== header(sb)) diffs.push(`${name} [${i}] ${sa.name}: section header ${header(sa)} committed, ${header(sb)} rebuilt`);
    else if (sa.name !== BUILD_ID && sa.type !== 8 /* SHT_NOBITS */ && Buffer.compare(sectionBytes(a, sa), sectionBytes(b, sb)) !== 0)
      diffs.push(`${name} [${i}] ${sa.name}: contents differ`);
  }
  if (diffs.length === 0 && Buffer.compare(withoutBuildId(committed, a), withoutBuildId(rebuilt, b)) !== 0)
    diffs.push(`${name}: bytes outside the sections differ`);
  return diffs;
}

describe.skipIf(missing('the Debian 6.1.0-50 kernel headers and make (linux-headers-6.1.0-50-amd64, make)', haveHeaders))(
  'samples rebuild to the committed .ko files',
  () => {
    const work = mkdtempSync(join(tmpdir(), 'modscope-samples-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    cpSync(join(SAMPLES, 'build-module.sh'), join(work, 'build-module.sh'));
    for (const d of folders) {
      cpSync(join(SAMPLES, d), join(work, d), {
        recursive: true,
        filter: (src) => !src.endsWith('.ko') && !src.endsWith('Module.symvers'),
      });
    }

    for (const d of folders) {
      it(
        d,
        () => {
          const committed = readdirSync(join(SAMPLES, d))
            .filter((f) => f.endsWith('.ko'))
            .sort();
          expect(committed.length, `samples/${d} has no prebuilt .ko`).toBeGreaterThan(0);
          const r = spawnSync('sh', [join(work, d, 'build.sh')], { encoding: 'utf8', env: { ...process.env, KDIR } });
          expect(r.status, `${d}/build.sh failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
          const rebuilt = readdirSync(join(work, d))
            .filter((f) => f.endsWith('.ko'))
            .sort();
          expect(rebuilt).toEqual(committed);
          const diffs = committed.flatMap((f) =>
            differences(`${d}/${f}`, new Uint8Array(readFileSync(join(SAMPLES, d, f))), new Uint8Array(readFileSync(join(work, d, f)))),
          );
          expect(diffs).toEqual([]);
        },
        180_000,
      );
    }
  },
);
