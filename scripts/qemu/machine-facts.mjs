#!/usr/bin/env node
// Records what the real Debian 6.1.0-50-amd64 kernel sees of the machine every recording runs on
// (machine.mjs: QEMU `pc`, qemu64 under TCG, 1 CPU, 512 MiB) and writes it as
// samples/kernel/machine-qemu-pc.json.gz, beside the kernel profile:
//
//   node scripts/qemu/machine-facts.mjs [--out FILE] [--raw FILE.json]
//
// One boot: /proc (meminfo, cpuinfo, iomem, ioports, devices, misc, filesystems, crypto, zoneinfo
// head), /sys (PCI devices with vendor/device/class, ACPI table signatures and bytes, DMI strings, CPU
// masks) and, from a capture module built here against the installed headers
// (machine-facts/machine_facts.c), kernel variables: totalram_pages(), __per_cpu_offset[0],
// high_memory, page_offset_base, si_meminfo(), the bytes of boot_cpu_data. The module taints the
// capture boot only (unsigned, out of tree) and its init returns -EAGAIN, so it never stays loaded.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { captureBoot } from './capture-boot.mjs';
import { QEMU_MACHINE_ARGS, MACHINE_MEMORY_MIB } from './machine.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

const LINES = [
  'cat /proc/version',
  'cat /proc/cmdline',
  'cat /proc/meminfo',
  'cat /proc/cpuinfo',
  'cat /sys/devices/system/cpu/possible /sys/devices/system/cpu/online /sys/devices/system/cpu/present',
  'cd /sys/bus/pci/devices && for d in *; do echo "$d $(cat $d/vendor) $(cat $d/device) $(cat $d/class) $(cat $d/subsystem_vendor) ' +
    '$(cat $d/subsystem_device) $(cat $d/revision) $(cat $d/irq)"; done',
  'cd /sys/firmware/acpi/tables && for f in *; do [ -f "$f" ] && echo "$f $(base64 -w0 < "$f")"; done',
  'cd /sys/class/dmi/id && for f in *; do [ -f "$f" ] && echo "$f=$(cat "$f" 2>/dev/null)"; done',
  'cat /proc/iomem',
  'cat /proc/ioports',
  'cat /proc/devices',
  'cat /proc/misc',
  'cat /proc/filesystems',
  'cat /proc/crypto',
  'cat /proc/interrupts',
  'ls /sys/class',
  'ls /sys/bus',
  'insmod machine_facts.ko',
];

function parse(steps) {
  const out = (cmd) => steps.find((s) => s.cmd.startsWith(cmd))?.output ?? '';
  const kv = (text, sep) =>
    Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.includes(sep))
        .map((l) => {
          const i = l.indexOf(sep);
          return [l.slice(0, i).trim(), l.slice(i + sep.length).trim()];
        }),
    );
  const meminfo = Object.fromEntries(Object.entries(kv(out('cat /proc/meminfo'), ':')).map(([k, v]) => [k, Number(v.replace(/ kB$/, ''))]));
  const cpuinfo = kv(out('cat /proc/cpuinfo'), ':');
  const pci = out('cd /sys/bus/pci')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [slot, vendor, device, cls, subVendor, subDevice, revision, irq] = l.split(' ');
      return { slot, vendor, device, class: cls, subVendor, subDevice, revision, irq: Number(irq) };
    });
  const acpi = out('cd /sys/firmware/acpi')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [signature, b64] = l.split(' ');
      return { signature, size: Buffer.from(b64 ?? '', 'base64').length, base64: b64 ?? '' };
    });
  const dmi = kv(out('cd /sys/class/dmi'), '=');
  const kmsg = steps.find((s) => s.cmd.startsWith('insmod machine_facts'))?.kmsg ?? [];
  const vars = {};
  const hex = {};
  let si = null;
  for (const { text } of kmsg) {
    let m;
    if ((m = /^var (\S+) ([0-9a-f]+)$/.exec(text))) vars[m[1]] = `0x${m[2]}`;
    else if ((m = /^hex (\S+) ([0-9a-f]+) ([0-9a-f]+)$/.exec(text))) hex[m[1]] = (hex[m[1]] ?? '') + m[3];
    else if ((m = /^si (.*)$/.exec(text))) {
      si = Object.fromEntries([...m[1].matchAll(/(\w+) ([0-9a-f]+)/g)].map((x) => [x[1], Number.parseInt(x[2], 16)]));
    }
  }
  const [possible, online, present] = out('cat /sys/devices/system/cpu/possible').split('\n');
  const lines = (cmd) => out(cmd).split('\n').filter(Boolean);
  const name = `${dmi.sys_vendor} ${dmi.product_name}, ${cpuinfo['model name']} (TCG), 1 CPU, ${MACHINE_MEMORY_MIB} MiB`;
  return {
    format: 'modscope-machine',
    version: 1,
    name,
    qemu: {
      args: QEMU_MACHINE_ARGS,
      accel: 'tcg',
      qemuVersion: execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    },
    kernel: out('cat /proc/version').trim(),
    cmdline: out('cat /proc/cmdline').trim(),
    memoryMiB: MACHINE_MEMORY_MIB,
    meminfo,
    sysinfo: si,
    vars,
    boot_cpu_data: hex.boot_cpu_data ?? null,
    cpu: {
      possible,
      online,
      present,
      model: cpuinfo['model name'],
      vendor: cpuinfo.vendor_id,
      family: Number(cpuinfo['cpu family']),
      modelNumber: Number(cpuinfo.model),
      stepping: Number(cpuinfo.stepping),
      flags: (cpuinfo.flags ?? '').split(' ').filter(Boolean),
      bugs: (cpuinfo.bugs ?? '').split(' ').filter(Boolean),
      bogomips: cpuinfo.bogomips,
      cpuinfo: out('cat /proc/cpuinfo'),
    },
    pci,
    acpi,
    dmi,
    proc: {
      iomem: lines('cat /proc/iomem'),
      ioports: lines('cat /proc/ioports'),
      devices: lines('cat /proc/devices'),
      misc: lines('cat /proc/misc'),
      filesystems: lines('cat /proc/filesystems'),
      crypto: out('cat /proc/crypto'),
      interrupts: lines('cat /proc/interrupts'),
    },
    sys: { class: out('ls /sys/class').split(/\s+/).filter(Boolean), bus: out('ls /sys/bus').split(/\s+/).filter(Boolean) },
  };
}

/**
 * engine/machine/qemu-pc.ts: the part of the facts the engine reads (the engine is pure TypeScript and
 * cannot read the .json.gz itself); engine/machine/qemu-pc.test.ts checks it against the .json.gz.
 */
/** The distinct majors of /proc/devices' "Character devices:" section. */
function charMajors(lines) {
  const out = new Set();
  for (const l of lines.slice(lines.indexOf('Character devices:') + 1)) {
    if (!/^\s*\d+ /.test(l)) break;
    out.add(Number.parseInt(l, 10));
  }
  return [...out];
}

/** /proc/crypto's entries as { name, driver, priority, type }. */
function cryptoAlgs(text) {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => Object.fromEntries(b.split('\n').map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()])))
    .map((e) => ({ name: e.name, driver: e.driver, priority: Number(e.priority), type: e.type }));
}

function writeTs(facts, file) {
  const ts = `/**
 * The machine Modscope models, as the real Debian 6.1.0-50 kernel sees it under QEMU: generated from
 * samples/kernel/machine-qemu-pc.json.gz by \`node scripts/qemu/machine-facts.mjs --ts\` (do not edit;
 * qemu-pc.test.ts checks the two agree). See scripts/qemu/machine.mjs for the QEMU command line.
 */
export const MACHINE = ${JSON.stringify(
    {
      name: facts.name,
      memoryMiB: facts.memoryMiB,
      vars: facts.vars,
      sysinfo: facts.sysinfo,
      bootCpuData: facts.boot_cpu_data.match(/.{1,64}/g),
      cpuFlags: facts.cpu.flags,
      pci: facts.pci.map((p) => ({
        slot: p.slot,
        vendor: p.vendor,
        device: p.device,
        class: p.class,
        subVendor: p.subVendor,
        subDevice: p.subDevice,
        revision: p.revision,
      })),
      acpiTables: facts.acpi.map((a) => ({ signature: a.signature, size: a.size })),
      dmi: Object.fromEntries(Object.entries(facts.dmi).filter(([k]) => k !== 'uevent' && k !== 'modalias')),
      // /proc/devices "Character devices:" and /proc/misc after boot: the majors and misc minors the
      // built-in kernel holds (fs/char_dev.c chrdevs[], drivers/char/misc.c misc_list).
      charMajors: charMajors(facts.proc.devices),
      miscMinors: facts.proc.misc.map((l) => Number.parseInt(l, 10)).sort((a, b) => a - b),
      // /proc/crypto after boot: the built-in algorithms (crypto_alg_list), all "module : kernel".
      cryptoAlgs: cryptoAlgs(facts.proc.crypto),
      // /proc/ioports after boot: the I/O port resource tree (kernel/resource.c ioport_resource), two spaces a level.
      ioports: facts.proc.ioports,
    },
    null,
    2,
  )
    .replace(/\[\n\s+('?)(\w)/g, '[$1$2')
    .replace(/(\w'?),\n\s+(?=["\w])(?!\w+":)/g, '$1, ')
    .replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:')
    .replace(/"/g, "'")} as const;
`;
  writeFileSync(file, ts);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--ts') {
    const facts = JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'machine-qemu-pc.json.gz'))).toString('utf8'));
    writeTs(facts, join(ROOT, 'engine', 'machine', 'qemu-pc.ts'));
    return;
  }
  const outFile = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : join(ROOT, 'samples', 'kernel', 'machine-qemu-pc.json.gz');
  const raw = argv.includes('--raw') ? argv[argv.indexOf('--raw') + 1] : null;
  const t = await captureBoot(join(HERE, 'machine-facts', 'machine_facts.c'), LINES, { raw });
  const facts = parse(t.steps);
  if (!facts.vars._totalram_pages || !facts.boot_cpu_data) throw new Error('the capture module printed nothing');
  writeFileSync(outFile, gzipSync(`${JSON.stringify(facts, null, 1)}\n`, { level: 9 }));
  writeTs(facts, join(ROOT, 'engine', 'machine', 'qemu-pc.ts'));
  process.stderr.write(`machine-facts: ${facts.name}: ${facts.pci.length} PCI devices, ${facts.acpi.length} ACPI tables, wrote ${outFile}\n`);
}

main().catch((e) => {
  process.stderr.write(`machine-facts: ${e.stack || e}\n`);
  process.exit(1);
});
