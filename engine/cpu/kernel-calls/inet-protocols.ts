/**
 * The IPv4/IPv6 protocol tables a transport module (sctp, dccp, l2tp…) adds itself to, Linux 6.1:
 * inet_add_protocol / inet_add_offload (net/ipv4/protocol.c) and inet6_add_protocol / inet6_add_offload
 * (net/ipv6/protocol.c) cmpxchg the protocol's slot from NULL: 0, or -1 when it is taken; the del functions clear the
 * slot only if it holds that struct (0, else -1). inet_register_protosw() (net/ipv4/af_inet.c) refuses a protocol
 * already registered as INET_PROTOSW_PERMANENT for that socket type ("Attempt to override permanent protocol %d",
 * nothing returned) and a type >= SOCK_MAX ("Ignoring attempt to register invalid socket type %d");
 * inet6_register_protosw() (net/ipv6/af_inet6.c) does the same and returns -EPERM / -EINVAL (0 when added).
 * struct inet_protosw: list_head, type @16, protocol @18 (unsigned short), prot @24, ops @32, flags @40.
 *
 * Taken at boot in Debian's 6.1 configuration (everything else is a module):
 * inet_protos: ICMP 1, IGMP 2 (IP_MULTICAST), TCP 6, UDP 17, PIM 103 (IP_MROUTE + IP_PIMSM_V2), UDP-Lite 136;
 * inet6_protos: TCP 6, UDP 17, ROUTING 43, FRAGMENT 44, ICMPV6 58, NONE 59, DSTOPTS 60, PIM 103 (IPV6_PIMSM_V2), UDP-Lite 136;
 * inet_offloads: IPIP 4, TCP 6, UDP 17, IPV6 41 (sit_offload, ip6_offload.c), GRE 47 (gre_offload.c is built in);
 * inet6_offloads: IPIP 4, TCP 6, UDP 17, IPV6 41, ROUTING 43, GRE 47, DSTOPTS 60.
 * Permanent protosw entries: SOCK_STREAM TCP; SOCK_DGRAM UDP and UDP-Lite (inetsw_array, udplite4_register() and
 * their IPv6 twins); raw, ping and MPTCP are not permanent.
 */
import type { KernelFunction } from '../types';
import type { KernelCallState } from './state';
import { ret } from './mem';
import { printkText } from './printk';
import { EINVAL } from './errname';

const EPERM = 1;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
/** SOCK_MAX (include/linux/net.h): SOCK_PACKET + 1. */
const SOCK_MAX = 11;
const INET_PROTOSW_PERMANENT = 0x02;

const readU16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);

export const BOOT_INET_PROTOS: readonly number[] = [1, 2, 6, 17, 103, 136];
export const BOOT_INET6_PROTOS: readonly number[] = [6, 17, 43, 44, 58, 59, 60, 103, 136];
export const BOOT_INET_OFFLOADS: readonly number[] = [4, 6, 17, 41, 47];
export const BOOT_INET6_OFFLOADS: readonly number[] = [4, 6, 17, 41, 43, 47, 60];
const BOOT_PERMANENT: readonly [number, number][] = [
  [SOCK_STREAM, 6],
  [SOCK_DGRAM, 17],
  [SOCK_DGRAM, 136],
];

export function inetProtocolFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** Each table's taken slots: protocol → the struct there (0 for a built-in one). */
  const table = (boot: readonly number[]): Map<number, bigint> => new Map(boot.map((p) => [p, 0n]));
  const tables = {
    inet: table(BOOT_INET_PROTOS),
    inet6: table(BOOT_INET6_PROTOS),
    inetOffload: table(BOOT_INET_OFFLOADS),
    inet6Offload: table(BOOT_INET6_OFFLOADS),
  };
  const add =
    (t: Map<number, bigint>, fn: string): KernelFunction =>
    (ctx) => {
      const protocol = Number(ctx.arg(1) & 0xffn);
      if (t.has(protocol)) {
        ctx.note(`${fn}: protocol ${protocol} is taken; returns -1`);
        return ret(-1);
      }
      t.set(protocol, ctx.arg(0));
      s.registrations.push({ kind: fn, name: String(protocol), address: ctx.arg(0) });
      ctx.note(`${fn}: protocol ${protocol} added; returns 0`);
      return 0n;
    };
  const del =
    (t: Map<number, bigint>, fn: string): KernelFunction =>
    (ctx) => {
      const protocol = Number(ctx.arg(1) & 0xffn);
      if (t.get(protocol) !== ctx.arg(0) || ctx.arg(0) === 0n) return ret(-1);
      t.delete(protocol);
      ctx.note(`${fn}: protocol ${protocol} removed`);
      return 0n;
    };
  /** Per address family: socket type → protocols registered permanent. */
  const permanent = (): Map<number, Set<number>> => {
    const m = new Map<number, Set<number>>();
    for (const [type, p] of BOOT_PERMANENT) m.set(type, (m.get(type) ?? new Set()).add(p));
    return m;
  };
  const perm4 = permanent();
  const perm6 = permanent();
  const register =
    (perm: Map<number, Set<number>>, fn: string, v6: boolean): KernelFunction =>
    (ctx) => {
      const p = ctx.arg(0);
      const sw = ctx.mem.read(p, 41, 'read');
      const type = readU16(sw, 16);
      const protocol = readU16(sw, 18);
      if (type >= SOCK_MAX) {
        printkText(ctx, s, 3, `Ignoring attempt to register invalid socket type ${type}\n`);
        return v6 ? ret(-EINVAL) : 0n;
      }
      if (perm.get(type)?.has(protocol)) {
        printkText(ctx, s, 3, `Attempt to override permanent protocol ${protocol}\n`);
        return v6 ? ret(-EPERM) : 0n;
      }
      if (sw[40] & INET_PROTOSW_PERMANENT) perm.set(type, (perm.get(type) ?? new Set()).add(protocol));
      s.registrations.push({ kind: fn, name: `${type}/${protocol}`, address: p });
      ctx.note(`${fn}: socket type ${type} protocol ${protocol} added`);
      return 0n;
    };
  return {
    inet_add_protocol: add(tables.inet, 'inet_add_protocol'),
    inet_del_protocol: del(tables.inet, 'inet_del_protocol'),
    inet6_add_protocol: add(tables.inet6, 'inet6_add_protocol'),
    inet6_del_protocol: del(tables.inet6, 'inet6_del_protocol'),
    inet_add_offload: add(tables.inetOffload, 'inet_add_offload'),
    inet_del_offload: del(tables.inetOffload, 'inet_del_offload'),
    inet6_add_offload: add(tables.inet6Offload, 'inet6_add_offload'),
    inet6_del_offload: del(tables.inet6Offload, 'inet6_del_offload'),
    inet_register_protosw: register(perm4, 'inet_register_protosw', false),
    inet6_register_protosw: register(perm6, 'inet6_register_protosw', true),
    // inet_unregister_protosw(): a permanent entry stays ("Attempt to unregister permanent protocol %d"), others leave the list.
    inet_unregister_protosw: (ctx) => {
      const sw = ctx.mem.read(ctx.arg(0), 41, 'read');
      if (sw[40] & INET_PROTOSW_PERMANENT) printkText(ctx, s, 3, `Attempt to unregister permanent protocol ${readU16(sw, 18)}\n`);
      ctx.note(`inet_unregister_protosw: socket type ${readU16(sw, 16)} protocol ${readU16(sw, 18)}`);
      return 0n;
    },
    // inet6_unregister_protosw(): list_del_rcu() whatever the flags.
    inet6_unregister_protosw: (ctx) => {
      const sw = ctx.mem.read(ctx.arg(0), 41, 'read');
      if (sw[40] & INET_PROTOSW_PERMANENT) perm6.get(readU16(sw, 16))?.delete(readU16(sw, 18));
      ctx.note(`inet6_unregister_protosw: socket type ${readU16(sw, 16)} protocol ${readU16(sw, 18)} removed`);
      return 0n;
    },
  };
}
