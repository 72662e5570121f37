/** net.ts: sock_register()'s line and net_families[], kernel netlink sockets, against 6.1's net/socket.c and af_netlink.c. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/test-support/kernel';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { BOOT_NET_FAMILIES, PF_FAMILY_NAMES } from './net';
import { readU64 } from './mem';

const INIT_NET = 0xffffffff83a1c0c0n;
const DATA_READY = 0xffffffff81a5e1f0n;

function setup() {
  const state = new KernelCallState({ lookupSymbol: (n) => (n === 'init_net' ? INIT_NET : n === 'netlink_data_ready' ? DATA_READY : null) });
  const { ctx, call } = modelCaller(state);
  return { state, ctx, call };
}

describe('sock_register', () => {
  it('prints the family name from pf_family_names[] and fills net_families[]', () => {
    const { ctx, call } = setup();
    // struct net_proto_family { int family; create; owner; }: PF_APPLETALK (5)
    const ops = ctx.poke(0xffffffffc0350000n, Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0));
    expect(call('sock_register', ops)).toBe(0n);
    expect(ctx.log).toEqual([{ level: 6, text: 'NET: Registered PF_APPLETALK protocol family' }]);
    // A second registration is refused with -EEXIST, and the line is printed again (as the kernel does).
    expect(call('sock_register', ops)).toBe(BigInt.asUintN(64, -17n));
    expect(ctx.log).toHaveLength(2);
    call('sock_unregister', 5n);
    expect(ctx.log.at(-1)?.text).toBe('NET: Unregistered PF_APPLETALK protocol family');
    expect(call('sock_register', ops)).toBe(0n);
  });

  it('families the built-in kernel registered at boot are taken; NPROTO and beyond are -ENOBUFS', () => {
    const { ctx, call } = setup();
    const inet6 = ctx.poke(0xffffffffc0351000n, Uint8Array.of(10, 0, 0, 0));
    expect(call('sock_register', inet6)).toBe(BigInt.asUintN(64, -17n));
    const bad = ctx.poke(0xffffffffc0352000n, Uint8Array.of(46, 0, 0, 0));
    expect(call('sock_register', bad)).toBe(BigInt.asUintN(64, -105n));
    expect(ctx.log.at(-1)).toEqual({ level: 2, text: 'protocol 46 >= NPROTO(46)' });
  });

  it("the boot families are the ones the real kernel's boot log registers", () => {
    const rec = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', 'hello.qemu.json'), 'utf8')) as {
      bootDmesgCount: number;
      dmesg: { text: string }[];
    };
    const booted = rec.dmesg
      .slice(0, rec.bootDmesgCount)
      .map((m) => /^NET: Registered (\S+) protocol family$/.exec(m.text)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(booted).toEqual(BOOT_NET_FAMILIES.map((f) => PF_FAMILY_NAMES[f]));
  });
});

describe('__netlink_kernel_create', () => {
  it('makes a kernel socket of the unit (portid 0) in the net; a second in the same net is NULL; release frees it', () => {
    const { ctx, call, state } = setup();
    // struct netlink_kernel_cfg { groups, flags; input; … }: scsi_netlink_init() passes no cfg groups.
    const input = 0xffffffffc0010230n;
    const cfg = ctx.poke(0xffffffffc0353000n, new Uint8Array(48));
    ctx.mem.write(
      cfg + 8n,
      Uint8Array.from({ length: 8 }, (_, i) => Number((input >> BigInt(8 * i)) & 0xffn)),
    );
    const sk = call('__netlink_kernel_create', INIT_NET, 18n, 0xffffffffc0020000n, cfg);
    expect(typeof sk === 'bigint' && sk !== 0n).toBe(true);
    const p = sk as bigint;
    const u16 = (a: bigint): number => {
      const b = ctx.peek(a, 2);
      return b[0] | (b[1] << 8);
    };
    expect(u16(p + 16n)).toBe(16); // skc_family PF_NETLINK
    expect(u16(p + 516n)).toBe(18); // sk_protocol
    expect(u16(p + 514n)).toBe(2); // sk_type SOCK_DGRAM
    expect(readU64(ctx.mem, p + 48n)).toBe(INIT_NET);
    expect(readU64(ctx.mem, p + 680n)).toBe(DATA_READY);
    expect(readU64(ctx.mem, p + 1032n)).toBe(input); // netlink_rcv = cfg->input
    const sock = readU64(ctx.mem, p + 624n);
    expect(readU64(ctx.mem, sock + 24n)).toBe(p); // sock->sk
    expect(state.netlinkUnits.get(18)?.registered).toBe(1);
    expect(call('__netlink_kernel_create', INIT_NET, 18n, 0n, 0n)).toBe(0n);
    call('netlink_kernel_release', p);
    expect(state.netlinkUnits.has(18)).toBe(false);
    expect(ctx.freed).toContain(p);
  });

  it('units the booted kernel already holds in init_net (NETLINK_ROUTE, NETLINK_GENERIC…) and units >= MAX_LINKS give NULL', () => {
    const { call } = setup();
    expect(call('__netlink_kernel_create', INIT_NET, 0n, 0n, 0n)).toBe(0n);
    expect(call('__netlink_kernel_create', INIT_NET, 16n, 0n, 0n)).toBe(0n);
    expect(call('__netlink_kernel_create', INIT_NET, 32n, 0n, 0n)).toBe(0n);
    expect(call('__netlink_kernel_create', INIT_NET, 21n, 0n, 0n)).not.toBe(0n);
  });
});
