/**
 * int __ipv6_addr_type(const struct in6_addr *addr) (net/ipv6/addrconf_core.c, 6.1): the type and scope bits of an
 * IPv6 address (include/net/ipv6.h IPV6_ADDR_*), a pure function of its 16 bytes (behind ipv6_addr_type()).
 */
import type { KernelFunction } from '../types';

const UNICAST = 0x0001;
const MULTICAST = 0x0002;
const LOOPBACK = 0x0010;
const LINKLOCAL = 0x0020;
const SITELOCAL = 0x0040;
const COMPATV4 = 0x0080;
const MAPPED = 0x1000;
const SCOPE_NODELOCAL = 0x01;
const SCOPE_LINKLOCAL = 0x02;
const SCOPE_SITELOCAL = 0x05;
const SCOPE_GLOBAL = 0x0e;
const scopeType = (scope: number): number => scope << 16;

/** ipv6_addr_scope2type() */
function scope2type(scope: number): number {
  if (scope === SCOPE_NODELOCAL) return scopeType(scope) | LOOPBACK;
  if (scope === SCOPE_LINKLOCAL) return scopeType(scope) | LINKLOCAL;
  if (scope === SCOPE_SITELOCAL) return scopeType(scope) | SITELOCAL;
  return scopeType(scope);
}

/** __ipv6_addr_type() of the address bytes (s6_addr, network order). */
export function ipv6AddrType(a: Uint8Array): number {
  const w = (i: number): number => ((a[4 * i] << 24) | (a[4 * i + 1] << 16) | (a[4 * i + 2] << 8) | a[4 * i + 3]) >>> 0;
  const st = w(0);
  const top3 = (st & 0xe0000000) >>> 0;
  if (top3 !== 0 && top3 !== 0xe0000000) return UNICAST | scopeType(SCOPE_GLOBAL);
  if ((st & 0xff000000) >>> 0 === 0xff000000) return MULTICAST | scope2type(a[1] & 0x0f);
  if ((st & 0xffc00000) >>> 0 === 0xfe800000) return LINKLOCAL | UNICAST | scopeType(SCOPE_LINKLOCAL);
  if ((st & 0xffc00000) >>> 0 === 0xfec00000) return SITELOCAL | UNICAST | scopeType(SCOPE_SITELOCAL);
  if ((st & 0xfe000000) >>> 0 === 0xfc000000) return UNICAST | scopeType(SCOPE_GLOBAL);
  if ((w(0) | w(1)) === 0) {
    if (w(2) === 0) {
      if (w(3) === 0) return 0; // IPV6_ADDR_ANY
      if (w(3) === 1) return LOOPBACK | UNICAST | scopeType(SCOPE_LINKLOCAL);
      return COMPATV4 | UNICAST | scopeType(SCOPE_GLOBAL);
    }
    if (w(2) === 0x0000ffff) return MAPPED | scopeType(SCOPE_GLOBAL);
  }
  return UNICAST | scopeType(SCOPE_GLOBAL);
}

export function ipv6AddrFunctions(): Record<string, KernelFunction> {
  return {
    __ipv6_addr_type: (ctx) => BigInt(ipv6AddrType(ctx.mem.read(ctx.arg(0), 16, 'read'))),
  };
}
