/** The 2.4 model's refusals and its unloading, as 2.4's tools and kernel gave them. */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { debianProfile, sample } from '../../scripts/test-support/kernel';
import { insmod24 } from './insmod24';
import { Kernel24 } from './kernel24';
import { procKsyms24, procModules24 } from './procfs24';
import { rmmod24 } from './rmmod24';
import { M24, putU64 } from './struct-module';
import { M24 as F, MOD_RUNNING, QM_DEPS, QM_INFO, QM_MODULES, QM_REFS, QM_SYMBOLS, getU64 } from './struct-module';
import { modUseCount, sysCreateModule, sysDeleteModule, sysGetKernelSyms, sysInitModule, sysQueryModule } from './sys-module';

const decoder = createIcedDecoder();
const boot = (): Kernel24 => new Kernel24(debianProfile(), { decoder });
const ins = (K: Kernel24, f: string, args: string[] = [], force = false): ReturnType<typeof insmod24> =>
  insmod24(K, { fileName: f.split('/')[1], image: sample(f), args, force });

describe('the 2.4 model: errors and rmmod', () => {
  it('an unresolved symbol stops insmod in user space, before create_module', () => {
    const K = boot();
    const r = ins(K, 'consumer/consumer.ko');
    expect(r.exit).toBe(1);
    expect(r.op.output).toEqual(['consumer.ko: unresolved symbol provider_value', 'consumer.ko: unresolved symbol provider_greet']);
    expect(K.modules).toEqual([]);
    const fns = [];
    for (let i = 0; i < K.timeline.stepCount(); i++) fns.push(K.timeline.step(i)?.fn);
    expect(fns).not.toContain('sys_create_module');
  });

  it('a second insmod is refused by insmod; create_module itself says EEXIST', () => {
    const K = boot();
    expect(ins(K, 'hello/hello.ko').exit).toBe(0);
    const r = ins(K, 'hello/hello.ko');
    expect(r.exit).toBe(1);
    expect(r.op.output).toEqual(['insmod: a module named hello already exists']);
    expect(sysCreateModule(K, 'hello', 4096).errno).toBe(-17);
    expect(sysCreateModule(K, 'x', 100).errno).toBe(-22);
  });

  it('rmmod of a referenced or used module gives EBUSY; rmmod runs cleanup and frees the image', () => {
    const K = boot();
    expect(ins(K, 'provider/provider.ko').exit).toBe(0);
    expect(ins(K, 'consumer/consumer.ko').exit).toBe(0);
    expect(procModules24(K)).toBe('consumer                1920   0 (unused)\nprovider                2048   0 [consumer]\n');
    const busy = rmmod24(K, 'provider');
    expect([busy.errno, busy.op.output]).toEqual([-16, ['provider: Device or resource busy']]);
    expect(rmmod24(K, 'consumer').errno).toBe(0);
    // MOD_INC_USE_COUNT (an open device, say) keeps it too.
    expect(modUseCount(K, 'provider', 1)).toBe(true);
    expect(procModules24(K)).toBe('provider                2048   1\n');
    expect(rmmod24(K, 'provider').errno).toBe(-16);
    modUseCount(K, 'provider', -1);
    const base = K.find('provider')?.addr ?? 0n;
    expect(rmmod24(K, 'provider').errno).toBe(0);
    expect(K.k.log.records.map((r) => r.text).slice(-2)).toEqual(['consumer: unloaded', 'provider: unloaded']);
    expect(procModules24(K)).toBe('');
    expect(K.k.memory.live(base)).toBeNull();
    expect(rmmod24(K, 'provider').op.output).toEqual(['rmmod: module provider is not loaded']);
  });

  it('delete_module(NULL) reaps unused autoclean modules in two passes', () => {
    const K = boot();
    expect(insmod24(K, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: [], autoclean: true }).exit).toBe(0);
    expect(procModules24(K)).toBe('hello                   2240   0 (autoclean) (unused)\n');
    // Never used (no USED_ONCE): not reaped.
    expect(sysDeleteModule(K, null)).toBe(0);
    expect(K.find('hello')).toBeDefined();
    modUseCount(K, 'hello', 1);
    modUseCount(K, 'hello', -1);
    // Used since the last pass (VISITED): survives one round, then goes.
    sysDeleteModule(K, null);
    expect(K.find('hello')).toBeDefined();
    sysDeleteModule(K, null);
    expect(K.find('hello')).toBeUndefined();
  });

  it('a version mismatch needs -f', () => {
    const bytes = sample('hello/hello.ko').slice();
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('vermagic=6.1.0-50-amd64');
    expect(at).toBeGreaterThan(0);
    bytes[at + 'vermagic=6.1.0-'.length] = '4'.charCodeAt(0);
    const K = boot();
    const r = insmod24(K, { fileName: 'hello.ko', image: bytes, args: [] });
    expect(r.op.output).toEqual([
      'hello.ko: kernel-module version mismatch',
      '\thello.ko was compiled for kernel version 6.1.0-40-amd64',
      '\twhile this kernel is version 6.1.0-50-amd64.',
    ]);
    const f = insmod24(K, { fileName: 'hello.ko', image: bytes, args: [], force: true });
    expect(f.exit).toBe(0);
    expect(f.op.output[0]).toBe('Warning: kernel-module version mismatch');
    expect(f.op.output.at(-1)).toBe('Module hello loaded, with warnings');
    expect(K.tainted & 2).toBe(2);
  });

  it('sys_init_module rejects a bad header and a moved pointer', () => {
    const K = boot();
    expect(sysCreateModule(K, 'm', 4096).errno).toBe(0);
    const img = new Uint8Array(4096);
    putU64(img, M24.sizeOfStruct, 10n);
    expect(sysInitModule(K, 'm', img, [])).toBe(-22);
    expect(K.k.log.records.at(-2)?.text).toBe('init_module: Invalid module header size.');
    putU64(img, M24.sizeOfStruct, 184n);
    putU64(img, M24.size, 4096n);
    putU64(img, M24.name, 0x1000n);
    expect(sysInitModule(K, 'm', img, [])).toBe(-22);
    expect(K.k.log.records.at(-1)?.text).toBe('init_module: mod->name out of bounds.');
    expect(sysInitModule(K, 'nosuch', img, [])).toBe(-2);
  });

  it('/proc/ksyms: versioned kernel names, then module exports with [module]', () => {
    const K = boot();
    expect(ins(K, 'provider/provider.ko').exit).toBe(0);
    const ks = procKsyms24(K).split('\n');
    const e = debianProfile().lookup('_printk');
    expect(ks).toContain(`${e?.address?.toString(16).padStart(16, '0')} _printk_R${e?.crc.toString(16).padStart(8, '0')}`);
    expect(ks.some((l) => /^ffffffffa[0-9a-f]{7} provider_value\t\[provider\]$/.test(l))).toBe(true);
    expect(ks.some((l) => l.endsWith(' GPLONLY_provider_greet\t[provider]'))).toBe(true);
  });

  it('query_module and get_kernel_syms answer from module_list; struct module is at the image start', () => {
    const K = boot();
    expect(ins(K, 'provider/provider.ko').exit).toBe(0);
    expect(ins(K, 'consumer/consumer.ko').exit).toBe(0);
    expect(sysQueryModule(K, null, QM_MODULES).names).toEqual(['consumer', 'provider']);
    expect(sysQueryModule(K, 'consumer', QM_DEPS).names).toEqual(['provider']);
    expect(sysQueryModule(K, 'provider', QM_REFS).names).toEqual(['consumer']);
    const syms = sysQueryModule(K, 'provider', QM_SYMBOLS).symbols?.map((x) => x.name) ?? [];
    expect(syms).toEqual(expect.arrayContaining(['provider_value', 'GPLONLY_provider_greet']));
    const p = K.find('provider');
    const info = sysQueryModule(K, 'provider', QM_INFO).info;
    expect(info).toEqual({ addr: p?.addr, size: 2048, flags: MOD_RUNNING | 16, usecount: 0 });
    expect(sysQueryModule(K, 'nosuch', QM_INFO).ret).toBe(-2);
    const gks = sysGetKernelSyms(K).map((x) => x.name);
    expect(gks.slice(0, 1)).toEqual(['#consumer']);
    expect(gks).toContain('#provider');
    // The kernel's copy of struct module: size_of_struct, name pointer → "provider", init inside the image.
    const bytes = p?.alloc.bytes ?? new Uint8Array();
    expect(getU64(bytes, F.sizeOfStruct)).toBe(184n);
    const nameAt = Number(getU64(bytes, F.name) - (p?.addr ?? 0n));
    expect(new TextDecoder().decode(bytes.subarray(nameAt, nameAt + 9))).toBe('provider\0');
    expect(getU64(bytes, F.init) > (p?.addr ?? 0n)).toBe(true);
  });

  it('an oops in init kills insmod and leaves the module initializing', () => {
    const bytes = sample('hello/hello.ko').slice();
    // hello_init+0xb (file offset 0xa0 + 0xb): "push %rbx; test %esi,%esi; jns" → "xor %rax,%rax; mov (%rax),%eax".
    expect([...bytes.subarray(0xab, 0xb0)]).toEqual([0x53, 0x85, 0xf6, 0x79, 0x13]);
    bytes.set([0x48, 0x31, 0xc0, 0x8b, 0x00], 0xab);
    const K = boot();
    const r = insmod24(K, { fileName: 'hello.ko', image: bytes, args: [] });
    expect([r.exit, r.errno, r.op.output]).toEqual([1, -9, ['Killed']]);
    expect(K.k.log.records.at(-1)?.text).toBe('Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000');
    expect(procModules24(K)).toBe('hello                   2240 (initializing)\n');
    expect(rmmod24(K, 'hello').errno).toBe(-16);
  });

  it('a non-GPL module that wants GPL-only symbols gets the unresolved-symbol hint', () => {
    const K = boot();
    const r = ins(K, 'proprietary/gplonly.ko');
    expect(r.exit).toBe(1);
    expect(r.op.output.slice(-6)).toEqual([
      'gplonly.ko: ',
      'Hint: You are trying to load a module without a GPL compatible license',
      '      and it has unresolved symbols.  The module may be trying to access',
      '      GPLONLY symbols but the problem is more likely to be a coding or',
      '      user error.  Contact the module supplier for assistance, only they',
      '      can help you.',
    ]);
  });
});
