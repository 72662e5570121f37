/**
 * `modscope whatif x.ko fail-alloc:… | fail:…`: the CLI over the kernel-fault what-ifs, on hello.ko. The insmod line
 * and kernel log are the ones the real kernel gave for the same fault (scripts/qemu/scenarios/kernel-faults.qemu.json;
 * the engine replay is engine/whatif/faults-qemu.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/test-support/kernel';
import { run } from './modscope';

const HELLO = join(ROOT, 'samples', 'hello', 'hello.ko');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['whatif', ...argv], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

interface Recorded {
  steps: { cmd: string; output: string; kmsg: { level: number; text: string }[] }[];
}
const recorded = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', 'kernel-faults.qemu.json'), 'utf8')) as Recorded;
/** What the real insmod of hello.ko printed right after the fault named `whatif` was armed. */
function real(whatif: string): { output: string; kmsg: string[] } {
  const i = recorded.steps.findIndex((s) => s.cmd.endsWith(`# whatif ${whatif}`));
  const s = recorded.steps[i + 1];
  return { output: s.output, kmsg: s.kmsg.map((m) => `<${m.level}>${m.text}`) };
}

describe('modscope whatif: kernel faults', () => {
  it('--list names the faults after the mutations', async () => {
    const { code, out } = await cli('--list');
    expect(code).toBe(0);
    for (const name of ['fail-alloc:N', 'fail-alloc:SITE', 'fail-alloc:list', 'fail:FUNCTION[=-ERRNO]', 'fail:simplify_symbols:SYMBOL'])
      expect(out).toContain(`  ${name}`);
    expect(out).toContain('module_alloc:init');
    expect(out).toContain('mod_sysfs_setup');
  });

  it("fail-alloc:list numbers hello.ko's 11 allocation sites by kernel function", async () => {
    const { code, out } = await cli(HELLO, 'fail-alloc:list');
    expect(code).toBe(0);
    expect(out).toContain('Allocations load_module() makes for hello.ko (11)');
    expect(out).toMatch(
      / {2}2\. module_alloc:core +move_module\(\) → module_alloc\(\): hello core, 16,384 bytes; fails the load with -12 \(ENOMEM\)/,
    );
    expect(out).toMatch(/ 9\. add_sect_attrs +add_sect_attrs\(\) → kzalloc\(\): .*ignored by the kernel/);
    expect(out).toMatch(/11\. do_init_module +do_init_module\(\) → kmalloc\(\): struct mod_initfree, 16 bytes/);
    const json = await cli(HELLO, 'fail-alloc:list', '--json');
    const sites = (JSON.parse(json.out) as { sites: { n: number; id: string }[] }).sites;
    expect(sites.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('fail-alloc:3 (module_alloc of init): move_module frees the core itself, goto free_copy, "Cannot allocate memory", nothing left', async () => {
    const { code, out } = await cli(HELLO, 'fail-alloc:3');
    expect(code).toBe(0);
    expect(out).toContain('what if: allocation #3 of the load returns NULL — move_module() → module_alloc(): hello init');
    expect(out).toContain('what-if:    move_module (kernel/module/main.c): module_alloc() of the init region fails → -12');
    expect(out).toContain('load_module (kernel/module/main.c): goto free_copy');
    expect(out).toContain(`what-if:    ${real('fail-alloc:module_alloc:init').output}`);
    expect(out).toContain('Nothing the load allocated is left');
  });

  it('fail:mod_sysfs_setup: every label from coming_cleanup to free_copy, in the kernel order', async () => {
    const { out } = await cli(HELLO, 'fail:mod_sysfs_setup', '--json');
    const a = JSON.parse(out) as { unwinding: { title: string }[]; whatif: { tail: string; errno: number }; leaked: unknown[] };
    expect(a.unwinding.map((s) => s.title)).toEqual([
      'goto coming_cleanup',
      'bug_cleanup:',
      'ddebug_cleanup:',
      'free_arch_cleanup:',
      'free_modinfo:',
      'free_unload:',
      'unlink_mod:',
      'free_module:',
      'free_copy:',
      'The load fails: -12',
    ]);
    expect(`${a.whatif.tail}\n`).toBe(real('fail:mod_sysfs_setup').output);
    expect(a.leaked).toEqual([]);
  });

  it("fail:simplify_symbols:_printk prints the real kernel's line", async () => {
    const { out } = await cli(HELLO, 'fail:simplify_symbols:_printk', '--json');
    const a = JSON.parse(out) as { whatif: { log: { level: number; text: string }[] } };
    const lines = a.whatif.log.map((l) => `<${l.level}>${l.text}`).filter((l) => !/out-of-tree|verification failed/.test(l));
    expect(lines).toEqual(real('fail:simplify_symbols:_printk').kmsg);
  });

  it('refuses a bad fault, --save with a fault, and says when a fault is never reached', async () => {
    const bad = await cli(HELLO, 'fail-alloc:nowhere');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown allocation site "nowhere"/);
    const save = await cli(HELLO, 'fail:mod_sysfs_setup', '--save', '/tmp/x.ko');
    expect(save.code).toBe(2);
    expect(save.err).toMatch(/nothing to --save/);
    const never = await cli(HELLO, 'fail-alloc:percpu_modalloc');
    expect(never.out).toContain('The load never reached it');
    expect(never.out).toContain('No step differs');
  });
});
