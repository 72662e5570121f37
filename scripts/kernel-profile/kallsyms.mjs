#!/usr/bin/env node
// The real /proc/kallsyms (and kprobe blacklist) of Debian's kernel, for the kernel profile.
//
// Boots the real vmlinuz under QEMU with nokaslr (scripts/qemu/run-scenario.mjs running
// scripts/kernel-profile/kallsyms.sh as root, no module loaded) and keeps the transcript as
// $CACHE/kernel-profile/kallsyms-<release>.qemu.json. Idempotent: an existing transcript is reused;
// --refresh boots again. generate.mjs imports readKallsyms(); run alone it prints a summary.
//
// Usage: node scripts/kernel-profile/kallsyms.mjs [--release 6.1.0-50-amd64] [--refresh]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');
const SCENARIO = join(ROOT, 'scripts', 'kernel-profile', 'kallsyms.sh');
const COMMANDS = [
  'cat /proc/sys/kernel/kptr_restrict',
  'cat /proc/kallsyms',
  'mount -t debugfs none /sys/kernel/debug && cat /sys/kernel/debug/kprobes/blacklist',
];

/** One /proc/kallsyms line of vmlinux: "%px %c %s" (module lines end in "\t[mod]"). */
const LINE = /^([0-9a-f]{16}) ([A-Za-z?]) (\S+)$/;
/** One kprobes blacklist line: "0x<start>-0x<end>\t<name>". */
const BLACK = /^0x([0-9a-f]+)-0x([0-9a-f]+)\t(\S+)$/;

/**
 * The cached transcript's vmlinux symbols in /proc/kallsyms order (sorted by address, as
 * scripts/kallsyms.c lays them out) and the blacklist. Boots QEMU only when there is no transcript.
 * Throws with the offending line when the transcript is not what kallsyms.sh produces.
 */
export function readKallsyms({ release = '6.1.0-50-amd64', refresh = false, log = () => {} } = {}) {
  const work = join(CACHE, 'kernel-profile');
  const cached = join(work, `kallsyms-${release}.qemu.json`);
  if (refresh || !existsSync(cached)) {
    if (release !== '6.1.0-50-amd64') throw new Error(`run-scenario.mjs boots 6.1.0-50-amd64 only, not ${release}`);
    mkdirSync(work, { recursive: true });
    log(`booting the real kernel under QEMU to read /proc/kallsyms (about 25 s)`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'qemu', 'run-scenario.mjs'), SCENARIO, '--out', `${cached}.tmp`, '--timeout', '300'],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (r.status !== 0) throw new Error(`run-scenario.mjs ${SCENARIO} failed (exit ${r.status})`);
    renameSync(`${cached}.tmp`, cached);
  }
  const t = JSON.parse(readFileSync(cached, 'utf8'));
  if (!t.cmdline?.includes('nokaslr')) throw new Error(`${cached}: booted without nokaslr (${t.cmdline})`);
  const steps = t.steps ?? [];
  COMMANDS.forEach((cmd, i) => {
    if (steps[i]?.cmd !== cmd || steps[i].rc !== 0) throw new Error(`${cached}: step ${i} is not '${cmd}' with rc 0`);
  });
  const kptrRestrict = Number(steps[0].output.trim());
  const symbols = [];
  for (const line of steps[1].output.split('\n')) {
    if (!line) continue;
    if (line.includes('\t[')) throw new Error(`${cached}: a module symbol in a boot without modules: ${line}`);
    const m = LINE.exec(line);
    if (!m) throw new Error(`${cached}: bad /proc/kallsyms line: ${JSON.stringify(line)}`);
    symbols.push({ address: BigInt('0x' + m[1]), type: m[2], name: m[3] });
  }
  for (let i = 1; i < symbols.length; i++)
    if (symbols[i].address < symbols[i - 1].address) throw new Error(`${cached}: /proc/kallsyms not sorted at ${symbols[i].name}`);
  const blacklist = [];
  for (const line of steps[2].output.split('\n')) {
    if (!line) continue;
    const m = BLACK.exec(line);
    if (!m) throw new Error(`${cached}: bad blacklist line: ${JSON.stringify(line)}`);
    blacklist.push({ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), name: m[3] });
  }
  return { kptrRestrict, symbols, blacklist, cmdline: t.cmdline };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--release');
  const r = readKallsyms({
    release: i >= 0 ? args[i + 1] : undefined,
    refresh: args.includes('--refresh'),
    log: (m) => console.error('[kallsyms]', m),
  });
  const types = {};
  for (const s of r.symbols) types[s.type] = (types[s.type] ?? 0) + 1;
  console.log(`kptr_restrict ${r.kptrRestrict}; ${r.symbols.length} vmlinux symbols ${JSON.stringify(types)}; ${r.blacklist.length} blacklisted`);
}
