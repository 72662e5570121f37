/**
 * Kernel faults during load_module() (6.1) on the samples and Debian modules: every allocation site the
 * load reaches is made to fail once; the load must take the error path kernel/module/main.c gives that
 * site (the goto label it jumps to and every label after it, in order), return the errno insmod turns
 * into its message, and leave nothing allocated (no allocation the load made still live, the per-CPU
 * reserve and the module list as before). A fault the kernel ignores must let the load finish, and
 * everything must be freed by rmmod. The expected labels are read off load_module(), move_module(),
 * mod_sysfs_setup() and do_init_module() in the 6.1 source, not from the model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, sample } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import type { ModelKernel } from '../kernel/model';
import { strerror } from '../load/errno';
import { ERROR_LABELS } from '../load/error-labels';
import { ALLOC_SITE_IDS, FAIL_FUNCTIONS, type AllocSiteId } from '../load/fault-sites';
import { loadModule } from '../load/load-module';
import { unloadModule } from '../load/unload';
import { loadWithFault } from './fault-run';
import { isFault, parseFault } from './faults';

/** Where 6.1 goes when the allocation at each site fails: the first label, 'none' (returns before load_module), or 'ignored'. */
const FIRST_LABEL: Record<AllocSiteId, string> = {
  kernel_read_file: 'none', // finit_module: kernel_read_file_from_fd() < 0 → return
  pkcs7_parse_message: 'free_copy', // module_sig_check() → goto free_copy
  'module_alloc:core': 'free_copy', // layout_and_allocate() IS_ERR → goto free_copy
  'module_alloc:init': 'free_copy', // move_module() frees the core itself first
  percpu_modalloc: 'unlink_mod',
  setup_modinfo_version: 'ignored',
  setup_modinfo_srcversion: 'ignored',
  add_module_usage: 'free_modinfo', // simplify_symbols() < 0
  strndup_user: 'free_arch_cleanup',
  mod_sysfs_init: 'coming_cleanup',
  holders: 'coming_cleanup',
  module_param_sysfs_setup: 'coming_cleanup',
  module_add_modinfo_attrs: 'coming_cleanup',
  add_sect_attrs: 'ignored', // void
  add_notes_attrs: 'ignored', // void
  do_init_module: 'do_init_module', // goto fail → free_module()
};

interface Subject {
  file: string;
  bytes: Uint8Array;
  deps: { file: string; bytes: Uint8Array }[];
  /** Sites its load must reach. */
  sites: AllocSiteId[];
}

function boot(s: Subject): ModelKernel {
  const k = bootKernel({ quiet: true });
  for (const d of s.deps) expect(loadModule(k, { fileName: d.file, image: d.bytes, args: '', syscall: 'finit_module' }).errno).toBe(0);
  return k;
}

/** Titles of the steps after the failing one (the error path), as "label" strings. */
function labelsRun(k: ModelKernel, op: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (s?.op === op && s.fn === 'load_module' && s.phase === 'result') {
      const m = /^(?:goto )?(\w+):?$/.exec(s.title);
      if (m) out.push(m[1]);
    }
  }
  return out;
}

function checkEverySite(s: Subject): number {
  const k0 = boot(s);
  const base = loadWithFault(k0, { fileName: s.file, image: s.bytes, args: '', syscall: 'finit_module' }, { kind: 'none' });
  expect(base.result.errno).toBe(0);
  const sites = base.injector.sites;
  expect(sites.map((x) => x.id)).toEqual(expect.arrayContaining(s.sites));
  // Every site is numbered in the kernel's order.
  const order = sites.map((x) => ALLOC_SITE_IDS.indexOf(x.id));
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  for (const site of sites) {
    const k = boot(s);
    const liveBefore = k.memory.allocations.filter((a) => a.freedAt === null).length;
    const run = loadWithFault(k, { fileName: s.file, image: s.bytes, args: '', syscall: 'finit_module' }, { kind: 'alloc', n: site.n });
    const tag = `${s.file} fail-alloc:${site.n} (${site.id})`;
    expect(run.injector.fired?.site?.id, tag).toBe(site.id);
    const first = FIRST_LABEL[site.id];
    if (first === 'ignored') {
      expect(run.result.errno, tag).toBe(0);
      const name = run.result.module?.name ?? '';
      expect(unloadModule(k, { name }).errno, tag).toBe(0);
      expect(k.memory.allocations.filter((a) => a.freedAt === null).length, `${tag}: live after rmmod`).toBe(liveBefore);
    } else {
      expect(run.result.errno, tag).toBe(-12);
      expect(strerror(run.result.errno ?? 0)).toBe('Cannot allocate memory');
      const labels = labelsRun(k, run.result.op.index);
      if (first === 'none' || first === 'do_init_module') expect(labels, tag).toEqual([]);
      else expect(labels, tag).toEqual(ERROR_LABELS.slice(ERROR_LABELS.indexOf(first as (typeof ERROR_LABELS)[number])));
      if (first === 'do_init_module') {
        // do_init_module()'s own path: goto fail, free_module(), and load_module() returns its error.
        expect(
          stepsOf(k, run.result.op.index)
            .slice(-3)
            .map((x) => `${x.fn}: ${x.title}`),
          tag,
        ).toEqual(['do_init_module: goto fail', `free_module: ${s.file.replace('.ko', '')} is freed`, 'load_module: The load fails: -12']);
      }
      expect(
        run.leaked.map((a) => a.label),
        `${tag}: left allocated`,
      ).toEqual([]);
      expect(run.percpuAfter, tag).toBe(run.percpuBefore);
      expect(run.modulesAfter, tag).toBe(run.modulesBefore);
      // The kernel is as before: the same module loads now.
      expect(loadModule(k, { fileName: s.file, image: s.bytes, args: '', syscall: 'finit_module' }).errno, `${tag}: reload`).toBe(0);
    }
  }
  return sites.length;
}

function stepsOf(k: ModelKernel, op: number): { fn: string; title: string }[] {
  const out: { fn: string; title: string }[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (s?.op === op) out.push({ fn: s.fn, title: s.title });
  }
  return out;
}

describe('fail-alloc on the samples', () => {
  it('hello.ko: each of its allocation sites fails once, unwinds through the right labels, leaks nothing', () => {
    const n = checkEverySite({
      file: 'hello.ko',
      bytes: sample('hello/hello.ko'),
      deps: [],
      sites: ['kernel_read_file', 'module_alloc:core', 'module_alloc:init', 'strndup_user', 'mod_sysfs_init', 'holders', 'module_param_sysfs_setup'],
    });
    expect(n).toBe(11);
  });

  it('consumer.ko with provider.ko: ref_module()\'s struct module_use fails → "Unknown symbol provider_value (err -12)", free_modinfo on', () => {
    const s: Subject = {
      file: 'consumer.ko',
      bytes: sample('consumer/consumer.ko'),
      deps: [{ file: 'provider.ko', bytes: sample('provider/provider.ko') }],
      sites: ['add_module_usage'],
    };
    checkEverySite(s);
    const k = boot(s);
    const provider = k.findModule('provider');
    const refs = provider?.refcnt;
    const logFrom = k.log.records.length;
    const run = loadWithFault(k, { fileName: s.file, image: s.bytes, args: '', syscall: 'finit_module' }, { kind: 'alloc', id: 'add_module_usage' });
    expect(run.result.errno).toBe(-12);
    // Only the first symbol from provider (provider_value, in symtab order) needs the new struct module_use; the next
    // one (provider_greet) tries ref_module() again, whose kmalloc now succeeds: one line, and the last error stays -12.
    expect(k.log.records.slice(logFrom).map((r) => r.text)).toEqual(['consumer: Unknown symbol provider_value (err -12)']);
    expect(provider?.refcnt).toBe(refs);
    expect(provider?.usedBy).toEqual([]);
  });
});

describe('fail:FUNCTION', () => {
  const hello = sample('hello/hello.ko');
  const cases: [string, number, string][] = [
    ['fail:kernel_read_file', -12, 'none'],
    ['fail:module_alloc', -12, 'free_copy'],
    ['fail:simplify_symbols:_printk', -12, 'free_modinfo'],
    ['fail:simplify_symbols:_printk=-2', -2, 'free_modinfo'],
    ['fail:strndup_user', -12, 'free_arch_cleanup'],
    ['fail:prepare_coming_module', -12, 'bug_cleanup'],
    ['fail:parse_args', -12, 'coming_cleanup'],
    ['fail:mod_sysfs_setup', -12, 'coming_cleanup'],
    ['fail:mod_sysfs_setup=-17', -17, 'coming_cleanup'],
    ['fail:do_init_module', -12, 'do_init_module'],
  ];
  for (const [text, errno, first] of cases) {
    it(`${text} on hello.ko → ${errno}, from ${first}`, () => {
      const f = parseFault(text);
      if (f.kind !== 'spec') throw new Error('not a fault');
      const k = bootKernel({ quiet: true });
      const logFrom = k.log.records.length;
      const run = loadWithFault(k, { fileName: 'hello.ko', image: hello, args: '', syscall: 'finit_module' }, f.spec);
      expect(run.injector.fired?.fn).toBe(text.slice(5).split(/[:=]/)[0]);
      expect(run.result.errno).toBe(errno);
      const labels = labelsRun(k, run.result.op.index);
      const from = ERROR_LABELS.indexOf(first as (typeof ERROR_LABELS)[number]);
      expect(labels).toEqual(from < 0 ? [] : ERROR_LABELS.slice(from));
      expect(run.leaked.map((a) => a.label)).toEqual([]);
      if (text.startsWith('fail:simplify_symbols')) {
        expect(k.log.records.slice(logFrom).map((r) => r.text)).toContain(`hello: Unknown symbol _printk (err ${errno})`);
      }
    });
  }

  it('a fault the load never reaches does not fire (hello has no .data..percpu)', () => {
    const k = bootKernel({ quiet: true });
    const run = loadWithFault(
      k,
      { fileName: 'hello.ko', image: hello, args: '', syscall: 'finit_module' },
      { kind: 'fn', fn: 'percpu_modalloc', errno: -12 },
    );
    expect(run.injector.fired).toBeNull();
    expect(run.result.errno).toBe(0);
  });
});

describe('fault names', () => {
  it('parses every documented form, refuses the rest with a typed error naming the problem', () => {
    expect(isFault('fail-alloc:3') && isFault('fail:mod_sysfs_setup') && !isFault('crc:_printk')).toBe(true);
    expect(parseFault('fail-alloc:list')).toEqual({ kind: 'list' });
    expect(parseFault('fail-alloc:2')).toMatchObject({ spec: { kind: 'alloc', n: 2 } });
    expect(parseFault('fail-alloc:module_alloc:init')).toMatchObject({ spec: { kind: 'alloc', id: 'module_alloc:init' } });
    expect(parseFault('fail:simplify_symbols:a:b=-5')).toMatchObject({ spec: { kind: 'fn', fn: 'simplify_symbols', symbol: 'a:b', errno: -5 } });
    for (const f of FAIL_FUNCTIONS) expect(parseFault(`fail:${f[0]}`)).toMatchObject({ spec: { kind: 'fn', fn: f[0], errno: f[1] } });
    const refused: [string, RegExp][] = [
      ['fail-alloc:0', /counts from 1/],
      ['fail-alloc:nowhere', /unknown allocation site "nowhere"/],
      ['fail:nothing', /unknown function "nothing"/],
      ['fail:module_alloc=-5', /always returns -ENOMEM/],
      ['fail:mod_sysfs_setup=5', /negative errno/],
      ['fail:mod_sysfs_setup:x', /only simplify_symbols takes a symbol/],
    ];
    for (const [text, why] of refused) expect(() => parseFault(text), text).toThrow(why);
  });
});

const VFAT = join(CORPUS, 'fs', 'fat', 'vfat.ko');
const FAT = join(CORPUS, 'fs', 'fat', 'fat.ko');
const USERSPACE = join(CORPUS, 'drivers', 'cpufreq', 'cpufreq_userspace.ko');
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

describe.skipIf(missing(CORPUS_WHAT, existsSync(VFAT) && existsSync(USERSPACE)))('fail-alloc on Debian modules', () => {
  it('vfat.ko (signed, uses fat): the PKCS#7 parser, module_use and every other site', () => {
    checkEverySite({
      file: 'vfat.ko',
      bytes: read(VFAT),
      deps: [{ file: 'fat.ko', bytes: read(FAT) }],
      sites: ['kernel_read_file', 'pkcs7_parse_message', 'module_alloc:core', 'module_alloc:init', 'add_module_usage', 'add_notes_attrs'],
    });
  });

  it('cpufreq_userspace.ko (.data..percpu): __alloc_reserved_percpu() fails → unlink_mod on, the reserve as before', () => {
    const bytes = read(USERSPACE);
    checkEverySite({ file: 'cpufreq_userspace.ko', bytes, deps: [], sites: ['percpu_modalloc'] });
    const k = bootKernel({ quiet: true });
    const logFrom = k.log.records.length;
    const run = loadWithFault(
      k,
      { fileName: 'cpufreq_userspace.ko', image: bytes, args: '', syscall: 'finit_module' },
      { kind: 'alloc', id: 'percpu_modalloc' },
    );
    const line = k.log.records.slice(logFrom).find((r) => /percpu data/.test(r.text));
    expect(line?.text).toMatch(/^cpufreq_userspace: Could not allocate \d+ bytes percpu data$/);
    expect(run.percpuAfter).toBe(0);
    // A per-CPU fault after the reserve was taken: a later label frees it (percpu_modfree() in module_deallocate()).
    const k2 = bootKernel({ quiet: true });
    const late = loadWithFault(
      k2,
      { fileName: 'cpufreq_userspace.ko', image: bytes, args: '', syscall: 'finit_module' },
      { kind: 'fn', fn: 'mod_sysfs_setup', errno: -12 },
    );
    expect(late.result.errno).toBe(-12);
    expect(late.percpuAfter).toBe(0);
  });
});
