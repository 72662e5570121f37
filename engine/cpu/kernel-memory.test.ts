/**
 * The CPU's view of the modelled kernel's memory: module sections with STRICT_MODULE_RWX
 * permissions, the kernel stack, per-CPU data, and vmlinux data as seeded zero pages.
 */
import { describe, expect, it } from 'vitest';
import { loadModule } from '../load/load-module';
import { bootKernel, sample } from '../../scripts/test-support/kernel';
import { KernelCpuMemory, DEFAULT_GS_BASE, NS_PER_INSTRUCTION } from './kernel-memory';
import { kernelSymbolNames } from './kernel-run';
import { CpuFault } from './types';

function loaded() {
  const k = bootKernel();
  const r = loadModule(k, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: '', syscall: 'finit_module' });
  const mod = r.module;
  if (!mod) throw new Error('hello did not load');
  return { k, mod, mem: new KernelCpuMemory(k) };
}

function fault(f: () => unknown): CpuFault | null {
  try {
    f();
  } catch (e) {
    if (e instanceof CpuFault) return e;
    throw e;
  }
  return null;
}

describe('KernelCpuMemory', () => {
  const { k, mod, mem } = loaded();
  const sec = (name: string) => {
    const s = mod.allSections.find((x) => x.name === name);
    if (!s) throw new Error(name);
    return s;
  };

  it('module text is executable and read-only', () => {
    const text = sec('.exit.text');
    expect(mem.read(text.address, 4, 'fetch')).toHaveLength(4);
    expect(fault(() => mem.write(text.address, new Uint8Array([0x90])))?.kind).toBe('read-only');
  });

  it('rodata is read-only and not executable; data is writable and not executable', () => {
    const ro = mod.allSections.find((s) => s.group === 'rodata' && !s.init && s.size > 0);
    if (!ro) throw new Error('no rodata');
    expect(fault(() => mem.write(ro.address, new Uint8Array([1])))?.kind).toBe('read-only');
    expect(fault(() => mem.read(ro.address, 1, 'fetch'))?.kind).toBe('not-executable');
    const data = sec('.data');
    const before = mem.read(data.address, 4, 'read').slice();
    mem.write(data.address, new Uint8Array([9, 9, 9, 9]));
    expect([...mem.read(data.address, 4, 'read')]).toEqual([9, 9, 9, 9]);
    mem.write(data.address, before);
    expect(fault(() => mem.read(data.address, 1, 'fetch'))?.kind).toBe('not-executable');
  });

  it('has a 16 KiB stack and CPU 0 per-CPU data at %gs, neither executable', () => {
    expect(mem.stack.size).toBe(16384);
    mem.write(mem.stack.base, new Uint8Array([1, 2]));
    expect([...mem.read(mem.stack.base, 2, 'read')]).toEqual([1, 2]);
    expect(fault(() => mem.read(mem.stack.base - 8n, 8, 'read'))?.kind).toBe('not-present');
    expect(fault(() => mem.read(mem.stack.base, 1, 'fetch'))?.kind).toBe('not-executable');
    expect(mem.gsBase).toBe(DEFAULT_GS_BASE);
    expect(fault(() => mem.read(mem.gsBase, 1, 'fetch'))?.kind).toBe('not-executable');
  });

  it('vmlinux data reads as seeded zero pages and remembers what was touched', () => {
    const addr = (n: string) => {
      const e = k.profile.lookup(n);
      if (!e) throw new Error(n);
      return k.vmlinuxAddress(e);
    };
    const u32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    expect(u32(mem.read(addr('nr_cpu_ids'), 4, 'read'))).toBe(1);
    expect(mem.read(addr('__cpu_online_mask'), 1, 'read')[0]).toBe(1);
    expect([...mem.read(addr('kmalloc_caches'), 8, 'read')]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    mem.write(addr('jiffies'), new Uint8Array([7]));
    expect(mem.read(addr('jiffies'), 1, 'read')[0]).toBe(7);
    expect(mem.vmlinuxAccesses.get('nr_cpu_ids')).toEqual({ symbol: 'nr_cpu_ids', reads: 1, writes: 0 });
    expect([...mem.vmlinuxAccesses.values()].find((a) => a.symbol.startsWith('jiffies'))?.writes).toBe(1); // jiffies and jiffies_64 share the address
    // per-CPU: current_task → init_task, this_cpu_off → the per-CPU base
    const pc = (n: string) => Number(k.profile.lookup(n)?.address ?? 0n);
    const u64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    expect(u64(mem.read(mem.gsBase + BigInt(pc('current_task')), 8, 'read'))).toBe(addr('init_task'));
    expect(u64(mem.read(mem.gsBase + BigInt(pc('this_cpu_off')), 8, 'read'))).toBe(mem.gsBase);
    // kernel text is not data, and .rodata cannot be written
    expect(fault(() => mem.read(addr('_printk'), 1, 'read'))?.message).toMatch(/vmlinux memory is not modelled/);
    expect(fault(() => mem.write(k.profile.sections.get('.rodata') ?? 0n, new Uint8Array([1])))?.kind).toBe('read-only');
    const strict = new KernelCpuMemory(k, { vmlinuxData: 'fault' });
    expect(fault(() => strict.read(addr('nr_cpu_ids'), 4, 'read'))?.kind).toBe('not-present');
  });

  it('vmlinux data one run wrote is there in the next run on the same kernel (as ip_vs sets init_net.ipvs for its schedulers)', () => {
    const e = k.profile.lookup('init_net');
    if (!e) throw new Error('init_net');
    const at = k.vmlinuxAddress(e) + 0x100n;
    const kept = new Map<bigint, number>();
    const first = new KernelCpuMemory(k, { vmlinuxWrites: kept });
    first.write(at, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    first.write(at + 4n, Uint8Array.of(9));
    first.write(at, Uint8Array.of(0xa, 0xb));
    const next = new KernelCpuMemory(k, { vmlinuxWrites: kept });
    expect([...next.read(at, 8, 'read')]).toEqual([0xa, 0xb, 3, 4, 9, 6, 7, 8]);
    expect(next.unmodelledReads.size).toBe(0);
    // Without the kept writes a run starts from the seed: the bytes are unknown again.
    const fresh = new KernelCpuMemory(k);
    fresh.read(at, 8, 'read');
    expect(fresh.unmodelledReads.size).toBe(1);
  });

  it("the direct map's alias of vmlinux data is the same bytes: page_address(ZERO_PAGE(0)) is empty_zero_page", () => {
    const e = k.profile.lookup('empty_zero_page');
    if (!e) throw new Error('empty_zero_page');
    const image = k.vmlinuxAddress(e);
    // __va(__pa(x)) with phys_base 0 (recorded) and page_offset_base 0xffff888000000000 (no KASLR): the real kernel's
    // address for the zero page, where libchacha20poly1305's self-test reads it, is 0xffff88800330d000.
    const direct = 0xffff888000000000n + (image - k.as.kernelSlide - 0xffffffff80000000n);
    if (k.as.kernelSlide === 0n) expect(direct).toBe(0xffff88800330d000n);
    expect([...mem.read(direct, 8, 'read')]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    mem.write(direct + 16n, Uint8Array.of(0x5a));
    expect(mem.read(image + 16n, 1, 'read')[0]).toBe(0x5a);
    mem.write(image + 16n, Uint8Array.of(0));
    // Past the machine's 512 MiB of RAM the direct map has nothing.
    expect(fault(() => mem.read(0xffff888000000000n + (512n << 20n), 1, 'read'))?.kind).toBe('not-present');
  });

  it('jiffies advance with the instructions a run has executed: a jiffy (4 ms at HZ=250) every 20,000 at NS_PER_INSTRUCTION', () => {
    const timed = new KernelCpuMemory(k);
    let executed = 0;
    timed.instructions = () => executed;
    const e = k.profile.lookup('jiffies');
    if (!e) throw new Error('jiffies');
    const at = k.vmlinuxAddress(e);
    const jiffies = () => {
      const b = timed.read(at, 8, 'read');
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    };
    const j0 = jiffies();
    expect(j0).toBe(0xfffb6c20n + BigInt(Math.floor(k.clockNs / 4_000_000)));
    executed = 4_000_000 / NS_PER_INSTRUCTION - 1;
    expect(jiffies() - j0).toBeLessThanOrEqual(1n);
    executed = (16 * 4_000_000) / NS_PER_INSTRUCTION + 4_000_000 / NS_PER_INSTRUCTION;
    expect(jiffies() - j0).toBeGreaterThanOrEqual(16n); // raid6_choose_gen()'s 16-jiffy window ends
    expect(timed.unmodelledReads.size).toBe(0);
  });

  it('the exported per-CPU topology masks (cpu_sibling_map, cpu_core_map, cpu_die_map) hold CPU 0, as set_cpu_sibling_map(0) leaves them', () => {
    const u64 = (a: bigint) => {
      const b = mem.read(a, 8, 'read');
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    };
    for (const name of ['cpu_sibling_map', 'cpu_core_map', 'cpu_die_map']) {
      const off = k.profile.lookup(name)?.address;
      if (off === undefined || off === null) throw new Error(name);
      const mask = u64(mem.gsBase + off);
      expect(mask, name).not.toBe(0n);
      expect(u64(mask), name).toBe(1n); // hfi1's node_affinity_init(): cpumask_weight(topology_sibling_cpumask(0)) = 1
    }
  });

  it('kernel_kobj, fs_kobj and firmware_kobj point at top-level kobjects named as /sys shows them', () => {
    const u64 = (a: bigint) => {
      const b = mem.read(a, 8, 'read');
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    };
    for (const [sym, name] of [
      ['kernel_kobj', 'kernel'],
      ['fs_kobj', 'fs'],
      ['firmware_kobj', 'firmware'],
    ]) {
      const e = k.profile.lookup(sym);
      if (!e) throw new Error(sym);
      const kobj = u64(k.vmlinuxAddress(e));
      expect(kobj).not.toBe(0n);
      const namePtr = u64(kobj); // struct kobject: name at 0
      expect(new TextDecoder().decode(mem.read(namePtr, name.length + 1, 'read'))).toBe(`${name}\0`);
      expect(u64(kobj + 24n)).toBe(0n); // parent: NULL (kobject_create_and_add(name, NULL))
    }
  });

  it('names NULL pointer dereferences', () => {
    expect(fault(() => mem.read(0x10n, 8, 'read'))?.message).toMatch(/NULL pointer dereference/);
  });

  it('symbol names: vmlinux exports at their boot addresses and module symbols', () => {
    const names = kernelSymbolNames(k);
    const printk = k.profile.lookup('_printk');
    if (!printk) throw new Error('_printk');
    expect(names.name(k.vmlinuxAddress(printk))).toBe('_printk');
    expect(names.isVmlinux(k.vmlinuxAddress(printk))).toBe(true);
    expect(names.name(mod.exitFn ?? 0n)).toMatch(/hello_exit|cleanup_module/);
  });
});
