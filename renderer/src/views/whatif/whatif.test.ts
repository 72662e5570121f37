/**
 * The What if view's model on real answers: hello.ko's wrong-CRC what-if from the engine, aligned into
 * rows (shared, the divergence, the rest of each path), folded, its new log lines; the arguments offered
 * for each kind on hello.ko and on a Debian module; the link's mutation read and written back.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../engine/engine';
import type { ModuleOverview, Result, WhatIfAnswer } from '../../../../engine/api-types';
import { createIcedDecoder } from '../../../../host-common/iced-decoder';
import { sample } from '../../../../scripts/test-support/kernel';
import { formatAppLink, parseAppLink } from '../../present/appLink';
import { alignRows, fold, newLines } from './rows';
import { dependsOf, firstMutation, suggestionLabel, suggestions, viewKinds } from './suggest';

const PROFILE = sample('kernel/debian-6.1.0-50-amd64.json.gz');

async function ok<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function helloWhatIf(mutation: string): Promise<{ mod: ModuleOverview; a: WhatIfAnswer }> {
  const e = createEngine({ decoder: createIcedDecoder });
  const mod = await ok(e.call('open', { name: 'hello.ko', bytes: sample('hello/hello.ko') }));
  const a = await ok(e.call('whatif.run', { id: mod.id, mutation, args: 'count=3', profile: PROFILE }));
  return { mod, a };
}

describe('What if view model', () => {
  it('aligns both loads: shared steps, one divergence row, the rest of each path; folds all but 3 shared rows', async () => {
    const { mod, a } = await helloWhatIf('crc:_printk');
    const rows = alignRows(a);
    expect(rows.length).toBe(Math.max(a.base.steps.length, a.whatif.steps.length));
    const at = a.divergence.index!;
    expect(rows.filter((r) => r.kind === 'diverge').map((r) => r.index)).toEqual([at]);
    expect(rows.slice(0, at).every((r) => r.kind === 'shared' && r.base!.fn === r.whatif!.fn)).toBe(true);
    expect(rows[at].whatif?.fn).toBe('simplify_symbols');
    // After the divergence the unmodified load goes on while the what-if has ended.
    expect(rows.slice(at + 1).some((r) => r.base && !r.whatif)).toBe(true);
    const f = fold(rows);
    expect(f.folded).toBe(at - 3);
    expect(f.shown[0].index).toBe(at - 3);
    // The log lines the what-if adds: the two lines check_version() and simplify_symbols() print.
    const fresh = [...newLines(a)].map((i) => a.whatif.log[i].text);
    expect(fresh).toEqual(['hello: disagrees about version of symbol _printk', 'hello: Unknown symbol _printk (err -22)']);
    expect(firstMutation(mod)).toBe('crc:_printk');
  });

  it('offers arguments from the module itself', async () => {
    const { mod } = await helloWhatIf('field:e_machine=3');
    expect(suggestions('crc', mod)[0]).toBe('_printk');
    expect(suggestions('crc', mod)).not.toContain('module_layout');
    expect(suggestions('param', mod)).toContain('count=abc');
    expect(suggestions('licence', mod)[0]).toBe('Proprietary');
    const vm = mod.modinfo.find((m) => m.key === 'vermagic')!.value;
    for (const v of suggestions('vermagic', mod)) expect(v).not.toBe(vm);
    expect(suggestions('vermagic', mod)[0]).toMatch(/^6\.1\.0-49-amd64 SMP/);
  });

  it('offers each kind once: field: and fail-alloc: in their two forms together, no A+B chain, no fail-alloc:list', () => {
    const kinds = viewKinds([
      { name: 'crc:SYMBOL', what: 'a' },
      { name: 'without:MODULE', what: 'b' },
      { name: 'field:NAME=VALUE', what: 'header' },
      { name: 'field:SECTION.sh_X=VALUE', what: 'section' },
      { name: 'A+B', what: 'chain' },
      { name: 'fail-alloc:N', what: 'nth' },
      { name: 'fail-alloc:SITE', what: 'site' },
      { name: 'fail-alloc:list', what: 'list' },
      { name: 'fail:FUNCTION[=-ERRNO]', what: 'fn' },
    ]);
    expect(kinds).toEqual([
      { kind: 'crc', what: 'a' },
      { kind: 'without', what: 'b' },
      { kind: 'field', what: 'header · section' },
      { kind: 'fail-alloc', what: 'nth · site' },
      { kind: 'fail', what: 'fn' },
    ]);
  });

  it('offers the allocation sites of the answer by name and number, the fault functions, and the providers for without:/unexport:', async () => {
    const { mod, a } = await helloWhatIf('fail-alloc:module_alloc:init');
    const sites = suggestions('fail-alloc', mod, { sites: a.sites });
    expect(sites.slice(0, 3)).toEqual(['kernel_read_file', 'module_alloc:core', 'module_alloc:init']);
    expect(sites).toContain(String(a.sites.length));
    expect(suggestionLabel('fail-alloc', '3', { sites: a.sites })).toBe('#3 module_alloc:init: move_module() → module_alloc(), ' + a.sites[2].what);
    const fns = suggestions('fail', mod);
    for (const f of ['module_alloc', 'mod_sysfs_setup', 'simplify_symbols:_printk']) expect(fns).toContain(f);
    const e = createEngine({ decoder: createIcedDecoder });
    const consumer = await ok(e.call('open', { name: 'consumer.ko', bytes: sample('consumer/consumer.ko') }));
    const provider = await ok(e.call('open', { name: 'provider.ko', bytes: sample('provider/provider.ko') }));
    expect(dependsOf(consumer)).toEqual(['provider']);
    expect(suggestions('without', consumer, { withMods: [provider] })).toEqual(['provider']);
    expect(suggestions('unexport', consumer, { withMods: [provider] })).toEqual(expect.arrayContaining(['provider_greet', 'provider_value']));
  });

  it('the link carries the mutation and the arguments, both ways', () => {
    const frag = formatAppLink({ tab: 'whatif', sample: '/samples/hello/hello.ko', whatif: { mutation: 'field:e_machine=3', args: 'count=3' } });
    expect(frag).toBe('#view=whatif&sample=hello/hello.ko&mutation=field:e_machine=3&args=count=3');
    expect(parseAppLink(frag)).toMatchObject({
      tab: 'whatif',
      samples: ['/samples/hello/hello.ko'],
      whatif: { mutation: 'field:e_machine=3', args: 'count=3' },
    });
    expect(parseAppLink('#view=whatif&sample=hello/hello.ko')?.error).toMatch(/names its mutation/);
    const w = formatAppLink({
      tab: 'whatif',
      sample: '/samples/consumer/consumer.ko',
      whatif: { mutation: 'without:provider', args: '', with: 'provider/provider.ko' },
    });
    expect(w).toBe('#view=whatif&sample=consumer/consumer.ko&with=provider/provider.ko&mutation=without:provider');
    expect(parseAppLink(w)?.whatif).toEqual({ mutation: 'without:provider', args: '', with: 'provider/provider.ko' });
    expect(parseAppLink('#view=whatif&sample=hello/hello.ko&mutation=fail-alloc:3')?.whatif).toEqual({ mutation: 'fail-alloc:3', args: '' });
    expect(parseAppLink('#view=whatif&mutation=nonsense')?.error).toMatch(/not KIND:ARGUMENT/);
  });
});
