/** `modscope shell SCRIPT` on a recorded lesson: the lines a root terminal on the real kernel showed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/test-support/kernel';
import { run } from './modscope';

async function shell(script: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['shell', script], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('modscope shell', () => {
  it('prints what the real kernel printed for the provider/consumer lesson', async () => {
    const script = join(ROOT, 'scripts/qemu/scenarios/provider-consumer.sh');
    const r = await shell(script);
    expect(r.code, r.err).toBe(0);
    const real = JSON.parse(readFileSync(script.replace(/\.sh$/, '.qemu.json'), 'utf8')) as { steps: { cmd: string; output: string }[] };
    const lsmod = real.steps.filter((s) => s.cmd === 'lsmod').map((s) => s.output);
    for (const o of lsmod) expect(r.out).toContain(o);
    expect(r.out).toContain('# insmod consumer.ko\ninsmod: ERROR: could not insert module consumer.ko: Unknown symbol in module\n');
    expect(r.out).toContain('rmmod: ERROR: Module provider is in use by: consumer\n');
  });

  it('reports a missing script as an error with exit 2', async () => {
    const r = await shell('/nonexistent/lesson.sh');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read/);
  });
});
