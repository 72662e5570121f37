#!/usr/bin/env node
// Run a shell-like module-loading scenario on the REAL Debian 6.1.0-50-amd64 kernel under QEMU and
// print (or write) a JSON transcript: every command's output and exit code, the kernel messages each
// command produced, and the full dmesg.
//
//   node scripts/qemu/run-scenario.mjs SCRIPT.sh [--kaslr] [--out FILE] [--timeout SECONDS]
//
// SCRIPT.sh: one shell command per line ('#' comments and blank lines are skipped). A word ending in
// .ko that names a file relative to the script's folder, or `corpus:kernel/fs/fat/fat.ko` for a
// module of the extracted Debian corpus, is copied into the initramfs (/root, the working directory)
// under its base name and the word is rewritten to that base name (so insmod's messages read
// "could not insert module hello.ko"). Other .ko words are left as written.
// Plain Node ESM, no dependencies. See README.md beside this file.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
  accessSync,
  constants,
  statSync,
  utimesSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QEMU_MACHINE_ARGS } from './machine.mjs';

const RELEASE = '6.1.0-50-amd64';
const PKG = `linux-image-${RELEASE}-unsigned`;
const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');
const CORPUS = join(CACHE, 'corpus', 'lib', 'modules', RELEASE);
const QEMU = process.env.QEMU || 'qemu-system-x86_64';
const KEEP_IMAGES = 16; // cached initramfs images kept in $CACHE/qemu

function die(msg, code = 1) {
  process.stderr.write(`run-scenario: ${msg}\n`);
  process.exit(code);
}

// ---------- arguments ----------
function parseArgs(argv) {
  const opts = { kaslr: false, out: null, timeout: 60, script: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kaslr') opts.kaslr = true;
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/qemu/run-scenario.mjs SCRIPT.sh [--kaslr] [--out FILE] [--timeout SECONDS]\n');
      process.exit(0);
    } else if (!a.startsWith('--') && !opts.script) opts.script = a;
    else die(`unknown argument ${a}`, 2);
  }
  if (!opts.script) die('usage: run-scenario.mjs SCRIPT.sh [--kaslr] [--out FILE] [--timeout SECONDS]', 2);
  if (!(opts.timeout > 0)) die('--timeout needs a positive number of seconds', 2);
  return opts;
}

// ---------- the kernel image (same cache layout as scripts/fetch-corpus.sh) ----------
export function ensureVmlinuz() {
  const dir = join(CACHE, 'kernel-profile');
  const vmlinuz = join(dir, `vmlinuz-${RELEASE}`);
  if (existsSync(vmlinuz)) return vmlinuz;
  mkdirSync(dir, { recursive: true });
  const debs = () =>
    readdirSync(CACHE)
      .filter((f) => f.startsWith(`${PKG}_`) && f.endsWith('_amd64.deb'))
      .sort();
  if (debs().length === 0) {
    process.stderr.write(`run-scenario: downloading ${PKG} into ${CACHE}\n`);
    execFileSync('apt-get', ['download', PKG], { cwd: CACHE, stdio: ['ignore', 2, 2] });
  }
  const deb = join(CACHE, debs().at(-1));
  const tmp = mkdtempSync(join(tmpdir(), 'modscope-deb-'));
  try {
    execFileSync('dpkg-deb', ['-x', deb, tmp], { stdio: ['ignore', 2, 2] });
    writeFileSync(`${vmlinuz}.part`, readFileSync(join(tmp, 'boot', `vmlinuz-${RELEASE}`)));
    renameSync(`${vmlinuz}.part`, vmlinuz);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return vmlinuz;
}

// ---------- the scenario ----------
/**
 * `#! make NAME.ko from SOURCE.ko MUTATION`: NAME.ko is SOURCE (a path next to the script or corpus:…)
 * changed by a `modscope whatif` mutation (the rest of the line, e.g. byte:0x100=0x44 or signature:strip; in
 * double quotes when it ends in a space), so the real kernel judges the very bytes the model's what-if loads.
 * engine/shell/scenarios.test.ts applies the same mutation.
 */
export const MAKE_LINE = /^#! make ([\w-]+\.ko) from (\S+\.ko) (\S.*)$/;

function makeModule(file, dir, name, source, mutation) {
  const host = source.startsWith('corpus:') ? join(CORPUS, source.slice('corpus:'.length)) : resolve(dir, source);
  if (!existsSync(host)) die(`${file}: ${source} not found (${host})`);
  const out = join(CACHE, 'qemu', 'made', `${basename(file, '.sh')}-${name}`);
  mkdirSync(dirname(out), { recursive: true });
  const cli = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'main', 'cli', 'bin.mjs');
  const r = spawnSync(process.execPath, [cli, 'whatif', host, mutation, '--save', out], { encoding: 'utf8' });
  if (r.status !== 0) die(`${file}: make ${name}: ${r.stderr || r.stdout}`);
  return out;
}

export function readScenario(file) {
  const dir = dirname(resolve(file));
  const modules = new Map(); // base name -> host path
  const steps = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const source = raw.trim();
    const make = MAKE_LINE.exec(source);
    if (make) {
      modules.set(make[1], makeModule(file, dir, make[1], make[2], make[3].replace(/^"(.*)"$/, "$1")));
      continue;
    }
    if (!source || source.startsWith('#')) continue;
    const cmd = source.replace(/(^|\s)(corpus:)?([^\s'"=<>|;&]+\.ko)(?=\s|$)/g, (_m, pre, corpus, p) => {
      const host = corpus ? join(CORPUS, p) : resolve(dir, p);
      if (!existsSync(host)) {
        if (corpus) die(`${file}: not in the corpus (run scripts/fetch-corpus.sh): ${host}`);
        return pre + p; // no such file next to the script: passed on as written (e.g. to test ENOENT)
      }
      const name = basename(p);
      if (modules.has(name) && modules.get(name) !== host) die(`${file}: two different files named ${name}`);
      modules.set(name, host);
      return pre + name;
    });
    steps.push({ cmd, source });
  }
  if (steps.length === 0) die(`${file}: no commands`);
  return { steps, modules };
}

// /init, run by the kernel as PID 1 (busybox sh). The transcript goes to the SECOND serial port
// (ttyS1) while the kernel console stays on ttyS0, so kernel messages can never interleave with
// command output, whatever the console loglevel. printk settings are left as booted.
export const INIT = `#!/bin/sh
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/ttyS1 2>&1 </dev/null
cd /root
# Debian's busybox runs its own applets before searching PATH (standalone shell), which would shadow
# the real kmod tools: functions win over applets, and a path with '/' is executed as is.
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
lsmod() { /sbin/lsmod "$@"; }
modprobe() { /sbin/modprobe "$@"; }
modinfo() { /sbin/modinfo "$@"; }
depmod() { /sbin/depmod "$@"; }
echo "@@@ uname $(uname -r)"
echo "@@@ version $(cat /proc/version)"
echo "@@@ cmdline $(cat /proc/cmdline)"
echo "@@@ printk $(cat /proc/sys/kernel/printk)"
dmesg -r >/tmp/k
n=$(wc -l </tmp/k)
echo "@@@ boot-dmesg-lines $n"
while IFS= read -r line; do
  echo "@@@ \\$ $line"
  # A subshell, so that an 'exit' in a line cannot end PID 1 (which would panic the kernel).
  ( eval "$line" ) >/tmp/out 2>&1 </dev/null
  rc=$?
  # The extra newline guarantees the marker starts a line; the parser removes it again.
  cat /tmp/out; echo
  echo "@@@ rc=$rc"
  dmesg -r >/tmp/k
  m=$(wc -l </tmp/k)
  echo "@@@ kmsg"
  tail -n +$((n + 1)) /tmp/k
  echo "@@@ end-kmsg"
  n=$m
done </scenario
echo "@@@ dmesg"
dmesg -r
echo "@@@ end"
poweroff -f
`;

// ---------- the initramfs ----------
function ldd(bin) {
  const out = execFileSync('ldd', [bin], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    const m = line.match(/=>\s*(\/\S+)/) || line.match(/^\s*(\/\S+)\s+\(/);
    if (m) libs.push(m[1]);
  }
  return libs;
}

function which(name, candidates) {
  for (const c of candidates) if (existsSync(c)) return c;
  die(`${name} not found (looked at ${candidates.join(', ')})`);
}

function initramfsEntries(scenario) {
  const entries = []; // { path, mode, data?, target?, rdev? }
  const dir = (path) => entries.push({ path, mode: 0o40755 });
  const file = (path, data, mode = 0o100644) => entries.push({ path, mode, data });
  const link = (path, target) => entries.push({ path, mode: 0o120777, target });
  for (const d of [
    'bin',
    'sbin',
    'dev',
    'proc',
    'sys',
    'tmp',
    'root',
    'etc',
    'lib',
    'lib64',
    'lib/x86_64-linux-gnu',
    'lib/modules',
    `lib/modules/${RELEASE}`,
  ])
    dir(d);
  // The kernel opens /dev/console before /init runs (devtmpfs is mounted by /init only).
  entries.push({ path: 'dev/console', mode: 0o20600, rdev: [5, 1] });

  const busybox = which('busybox', ['/bin/busybox', '/usr/bin/busybox']);
  file('bin/busybox', readFileSync(busybox), 0o100755);
  const kmodTools = ['insmod', 'rmmod', 'lsmod', 'modprobe', 'modinfo', 'depmod'];
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox' && !kmodTools.includes(a)) link(`bin/${a}`, 'busybox');

  // The real kmod tools (dynamically linked: bring their shared libraries along, at the same paths).
  const kmod = which('kmod', ['/usr/bin/kmod', '/bin/kmod']);
  file('sbin/kmod', readFileSync(kmod), 0o100755);
  for (const t of kmodTools) link(`sbin/${t}`, 'kmod');
  for (const lib of ldd(kmod)) {
    const inRamfs = lib.replace(/^\/usr\//, '/').replace(/^\//, '');
    file(inRamfs, readFileSync(realpathSync(lib)), 0o100755);
  }

  file('init', Buffer.from(INIT), 0o100755);
  file('scenario', Buffer.from(scenario.steps.map((s) => s.cmd).join('\n') + '\n'));
  for (const [name, host] of [...scenario.modules].sort()) file(`root/${name}`, readFileSync(host));
  // Extra files at their own paths (a module tree under lib/modules/<release>/): parents first.
  const have = new Set(entries.map((e) => e.path));
  for (const [path, host] of scenario.files ?? []) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!have.has(d)) {
        dir(d);
        have.add(d);
      }
    }
    file(path, readFileSync(host));
    have.add(path);
  }
  return entries;
}

// newc ("070701") cpio, written by hand: no dependency on a cpio binary, and mtimes are 0 so the
// same inputs give the same bytes.
function newc(entries) {
  const parts = [];
  const pad4 = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n) => n.toString(16).padStart(8, '0');
  let ino = 1;
  const put = (name, mode, body, rdev = [0, 0]) => {
    const nameBuf = Buffer.from(`${name}\0`);
    const header =
      '070701' + [ino++, mode, 0, 0, mode >> 12 === 4 ? 2 : 1, 0, body.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0].map(hex).join('');
    parts.push(Buffer.from(header), nameBuf, pad4(110 + nameBuf.length), body, pad4(body.length));
  };
  for (const e of entries) {
    const body = e.data ?? (e.target !== undefined ? Buffer.from(e.target) : Buffer.alloc(0));
    put(e.path, e.mode, body, e.rdev);
  }
  put('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}

export function buildInitramfs(scenario) {
  const entries = initramfsEntries(scenario);
  const hash = createHash('sha256');
  for (const e of entries) {
    hash.update(`${e.path}\0${e.mode}\0${e.target ?? ''}\0${e.rdev ?? ''}\0`);
    if (e.data) hash.update(e.data);
  }
  const dir = join(CACHE, 'qemu');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `initramfs-${hash.digest('hex').slice(0, 16)}.cpio`);
  if (existsSync(path)) {
    utimesSync(path, new Date(), new Date()); // mark as recently used for the pruning below
  } else {
    writeFileSync(`${path}.part`, newc(entries));
    renameSync(`${path}.part`, path);
  }
  // Each image is ~10 MB (busybox + kmod + libcrypto): keep only the most recently used ones.
  const images = readdirSync(dir)
    .filter((f) => /^initramfs-[0-9a-f]+\.cpio$/.test(f))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of images.slice(KEEP_IMAGES)) rmSync(join(dir, f), { force: true });
  return path;
}

// ---------- QEMU ----------
// TCG by default: on this workplace /dev/kvm exists but KVM guests crash (-cpu host: "failed to set
// MSR 0x10a") or hang silently (default CPU), and TCG boots this kernel in ~5 s anyway.
// MODSCOPE_QEMU_ACCEL=kvm opts in where KVM works.
function kvmWanted() {
  if (process.env.MODSCOPE_QEMU_ACCEL !== 'kvm') return false;
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    die('MODSCOPE_QEMU_ACCEL=kvm but /dev/kvm is not usable');
  }
}

export function runQemu({ vmlinuz, initrd, append, timeout }) {
  const work = mkdtempSync(join(tmpdir(), 'modscope-qemu-'));
  const consoleLog = join(work, 'console.log');
  const transcriptLog = join(work, 'transcript.log');
  const kvm = kvmWanted();
  const args = [
    ...(kvm
      ? ['-accel', 'kvm', '-cpu', 'host', ...QEMU_MACHINE_ARGS.filter((a) => a !== 'qemu64' && a !== '-cpu')]
      : ['-accel', 'tcg', ...QEMU_MACHINE_ARGS]),
    '-display',
    'none',
    '-monitor',
    'none',
    '-no-reboot',
    '-kernel',
    vmlinuz,
    '-initrd',
    initrd,
    '-append',
    append,
    '-serial',
    `file:${consoleLog}`, // ttyS0: the kernel console
    '-serial',
    `file:${transcriptLog}`, // ttyS1: the /init transcript
  ];
  const started = Date.now();
  const read = (f) => (existsSync(f) ? readFileSync(f, 'latin1').replace(/\r\n/g, '\n') : '');
  return new Promise((done) => {
    const child = spawn(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // What the guest wrote so far (a batch recorder keeps the steps that completed).
      done({ error: `timed out after ${timeout} s: QEMU killed (see ${work})`, work, console: read(consoleLog), transcript: read(transcriptLog) });
    }, timeout * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ error: `cannot run ${QEMU}: ${e.message}`, work });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return;
      done({
        code,
        stderr,
        work,
        accel: kvm ? 'kvm' : 'tcg',
        ms: Date.now() - started,
        console: read(consoleLog),
        transcript: read(transcriptLog),
      });
    });
  });
}

// ---------- parsing ----------
// busybox `dmesg -r` prints the raw syslog records: "<prio>[seconds] text"; prio = facility*8 + level.
export function parseDmesg(lines) {
  const out = [];
  for (const line of lines) {
    const m = line.match(/^<(\d+)>\[\s*(\d+\.\d+)\] ?(.*)$/);
    if (m) {
      const prio = Number(m[1]);
      const rec = { level: prio & 7, time: Number(m[2]), text: m[3] };
      if (prio >> 3) rec.facility = prio >> 3;
      out.push(rec);
    } else if (out.length)
      out[out.length - 1].text += `\n${line}`; // a continuation line
    else out.push({ level: null, time: null, text: line });
  }
  return out;
}

export function parseTranscript(text, scenario) {
  const lines = text.split('\n');
  const header = {};
  const steps = [];
  let i = 0;
  const until = (marker) => {
    const start = i;
    while (i < lines.length && !lines[i].startsWith(marker)) i++;
    return lines.slice(start, i);
  };
  for (; i < lines.length && !lines[i].startsWith('@@@ $ ') && !lines[i].startsWith('@@@ dmesg'); i++) {
    const m = lines[i].match(/^@@@ (\S+) ?(.*)$/);
    if (m) header[m[1]] = m[2];
  }
  while (i < lines.length && lines[i].startsWith('@@@ $ ')) {
    const cmd = lines[i++].slice(6);
    const output = until('@@@ rc=');
    if (i >= lines.length) break;
    const rc = Number(lines[i++].slice(7));
    // /init echoes one newline after every output; joining the lines without a final '\n' drops it.
    i++; // "@@@ kmsg"
    const kmsg = until('@@@ end-kmsg');
    i++;
    const step = { cmd, output: output.join('\n'), rc, kmsg: parseDmesg(kmsg) };
    const src = scenario.steps[steps.length];
    if (src && src.source !== cmd) step.source = src.source;
    steps.push(step);
  }
  let dmesg = null;
  if (lines[i] === '@@@ dmesg') {
    i++;
    const raw = until('@@@ end');
    if (lines[i] === '@@@ end') dmesg = parseDmesg(raw);
  }
  return { header, steps, dmesg };
}

// ---------- main ----------
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const probe = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) die(`${QEMU} is not available (apt-get install qemu-system-x86)`, 3);
  const scenario = readScenario(opts.script);
  const vmlinuz = ensureVmlinuz();
  const initrd = buildInitramfs(scenario);
  const append = `console=ttyS0 quiet panic=-1 ${opts.kaslr ? '' : 'nokaslr '}rdinit=/init`;
  const r = await runQemu({ vmlinuz, initrd, append, timeout: opts.timeout });
  if (r.error) die(r.error);
  const t = parseTranscript(r.transcript, scenario);
  if (!t.dmesg || t.steps.length !== scenario.steps.length) {
    process.stderr.write(r.console.split('\n').slice(-30).join('\n') + '\n');
    die(
      `incomplete transcript (${t.steps.length}/${scenario.steps.length} steps; ` +
        `QEMU exit ${r.code}${r.stderr ? `: ${r.stderr.trim()}` : ''}); logs in ${r.work}`,
    );
  }
  rmSync(r.work, { recursive: true, force: true });
  const bootLines = Number(t.header['boot-dmesg-lines']);
  const result = {
    scenario: basename(opts.script),
    kernel: t.header.uname,
    version: t.header.version,
    cmdline: t.header.cmdline,
    accel: r.accel,
    printk: t.header.printk,
    steps: t.steps,
    // dmesg[0 .. bootDmesgCount-1] were logged before the first command (boot), the rest during it.
    bootDmesgCount: parseDmesg(parseLinesOnly(r.transcript, bootLines)).length,
    dmesg: t.dmesg,
    // What reached the kernel console (ttyS0) at the booted console loglevel.
    console: r.console.split('\n').filter(Boolean),
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (opts.out) writeFileSync(opts.out, json);
  else process.stdout.write(json);
  process.stderr.write(
    `run-scenario: ${result.steps.length} steps, ${result.dmesg.length} dmesg records, ` +
      `QEMU (${r.accel}) ran ${(r.ms / 1000).toFixed(1)} s${opts.out ? `, wrote ${opts.out}` : ''}\n`,
  );
}

// The first `count` raw lines of the final dmesg (so that continuation lines are counted as /init saw them).
function parseLinesOnly(transcript, count) {
  const lines = transcript.split('\n');
  const start = lines.indexOf('@@@ dmesg') + 1;
  return lines.slice(start, start + count);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((e) => die(e.stack || String(e)));
