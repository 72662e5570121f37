/** inet-protocols.ts: the protocol and protosw tables of net/ipv4 and net/ipv6 as Debian's 6.1 boots them. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';

const NEG1 = BigInt.asUintN(64, -1n);

describe('inet protocol tables', () => {
  it("sctp's IPPROTO_SCTP (132) goes in once; the boot's TCP, UDP, PIM slots are taken; del only removes its own", () => {
    const { call } = modelCaller(new KernelCallState());
    const prot = DATA_BASE + 0x100n;
    expect(call('inet_add_protocol', prot, 132n)).toBe(0n);
    expect(call('inet_add_protocol', prot + 8n, 132n)).toBe(NEG1);
    for (const p of [6n, 17n, 103n, 136n]) expect(call('inet_add_protocol', prot, p)).toBe(NEG1);
    expect(call('inet6_add_protocol', prot, 58n)).toBe(NEG1); // ICMPv6
    expect(call('inet6_add_protocol', prot, 132n)).toBe(0n);
    expect(call('inet_add_offload', prot, 47n)).toBe(NEG1); // gre_offload is built in
    expect(call('inet_add_offload', prot, 132n)).toBe(0n);
    expect(call('inet_del_protocol', prot + 8n, 132n)).toBe(NEG1);
    expect(call('inet_del_protocol', prot, 132n)).toBe(0n);
    expect(call('inet_add_protocol', prot + 8n, 132n)).toBe(0n);
  });

  it('protosw: a permanent TCP/UDP entry cannot be overridden (pr_err, and -EPERM on IPv6); a bad type is refused', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const sw = (type: number, protocol: number, flags: number): bigint => {
      const p = DATA_BASE + 0x400n + BigInt(type * 0x40 + protocol);
      ctx.poke(p, new Uint8Array(48));
      ctx.poke(p + 16n, Uint8Array.of(type, 0, protocol, 0));
      ctx.poke(p + 40n, Uint8Array.of(flags));
      return p;
    };
    expect(call('inet_register_protosw', sw(5, 132, 0))).toBe(0n); // SOCK_SEQPACKET sctp
    expect(call('inet6_register_protosw', sw(1, 132, 0))).toBe(0n);
    expect(ctx.log).toEqual([]);
    expect(call('inet_register_protosw', sw(1, 6, 0))).toBe(0n);
    expect(call('inet6_register_protosw', sw(2, 136, 0))).toBe(BigInt.asUintN(64, -1n));
    expect(call('inet6_register_protosw', sw(12, 1, 0))).toBe(BigInt.asUintN(64, -22n));
    expect(ctx.log.map((l) => l.text)).toEqual([
      'Attempt to override permanent protocol 6',
      'Attempt to override permanent protocol 136',
      'Ignoring attempt to register invalid socket type 12',
    ]);
    expect(ctx.log.every((l) => l.level === 3)).toBe(true);
  });
});
