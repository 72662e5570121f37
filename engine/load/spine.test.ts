/**
 * The 6.1 load path's spine: load_module()'s calls in the kernel's order with the kernel's goto labels,
 * and every recorded step's `fn` recorded by the function of that name (camelCased).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootKernel, ROOT, sample } from '../../scripts/test-support/kernel';
import { StepRecorder, type StepSpec } from './context';
import { ERROR_LABELS } from './error-labels';
import { loadModule } from './load-module';

/** load_module() of Linux 6.1 (kernel/module/main.c): each call that can fail and the label it jumps to. */
const KERNEL_LOAD_MODULE: [string, string][] = [
  ['module_sig_check', 'free_copy'],
  ['elf_validity_check', 'free_copy'],
  ['setup_load_info', 'free_copy'],
  ['rewrite_section_headers', 'free_copy'],
  ['check_modstruct_version', 'free_copy'],
  ['layout_and_allocate', 'free_copy'],
  ['add_unformed_module', 'free_module'],
  ['percpu_modalloc', 'unlink_mod'],
  ['module_unload_init', 'unlink_mod'],
  ['find_module_sections', 'free_unload'],
  ['check_module_license_and_versions', 'free_unload'],
  ['simplify_symbols', 'free_modinfo'],
  ['apply_relocations', 'free_modinfo'],
  ['post_relocation', 'free_modinfo'],
  ['strndup_user', 'free_arch_cleanup'],
  ['complete_formation', 'ddebug_cleanup'],
  ['prepare_coming_module', 'bug_cleanup'],
  ['parse_args', 'coming_cleanup'],
  ['mod_sysfs_setup', 'coming_cleanup'],
];
const KERNEL_LABELS = [
  'sysfs_cleanup',
  'coming_cleanup',
  'bug_cleanup',
  'ddebug_cleanup',
  'free_arch_cleanup',
  'free_modinfo',
  'free_unload',
  'unlink_mod',
  'free_module',
  'free_copy',
];

const camel = (fn: string): string => fn.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Steps whose fn is not one kernel function's name: who may record them. */
const RECORDED_BY: Record<string, string[]> = {
  'insmod: open() + finit_module()': ['insmodCallsTheKernel'],
  'insmod: read() + init_module()': ['insmodCallsTheKernel'],
  insmod: ['insmodExits'],
  // load_module() itself: the CONFIG_MODULE_SIG block inside it, and its error labels.
  load_module: ['moduleSigNotOk', 'unwindLoad'],
};

describe('load_module() spine', () => {
  it('calls the kernel functions in load_module() order, each failure going to the kernel label', () => {
    const src = readFileSync(join(ROOT, 'engine/load/load-module.ts'), 'utf8');
    const body = src.slice(src.indexOf('function loadModuleBody('), src.indexOf('\n}\n', src.indexOf('function loadModuleBody(')));
    const calls: [string, string][] = [];
    // `err = step(info); if (err) return unwindLoad(info, err, 'label')` or `if (!step(info)) return unwindLoad(info, -ENOEXEC, 'label')`.
    const errCall = /(?:err = (\w+)\(info\);\n\s*if \(err(?: < 0)?\) return unwindLoad\(info, err, '(\w+)'\))/;
    const boolCall = /(?:if \(!(\w+)\(info\)\) return unwindLoad\(info, -ENOEXEC, '(\w+)'\))/;
    const re = new RegExp(`${errCall.source}|${boolCall.source}`, 'g');
    for (const m of body.matchAll(re)) calls.push([m[1] ?? m[3], m[2] ?? m[4]]);
    expect(calls).toEqual(KERNEL_LOAD_MODULE.map(([fn, label]) => [camel(fn), label]));
    // The tail: free_copy() then do_init_module().
    expect(body.indexOf('freeCopy(info);')).toBeGreaterThan(body.indexOf('modSysfsSetup(info)'));
    expect(body.indexOf('doInitModule(info)')).toBeGreaterThan(body.indexOf('freeCopy(info);'));
    expect([...ERROR_LABELS]).toEqual(KERNEL_LABELS);
  });

  const seen: { fn: string; by: string }[] = [];
  const original = StepRecorder.prototype.step;
  beforeAll(() => {
    StepRecorder.prototype.step = function (this: StepRecorder, spec: StepSpec, block) {
      const frame = (new Error().stack ?? '').split('\n')[2] ?? '';
      seen.push({ fn: spec.fn, by: /at (?:\w+\.)?(\w+) /.exec(frame)?.[1] ?? frame });
      return original.call(this, spec, block);
    };
  });
  afterAll(() => {
    StepRecorder.prototype.step = original;
  });

  it('records each step from the function named after it, in the kernel order', () => {
    const hello = sample('hello/hello.ko');
    const k = bootKernel({ quiet: true });
    const ok = loadModule(k, { fileName: 'hello.ko', image: hello, args: 'count=2', syscall: 'finit_module' });
    expect(ok.errno).toBe(0);
    expect(seen.map((s) => s.fn)).toEqual([
      'insmod: open() + finit_module()',
      'kernel_read_file_from_fd',
      'module_sig_check',
      'elf_validity_check',
      'setup_load_info',
      'rewrite_section_headers',
      'check_modstruct_version',
      'check_modinfo',
      'layout_and_allocate',
      'layout_sections',
      'layout_symtab',
      'module_alloc',
      'move_module',
      'add_unformed_module',
      'load_module',
      'module_unload_init',
      'find_module_sections',
      'check_module_license_and_versions',
      'simplify_symbols',
      'apply_relocations',
      'post_relocation',
      'strndup_user',
      'ftrace_module_init',
      'complete_formation',
      'prepare_coming_module',
      'parse_args',
      'mod_sysfs_setup',
      'free_copy',
      'do_one_initcall',
      'do_init_module',
      'insmod',
    ]);
    // Failures: a second load (EEXIST), bad flags, an init_module buffer too short, a bad argument.
    expect(loadModule(k, { fileName: 'hello.ko', image: hello, args: '', syscall: 'finit_module' }).errno).toBe(-17);
    expect(loadModule(k, { fileName: 'hello.ko', image: hello, args: '', syscall: 'finit_module', flags: 8 }).errno).toBe(-22);
    expect(loadModule(k, { fileName: 'hello.ko', image: hello.slice(0, 40), args: '', syscall: 'init_module' }).errno).toBe(-8);
    const k2 = bootKernel({ quiet: true });
    expect(loadModule(k2, { fileName: 'hello.ko', image: hello, args: 'count=x', syscall: 'init_module' }).errno).toBe(-22);
    // One step per label the jump runs, then the return: EEXIST goes to free_module (free_module, free_copy: 3 steps),
    // count=x to coming_cleanup (coming_cleanup … free_copy: 9 labels, 10 steps).
    expect(seen.filter((s) => s.fn === 'load_module' && s.by === 'unwindLoad').length).toBe(3 + 10);
    for (const { fn, by } of seen) {
      if (RECORDED_BY[fn]) expect(RECORDED_BY[fn], fn).toContain(by);
      else expect(by, fn).toBe(camel(fn));
    }
  });
});
