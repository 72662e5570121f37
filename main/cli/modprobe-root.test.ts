/**
 * `--modprobe` and `init-all` given a lib/modules/<version> folder (what a student has after unpacking a kernel
 * package, or /lib/modules/$(uname -r)) read it from its kernel/ folder, where Module.symvers's module paths start:
 * before, rose.ko loaded without ax25 and failed with "Unknown symbol", and init-all counted 2,707 of 3,556 runs
 * as "load failed before init".
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './modscope';
import { CORPUS } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await run(args, { out: (s) => void (out += s), err: (s) => void (out += s) });
  return { code, out };
}

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('a lib/modules/<version> folder as the module tree', () => {
  const version = dirname(CORPUS);

  it('load --modprobe <version folder> loads rose after ax25, as modprobe does', async () => {
    const { code, out } = await cli(['load', join(CORPUS, 'net/rose/rose.ko'), '--modprobe', version]);
    expect(code, out.slice(-2000)).toBe(0);
    expect(out).toMatch(/# insmod \S+\/net\/ax25\/ax25\.ko\n[\s\S]*# insmod \S+\/net\/rose\/rose\.ko/);
    expect(out).toMatch(/NET: Registered PF_ROSE protocol family/);
    expect(out).not.toMatch(/Unknown symbol/);
  }, 120_000);
});
