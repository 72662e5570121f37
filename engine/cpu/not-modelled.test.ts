/**
 * Issue 12's "nothing invented" and "the oops, told truly" on real modules: a corpus init that calls a
 * kernel function without a model stops there with outcome unknown (no guessed return value, no oops);
 * the oops sample's insmod is Killed (SIGKILL, no errno) and its taint D shows as the letter D; a
 * printk record enters the log at the call instruction that made it; errno 105 reads as kmod prints it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS, sample } from '../../scripts/test-support/kernel';
import { seek } from '../kernel-session';
import { modStrerror } from '../load/errno';
import { loadModule } from '../load/load-module';
import { Shell } from '../shell/index';
import { attachCpu } from './attach';

function kernel() {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  return k;
}

describe('a kernel function without a model', () => {
  const file = join(CORPUS, 'lib', 'ts_kmp.ko');
  if (process.env.CI && !existsSync(file)) throw new Error(`the Debian corpus is missing (${file}): run scripts/fetch-corpus.sh`);
  it.skipIf(!existsSync(file))('ts_kmp: init stops at textsearch_register(), outcome unknown, nothing printed after it', () => {
    const k = kernel();
    const n = k.log.records.length;
    const r = loadModule(k, { fileName: 'ts_kmp.ko', image: new Uint8Array(readFileSync(file)), args: '', syscall: 'finit_module' });
    expect(r.errno).toBeNull();
    expect(r.end).toEqual({
      kind: 'unknown',
      after: 'textsearch_register',
      reason: 'Modscope cannot say what Linux does after textsearch_register() (not modelled)',
    });
    expect(k.log.records.length).toBe(n);
    const steps = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i));
    expect(steps.some((s) => s?.title === 'Modscope cannot say what Linux does after textsearch_register() (not modelled)')).toBe(true);
    expect(k.timeline.ops[0].result).toBeNull();
    const sh = new Shell(k, () => null);
    expect(sh.run('lsmod').output).toMatch(/^ts_kmp .*\n?/m);
  });
});

describe('the oops sample, told truly', () => {
  const k = kernel();
  const sh = new Shell(k, (p) => (p.endsWith('/oops.ko') ? sample('oops/oops.ko') : null));
  const r = sh.run('insmod oops.ko');
  const op = k.timeline.ops[k.timeline.ops.length - 1];

  it('insmod is Killed (exit 137), with no errno in the operation', () => {
    expect(r.output).toBe('Killed\n');
    expect(r.exit).toBe(137);
    expect(op.result).toBeNull();
    expect(op.end).toEqual({ kind: 'killed', signal: 'SIGKILL', exitStatus: 137 });
    const init = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i)).find((s) => s?.fn === 'do_one_initcall');
    expect(init?.effects.find((e) => e.kind === 'call')).toMatchObject({ result: 'never returns (insmod killed)' });
  });

  it('the taints pane gets the letter D, not the mask digits', () => {
    // D (7) with the sample's O (12, out of tree) and E (13, unsigned), in bit order as print_tainted() lists them.
    expect(seek(k, k.timeline.length - 1).taints).toBe('DOE');
  });

  it("init's printk line enters the log at its call instruction, not before", () => {
    const rec = k.log.records.find((x) => x.text.startsWith('null_deref') || x.text.includes('reading'));
    expect(rec).toBeDefined();
    const at = (rec as { pos: number }).pos;
    expect(seek(k, at).log.some((l) => l.seq === rec?.seq)).toBe(true);
    expect(seek(k, at - 1).log.some((l) => l.seq === rec?.seq)).toBe(false);
    expect(seek(k, at).item).toMatchObject({ kind: 'instruction' });
  });
});

it('errno 105 reads as kmod prints it', () => {
  expect(modStrerror(-105)).toBe('No buffer space available');
});
