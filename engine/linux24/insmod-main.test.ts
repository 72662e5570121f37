/**
 * The 2.4 path's spine: insmod24() calls modutils' functions in INSMOD_MAIN's order, and every
 * user-space step's `fn` is recorded by the function of that name (or by a block of INSMOD_MAIN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianProfile, ROOT, sample } from '../../scripts/test-support/kernel';
import { insmod24 } from './insmod24';
import { Kernel24, type Step24 } from './kernel24';

/** INSMOD_MAIN of modutils 2.4.16 (insmod/insmod.c): the functions it calls, in order. */
const MODUTILS_INSMOD_MAIN = [
  'get_kernel_info',
  'obj_load',
  'get_module_version',
  'add_kernel_symbols',
  'create_this_module',
  'obj_check_undefineds',
  'obj_allocate_commons',
  'check_tainted_module',
  'process_module_arguments',
  'hide_special_symbols',
  'add_ksymoops_symbols',
  'create_module_ksymtab',
  'obj_load_size',
  'obj_relocate',
  'init_module',
];

const camel = (fn: string): string => fn.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('INSMOD_MAIN spine', () => {
  it('calls modutils functions in INSMOD_MAIN order', () => {
    const src = readFileSync(join(ROOT, 'engine/linux24/insmod24.ts'), 'utf8');
    const at = src.indexOf('function insmodMain(');
    const body = src.slice(at, src.indexOf('\n}\n', at));
    const calls = [...body.matchAll(/\b([a-z]\w+)\(f\)/g)].map((m) => m[1]).filter((n) => !n.startsWith('insmod'));
    expect(calls).toEqual(MODUTILS_INSMOD_MAIN.map(camel));
  });

  const seen: { fn: string; side: string; by: string }[] = [];
  const original = Kernel24.prototype.step;
  beforeAll(() => {
    Kernel24.prototype.step = function (this: Kernel24, spec: Step24, block) {
      const frames = (new Error().stack ?? '').split('\n').slice(2);
      const names = frames.map((l) => /at (?:\w+\.)?(\w+) /.exec(l)?.[1] ?? '');
      seen.push({ fn: spec.fn, side: spec.side, by: names.find((n) => n !== 'user') ?? '' });
      return original.call(this, spec, block);
    };
  });
  afterAll(() => {
    Kernel24.prototype.step = original;
  });

  it('records each user-space step from the function named after it', () => {
    const K = new Kernel24(debianProfile());
    const ok = insmod24(K, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: ['count=2', 'whom=class'] });
    expect(ok.exit, ok.op.output.join('\n')).toBe(0);
    expect(seen.filter((s) => s.side === 'user').map((s) => s.fn)).toEqual([
      'INSMOD_MAIN',
      'obj_load',
      'INSMOD_MAIN',
      'add_kernel_symbols',
      'check_tainted_module',
      'process_module_arguments',
      'create_module_ksymtab',
      'obj_load_size',
      'obj_relocate',
      'obj_relocate',
      'init_module',
      'INSMOD_MAIN',
    ]);
    // Failures: unresolved symbols, a module already loaded, a bad parameter.
    expect(insmod24(K, { fileName: 'missing-symbol.ko', image: sample('missing-symbol/missing-symbol.ko'), args: [] }).exit).toBe(1);
    expect(insmod24(K, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: [] }).exit).toBe(1);
    expect(insmod24(K, { fileName: 'params.ko', image: sample('params/params.ko'), args: ['=1'] }).exit).toBe(1);
    expect(seen.filter((s) => s.fn === 'insmod').length).toBe(3);
    for (const { fn, side, by } of seen.filter((s) => s.side === 'user')) {
      // INSMOD_MAIN's own blocks are small functions named insmodMain<What>; `goto out` is insmodOut.
      expect(by.startsWith(camel(fn)), `${fn} (${side}) recorded by ${by}`).toBe(true);
    }
  });
});
