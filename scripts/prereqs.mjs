#!/usr/bin/env node
// What `npm test` needs from the system, in one table: the Debian packages, how each is found, and the one
// allowed skip. `npm test` (scripts/test.mjs) checks this table before it runs anything; `.ci/run` installs it.
//
//   node scripts/prereqs.mjs            check; exit 1 with the one install command when something is missing
//   node scripts/prereqs.mjs --install  as root where apt-get works: install what is missing, then check again
//   node scripts/prereqs.mjs --json     the check as JSON (used by scripts/prereqs.test.ts)
//
// Tests that need one of these things import `missing()` from scripts/test-support/prereq.ts: outside CI they
// skip (naming the package), under CI=1 they fail, so a green CI can never hide a skipped check.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const KERNEL_HEADERS = '/usr/src/linux-headers-6.1.0-50-amd64';

/** Is `name` an executable on PATH (the PATH this process was given, so a test can take one away)? */
export function onPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * Every system prerequisite of the test suite: `what` a person reads, the Debian package that provides it,
 * which tests need it, and how it is found. Packages appear once each in the install command.
 */
export const PREREQS = [
  { what: 'chromium', pkg: 'chromium', for: 'the browser e2e and modscope export/deck', found: (p) => onPath('chromium', p) },
  {
    what: 'readelf, ld, as',
    pkg: 'binutils',
    for: 'the corpus test and the GNU ld cross-check',
    found: (p) => onPath('readelf', p) && onPath('ld', p),
  },
  { what: 'xz', pkg: 'xz-utils', for: 'the .ko.xz decompression tests', found: (p) => onPath('xz', p) },
  { what: 'zstd', pkg: 'zstd', for: 'the .ko.zst decompression tests', found: (p) => onPath('zstd', p) },
  { what: 'modinfo', pkg: 'kmod', for: 'modinfo(8) comparisons', found: (p) => onPath('modinfo', p) },
  { what: 'dpkg-deb', pkg: 'dpkg', for: 'unpacking the Debian module corpus', found: (p) => onPath('dpkg-deb', p) },
  { what: 'apt-get', pkg: 'apt', for: 'downloading the Debian module corpus', found: (p) => onPath('apt-get', p) },
  { what: 'qemu-system-x86_64', pkg: 'qemu-system-x86', for: 'the real kernel under QEMU', found: (p) => onPath('qemu-system-x86_64', p) },
  { what: '/bin/busybox', pkg: 'busybox-static', for: 'the QEMU initramfs', found: () => existsSync('/bin/busybox') },
  { what: 'gcc, make', pkg: 'gcc', for: 'rebuilding the samples and the CPU harness', found: (p) => onPath('gcc', p) },
  { what: 'make', pkg: 'make', for: 'rebuilding the samples', found: (p) => onPath('make', p) },
  {
    what: `the Debian 6.1.0-50 kernel headers (${KERNEL_HEADERS})`,
    pkg: 'linux-headers-6.1.0-50-amd64',
    for: 'rebuilding the samples (samples/samples.test.ts)',
    found: () => existsSync(join(KERNEL_HEADERS, 'Makefile')),
  },
  { what: 'pdftoppm, pdffonts', pkg: 'poppler-utils', for: 'checking exported PDF pages and fonts', found: (p) => onPath('pdffonts', p) },
];

/** The one allowed skip: named here and nowhere else (e2e/electron.spec.ts reads it). */
export const ALLOWED_SKIPS = [
  { name: 'Electron binary', why: 'no Electron binary can be downloaded on this machine; the browser e2e drive the same UI' },
];

/** The Debian packages of PREREQS, each once, in table order. */
export const PACKAGES = [...new Set(PREREQS.map((p) => p.pkg))];

export function check(path = process.env.PATH ?? '') {
  const missing = PREREQS.filter((p) => !p.found(path));
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  return { missing, pkgs, command: pkgs.length ? `sudo apt-get install -y ${pkgs.join(' ')}` : '' };
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function main(argv) {
  const json = argv.includes('--json');
  let r = check();
  if (argv.includes('--install') && r.pkgs.length > 0) {
    if (!isRoot() || !onPath('apt-get')) {
      console.error(`prereqs: cannot install (needs root and apt-get). Run: ${r.command}`);
      return 1;
    }
    console.log(`prereqs: installing ${r.pkgs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const inst = spawnSync('apt-get', ['install', '-y', '-qq', ...r.pkgs], { stdio: 'inherit', env });
    if (inst.status !== 0) console.error('prereqs: apt-get install failed');
    r = check();
  }
  if (json) {
    console.log(JSON.stringify({ missing: r.missing.map((m) => ({ what: m.what, pkg: m.pkg, for: m.for })), pkgs: r.pkgs, command: r.command }));
    return r.pkgs.length ? 1 : 0;
  }
  if (r.pkgs.length === 0) {
    console.log(`prereqs: all ${PREREQS.length} system prerequisites present`);
    return 0;
  }
  for (const m of r.missing) console.error(`prereqs: missing ${m.what} (Debian package ${m.pkg}), needed for ${m.for}`);
  console.error(`Install them with: ${r.command}`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
