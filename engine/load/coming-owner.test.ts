/**
 * A module whose exporter is stuck in MODULE_STATE_COMING (its init oopsed: "Loading" for ever) does
 * not link against it: resolve_symbol() gets -EBUSY from strong_try_module_get(), resolve_symbol_wait()
 * waits 30 s on module_wq, warns "gave up waiting for init of module …", and simplify_symbols() reports
 * the symbol unknown with err -16 (kernel/module/main.c, 6.1). The samples provider.ko and consumer.ko.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, sample } from '../../scripts/test-support/kernel';
import { attachCpu } from '../cpu/attach';
import { loadModule } from './load-module';

describe('linking against a module stuck in COMING', () => {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  const runInit = k.runInit;
  if (!runInit) throw new Error('attachCpu set no runInit');
  // provider's init dies as an oopsing init does (the oops itself is oops.test.ts's subject).
  k.runInit = (mod, pos) => (mod.name === 'provider' ? { ret: 0, note: 'killed for the test', killed: true } : runInit(mod, pos));
  const p = loadModule(k, { fileName: 'provider.ko', image: sample('provider/provider.ko'), args: '', syscall: 'finit_module' });
  const t0 = k.clockNs;
  const from = k.log.records.length;
  const c = loadModule(k, { fileName: 'consumer.ko', image: sample('consumer/consumer.ko'), args: '', syscall: 'finit_module' });
  const log = k.log.records.slice(from).map((r) => `<${r.level}>${r.text}`);

  it('the provider is killed and stays COMING', () => {
    expect(p.end.kind).toBe('killed');
    expect(k.findModule('provider')?.state).toBe('COMING');
  });

  it('the consumer waits 30 s per symbol, gives up, and fails with -EBUSY', () => {
    expect(c.errno).toBe(-16);
    expect(c.end.kind).toBe('returned');
    const waits = log.filter((l) => l === '<4>consumer: gave up waiting for init of module provider.');
    expect(waits.length).toBeGreaterThan(0);
    const unknown = log.filter((l) => /^<4>consumer: Unknown symbol \w+ \(err -16\)$/.test(l));
    expect(unknown.length).toBe(waits.length);
    // Each wait comes right before its "Unknown symbol" line.
    expect(log.indexOf(unknown[0])).toBe(log.indexOf(waits[0]) + 1);
    expect(k.clockNs - t0).toBeGreaterThanOrEqual(waits.length * 30e9);
    expect(k.findModule('consumer')).toBeUndefined();
    expect(k.findModule('provider')?.usedBy).toEqual([]);
  });
});
