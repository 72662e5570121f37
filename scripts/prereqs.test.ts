/**
 * README's promise on a fresh machine, checked: `npm test` either has what it needs, or stops within
 * seconds, before running anything, with the one command that installs what is missing (every package
 * named). Here a PATH without chromium stands in for a machine that lacks it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOWED_SKIPS, PACKAGES, PREREQS, check } from './prereqs.mjs';
import { ROOT } from './test-support/kernel';

/** A bin directory with every executable of /usr/bin and /bin but `drop`. */
function pathWithout(drop: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'modscope-path-'));
  const seen = new Set<string>();
  for (const d of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (n === drop || seen.has(n)) continue;
      seen.add(n);
      symlinkSync(join(d, n), join(dir, n));
    }
  }
  return { dir, path: dir };
}

const noChromium = pathWithout('chromium');
afterAll(() => rmSync(noChromium.dir, { recursive: true, force: true }));

describe('system prerequisites (scripts/prereqs.mjs)', () => {
  it('a PATH without chromium is reported, with the install command naming its package', () => {
    const r = check(noChromium.path);
    expect(r.missing.map((m) => m.pkg)).toContain('chromium');
    expect(r.command).toMatch(/^sudo apt-get install -y .*\bchromium\b/);
    const cli = spawnSync('node', [join(ROOT, 'scripts', 'prereqs.mjs')], { env: { ...process.env, PATH: noChromium.path }, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/missing chromium \(Debian package chromium\)/);
    expect(cli.stderr).toMatch(/Install them with: sudo apt-get install -y .*chromium/);
  });

  it('npm test stops within seconds, before running anything, with the one install command', () => {
    const t0 = Date.now();
    const r = spawnSync('node', [join(ROOT, 'scripts', 'test.mjs')], {
      cwd: ROOT,
      env: { ...process.env, PATH: noChromium.path, MODSCOPE_NO_INSTALL: '1', CI: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const seconds = (Date.now() - t0) / 1000;
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/npm test: install what is missing first: sudo apt-get install -y .*chromium/);
    expect(r.stdout).not.toMatch(/=== /); // no stage ran: not even the corpus download
    expect(seconds).toBeLessThan(30); // node's start-up on a loaded machine; the check itself takes milliseconds
  });

  it('every prerequisite is found on this machine through the real PATH', () => {
    expect(check().missing.map((m) => m.what)).toEqual([]);
  });

  it('README names the same packages, in one command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`sudo apt-get install -y ${PACKAGES.join(' ')}`);
    expect(new Set(PREREQS.map((p) => p.pkg)).size).toBe(PACKAGES.length);
  });

  it('the one allowed skip is named once, and the Electron e2e uses it', () => {
    expect(ALLOWED_SKIPS.map((a) => a.name)).toEqual(['Electron binary']);
    expect(readFileSync(join(ROOT, 'e2e', 'electron.spec.ts'), 'utf8')).toContain('ALLOWED_SKIPS[0]');
  });
});
