/**
 * Real-world acceptance: every module of the Debian 6.1 corpus loads into one modelled kernel, in
 * dependency order computed from symbols, with no failure (every relocation applied and checked).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../scripts/test-support/kernel';
import { run } from './modscope';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('modscope load-all over the Debian 6.1.0-50 corpus', () => {
  it('loads all 4,022 modules in dependency order', async () => {
    let out = '';
    let err = '';
    const code = await run(['load-all', CORPUS, '--json'], { out: (s) => void (out += s), err: (s) => void (err += s) });
    expect(code, err).toBe(0);
    const report = JSON.parse(out) as { modules: number; loaded: number; failed: { module: string; log: string[] }[]; relocations: number };
    expect(report.failed).toEqual([]);
    expect(report.modules).toBe(4022);
    expect(report.loaded).toBe(4022);
    // Every relocation of every module (readelf counts 5,664,242 in all; apply_relocations skips
    // those whose target section is not allocated, e.g. .rela.data..percpu and .rela.debug*).
    expect(report.relocations).toBeGreaterThan(5_500_000);
    expect(report.relocations).toBeLessThanOrEqual(5_664_242);
  }, 300_000);
});
