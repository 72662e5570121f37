/**
 * pernet.ts against net/core/net_namespace.c (6.1) and what the real boot left (kernel-data-qemu-pc.json, recorded under
 * QEMU): ids from net_generic_ids, init_net.gen's slots and growth, ops->init/exit on init_net, the error path.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { bootPernetIds, MIN_PERNET_OPS_ID } from './pernet';
import { ipv6AddrType } from './net-ipv6-addr';
import { readU32, readU64, writeU64 } from './mem';

const P = KERNEL_DATA.pernet;
const INIT_NET = 0xffffffff84099cc0n;
/** Where init_net.gen points after boot in this test (the engine lays it out in its vmlinux area). */
const BOOT_GEN = 0xffffffffbf116000n;
const MOD = 0xffffffffc0400000n;

function setup() {
  const state = new KernelCallState({ lookupSymbol: (n) => (n === 'init_net' ? INIT_NET : null) });
  const { ctx, call } = modelCaller(state);
  ctx.map(INIT_NET, 0x2000);
  ctx.map(BOOT_GEN, 0x1000);
  ctx.mem.write(BOOT_GEN, Uint8Array.of(P.genLen, 0, 0, 0));
  writeU64(ctx.mem, INIT_NET + BigInt(P.netGen), BOOT_GEN);
  ctx.map(MOD, 0x10000);
  /** A struct pernet_operations at MOD + n * 0x100 with an id variable at + 0x80. */
  const ops = (n: number, f: { init?: bigint; exit?: bigint; exitBatch?: bigint; id?: boolean; size?: number }): bigint => {
    const o = MOD + BigInt(n) * 0x100n;
    writeU64(ctx.mem, o + BigInt(P.ops.init), f.init ?? 0n);
    writeU64(ctx.mem, o + BigInt(P.ops.exit), f.exit ?? 0n);
    writeU64(ctx.mem, o + BigInt(P.ops.exit_batch), f.exitBatch ?? 0n);
    writeU64(ctx.mem, o + BigInt(P.ops.id), f.id ? o + 0x80n : 0n);
    writeU64(ctx.mem, o + BigInt(P.ops.size), BigInt(f.size ?? 0));
    return o;
  };
  const gen = (): bigint => readU64(ctx.mem, INIT_NET + BigInt(P.netGen));
  return { state, ctx, call, ops, gen };
}

describe('the boot state recorded under QEMU', () => {
  it('the ids net_generic_ids holds are the slots of init_net.gen that hold data', () => {
    expect(P.slots).toHaveLength(P.genLen);
    const withData = [...P.slots].flatMap((c, i) => (c === 'x' ? [i] : []));
    expect([...bootPernetIds()].sort((a, b) => a - b)).toEqual(withData);
    expect(Math.min(...bootPernetIds())).toBe(MIN_PERNET_OPS_ID);
    // The first probe past the length grew init_net.gen to id + 1 slots: max_gen_ptrs was not above it.
    const past = P.probes.find(([id]) => id >= P.genLen);
    expect(past).toEqual([P.genLen, P.genLen + 1]);
    expect(P.maxGenPtrs).toBe(P.genLen);
  });
});

describe('register_pernet_subsys / register_pernet_device', () => {
  it('hands out the lowest free id, puts size zeroed bytes in init_net.gen->ptr[id] and runs init(&init_net)', () => {
    const { ctx, call, ops, gen } = setup();
    const init = MOD + 0x8000n;
    let seen = 0n;
    ctx.moduleFunctions.set(init, (net) => {
      seen = net;
      return 0n;
    });
    const a = ops(0, { init, id: true, size: 24 });
    expect(call('register_pernet_subsys', a)).toBe(0n);
    const first = P.probes[0][0];
    expect(readU32(ctx.mem, a + 0x80n)).toBe(first);
    expect(seen).toBe(INIT_NET);
    const data = readU64(ctx.mem, BOOT_GEN + 8n * BigInt(first));
    expect(ctx.peek(data, 24)).toEqual(new Uint8Array(24));
    expect(gen()).toBe(BOOT_GEN);
    // An ops without an id gets none and changes no slot; the next id-holder gets the next free id.
    expect(call('register_pernet_device', ops(1, { init }))).toBe(0n);
    const b = ops(2, { id: true, size: 8 });
    expect(call('register_pernet_device', b)).toBe(0n);
    expect(readU32(ctx.mem, b + 0x80n)).toBe(P.probes[1][0]);
  });

  it("past init_net.gen's length a longer net_generic (max_gen_ptrs slots) replaces it, with the modules' slots copied", () => {
    const { ctx, call, ops, gen, state } = setup();
    const ids: number[] = [];
    const datas: bigint[] = [];
    for (let n = 0; n < P.probes.length; n++) {
      const o = ops(n, { id: true, size: 16 });
      expect(call('register_pernet_subsys', o)).toBe(0n);
      ids.push(readU32(ctx.mem, o + 0x80n));
      datas.push(readU64(ctx.mem, gen() + 8n * BigInt(ids[n])));
    }
    // The same ids and lengths the real kernel gave the probe registrations.
    expect(ids).toEqual(P.probes.map(([id]) => id));
    const ng = gen();
    expect(ng).not.toBe(BOOT_GEN);
    expect(readU32(ctx.mem, ng)).toBe(P.probes.at(-1)?.[1]);
    ids.forEach((id, i) => expect(readU64(ctx.mem, ng + 8n * BigInt(id))).toBe(datas[i]));
    // init_net.gen is vmlinux data: kept for the next run.
    const kept = Array.from({ length: 8 }, (_, i) => state.vmlinuxWrites.get(INIT_NET + BigInt(P.netGen) + BigInt(i)));
    expect(kept).toEqual([...ctx.peek(INIT_NET + BigInt(P.netGen), 8)]);
  });

  it('a failing init: the slot is cleared, the data freed, exit_batch runs on an empty list, the id is free again', () => {
    const { ctx, call, ops } = setup();
    const init = MOD + 0x8000n;
    const batch = MOD + 0x8100n;
    ctx.moduleFunctions.set(init, () => BigInt.asUintN(64, -12n));
    let listEmpty = false;
    ctx.moduleFunctions.set(batch, (head) => {
      listEmpty = readU64(ctx.mem, head) === head;
      return 0n;
    });
    const a = ops(0, { init, exitBatch: batch, id: true, size: 32 });
    expect(call('register_pernet_subsys', a)).toBe(BigInt.asUintN(64, -12n));
    const id = readU32(ctx.mem, a + 0x80n);
    expect(readU64(ctx.mem, BOOT_GEN + 8n * BigInt(id))).toBe(0n);
    expect(ctx.freed).toHaveLength(2); // the data, then the list head
    expect(listEmpty).toBe(true);
    const b = ops(1, { id: true, size: 8 });
    expect(call('register_pernet_subsys', b)).toBe(0n);
    expect(readU32(ctx.mem, b + 0x80n)).toBe(id);
  });
});

describe('unregister_pernet_subsys / unregister_pernet_device', () => {
  it('runs exit(&init_net), then exit_batch on a list holding init_net, frees the data and the id', () => {
    const { ctx, call, ops } = setup();
    const exit = MOD + 0x8000n;
    const batch = MOD + 0x8100n;
    const order: string[] = [];
    ctx.moduleFunctions.set(exit, (net) => {
      order.push(`exit ${net === INIT_NET}`);
      return 0n;
    });
    ctx.moduleFunctions.set(batch, (head) => {
      // list_for_each_entry(net, net_exit_list, exit_list): the one entry is init_net's exit_list.
      const first = readU64(ctx.mem, head);
      order.push(`batch ${first - BigInt(P.netExitList) === INIT_NET} ${readU64(ctx.mem, first) === head}`);
      return 0n;
    });
    const a = ops(0, { exit, exitBatch: batch, id: true, size: 8 });
    call('register_pernet_device', a);
    const id = readU32(ctx.mem, a + 0x80n);
    const data = readU64(ctx.mem, BOOT_GEN + 8n * BigInt(id));
    expect(call('unregister_pernet_device', a)).toBe(0n);
    expect(order).toEqual(['exit true', 'batch true true']);
    expect(ctx.freed).toContain(data);
    const b = ops(1, { id: true, size: 8 });
    call('register_pernet_subsys', b);
    expect(readU32(ctx.mem, b + 0x80n)).toBe(id);
  });
});

describe('__ipv6_addr_type', () => {
  const addr = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  it('gives include/net/ipv6.h type and scope bits', () => {
    expect(ipv6AddrType(addr('00000000000000000000000000000000'))).toBe(0); // :: IPV6_ADDR_ANY
    expect(ipv6AddrType(addr('00000000000000000000000000000001'))).toBe(0x20011); // ::1 loopback, link scope
    expect(ipv6AddrType(addr('fe800000000000000000000000000001'))).toBe(0x20021); // link-local unicast
    expect(ipv6AddrType(addr('ff020000000000000000000000000001'))).toBe(0x20022); // ff02::1 multicast, link scope
    expect(ipv6AddrType(addr('20010db8000000000000000000000001'))).toBe(0xe0001); // global unicast
    expect(ipv6AddrType(addr('00000000000000000000ffff01020304'))).toBe(0xe1000); // ::ffff:1.2.3.4 mapped
  });
});
