// One boot of the real Debian kernel under QEMU (nokaslr) with a capture module built here against the installed
// headers, running a list of shell lines (one of them insmods the module): how machine-facts.mjs and kernel-data.mjs
// read what the kernel sees. The module's init prints the values and returns an error, so it never stays loaded.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildInitramfs, ensureVmlinuz, parseTranscript, readScenario, runQemu } from './run-scenario.mjs';

const HEADERS = process.env.MODSCOPE_HEADERS || '/usr/src/linux-headers-6.1.0-50-amd64';

/** Build cFile as a module, boot, run lines; the transcript (parseTranscript's), every line's step present. */
export async function captureBoot(cFile, lines, { raw = null } = {}) {
  const name = basename(cFile, '.c');
  const dir = mkdtempSync(join(tmpdir(), `modscope-${name}-`));
  try {
    copyFileSync(cFile, join(dir, `${name}.c`));
    writeFileSync(join(dir, 'Kbuild'), `obj-m := ${name}.o\n`);
    execFileSync('make', ['-s', '-C', HEADERS, `M=${dir}`, 'modules'], { stdio: ['ignore', 2, 2] });
    writeFileSync(join(dir, 'capture.sh'), `${lines.join('\n')}\n`);
    const scenario = readScenario(join(dir, 'capture.sh'));
    const initrd = buildInitramfs(scenario);
    const r = await runQemu({ vmlinuz: ensureVmlinuz(), initrd, append: 'console=ttyS0 quiet panic=-1 nokaslr rdinit=/init', timeout: 300 });
    if (r.error) throw new Error(r.error);
    const t = parseTranscript(r.transcript, scenario);
    if (t.steps.length !== lines.length) throw new Error(`incomplete transcript: ${t.steps.length}/${lines.length} steps (logs in ${r.work})`);
    if (raw) writeFileSync(raw, JSON.stringify(t, null, 1));
    return t;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
