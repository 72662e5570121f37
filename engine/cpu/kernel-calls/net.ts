/**
 * Networking core the corpus inits call, modelled after 6.1 (net/socket.c, net/netlink/af_netlink.c)
 * with the struct layouts of the Debian 6.1.0-50 vmlinux (its BTF):
 * - sock_register()/sock_unregister(): net_families[], and the "NET: Registered … protocol family" line.
 * - __netlink_kernel_create()/netlink_kernel_release(): a kernel netlink socket of one unit in a net.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EEXIST } from './errname';
import { readU64, ret, s32, u32, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import { printkText } from './printk';
import { BOOT_NET_FAMILIES, type KernelCallState } from './state';

export { BOOT_NET_FAMILIES };

/** pf_family_names[] (net/socket.c), indexed by AF_* (include/linux/socket.h); NPROTO = AF_MAX = 46. */
export const PF_FAMILY_NAMES: readonly string[] = [
  'PF_UNSPEC',
  'PF_UNIX/PF_LOCAL',
  'PF_INET',
  'PF_AX25',
  'PF_IPX',
  'PF_APPLETALK',
  'PF_NETROM',
  'PF_BRIDGE',
  'PF_ATMPVC',
  'PF_X25',
  'PF_INET6',
  'PF_ROSE',
  'PF_DECnet',
  'PF_NETBEUI',
  'PF_SECURITY',
  'PF_KEY',
  'PF_NETLINK/PF_ROUTE',
  'PF_PACKET',
  'PF_ASH',
  'PF_ECONET',
  'PF_ATMSVC',
  'PF_RDS',
  'PF_SNA',
  'PF_IRDA',
  'PF_PPPOX',
  'PF_WANPIPE',
  'PF_LLC',
  'PF_IB',
  'PF_MPLS',
  'PF_CAN',
  'PF_TIPC',
  'PF_BLUETOOTH',
  'PF_IUCV',
  'PF_RXRPC',
  'PF_ISDN',
  'PF_PHONET',
  'PF_IEEE802154',
  'PF_CAIF',
  'PF_ALG',
  'PF_NFC',
  'PF_VSOCK',
  'PF_KCM',
  'PF_QIPCRTR',
  'PF_SMC',
  'PF_XDP',
  'PF_MCTP',
];
const NPROTO = PF_FAMILY_NAMES.length;
const ENOBUFS = 105;

/**
 * Units with a kernel socket in init_net after boot: NETLINK_ROUTE (rtnetlink_net_init), NETLINK_SOCK_DIAG
 * (net/core/sock_diag.c), NETLINK_SELINUX (selnl_init: CONFIG_SECURITY_SELINUX=y), NETLINK_AUDIT (audit_init),
 * NETLINK_FIB_LOOKUP (nl_fib_lookup_init), NETLINK_CONNECTOR (cn_init: CONFIG_CONNECTOR=y),
 * NETLINK_KOBJECT_UEVENT (uevent_net_init), NETLINK_GENERIC (genl_pernet_init). The other units' creators are
 * modules in Debian's config (CONFIG_SCSI=m, CONFIG_XFRM_USER=m, CONFIG_NETFILTER_NETLINK=m, …).
 */
export const BOOT_NETLINK_UNITS: readonly number[] = [0, 4, 7, 9, 10, 11, 15, 16];

// struct layouts (BTF of vmlinux-6.1.0-50-amd64)
const SIZEOF_SOCKET = 128;
const SOCKET_STATE = 0n; // socket_state state: SS_UNCONNECTED = 1
const SOCKET_TYPE = 4n; // short type
const SOCKET_SK = 24n;
const SIZEOF_NETLINK_SOCK = 1088;
const SK_FAMILY = 16n; // __sk_common.skc_family
const SK_NET = 48n; // __sk_common.skc_net
const SK_REFCNT = 128n; // __sk_common.skc_refcnt
const SK_KERN_SOCK_BYTE = 512n; // sk_kern_sock is bit 1 of this byte (sk_no_check_tx:1, sk_kern_sock:1, …)
const SK_TYPE = 514n;
const SK_PROTOCOL = 516n;
const SK_SOCKET = 624n;
const SK_DATA_READY = 680n;
const NLK_FLAGS = 776n;
const NLK_PORTID = 784n;
const NLK_NGROUPS = 800n;
const NLK_CB_MUTEX = 992n;
const NLK_NETLINK_RCV = 1032n;
// struct netlink_kernel_cfg { unsigned int groups, flags; input; cb_mutex; bind; unbind; compare; }
const CFG_GROUPS = 0n;
const CFG_INPUT = 8n;
const CFG_CB_MUTEX = 16n;
const MAX_LINKS = 32;
const PF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SS_UNCONNECTED = 1;
const NETLINK_F_KERNEL_SOCKET = 0x1n;

function writeU16(ctx: KernelCallContext, at: bigint, v: number): void {
  ctx.mem.write(at, Uint8Array.of(v & 0xff, (v >> 8) & 0xff));
}

export function netFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // int sock_register(const struct net_proto_family *ops) (net/socket.c): struct net_proto_family { int family; … }
    sock_register: (ctx) => {
      const ops = ctx.arg(0);
      const family = s32(readU64(ctx.mem, ops));
      if (family < 0 || family >= NPROTO) {
        printkText(ctx, s, 2, `protocol ${family} >= NPROTO(${NPROTO})\n`);
        return ret(-ENOBUFS);
      }
      const taken = s.netFamilies.has(family);
      if (!taken) s.netFamilies.set(family, ops);
      // The line is printed whether or not the slot was free.
      printkText(ctx, s, 6, `NET: Registered ${PF_FAMILY_NAMES[family]} protocol family\n`);
      ctx.note(`sock_register: net_families[${family}] ${taken ? 'is taken: -EEXIST' : `= ${hexU64(ops)}, returns 0`}`);
      return taken ? ret(-EEXIST) : 0n;
    },
    // void sock_unregister(int family): BUG_ON(family < 0 || family >= NPROTO), then the slot is cleared.
    sock_unregister: (ctx) => {
      const family = s32(ctx.arg(0));
      if (family < 0 || family >= NPROTO) return 'not-modelled';
      s.netFamilies.delete(family);
      printkText(ctx, s, 6, `NET: Unregistered ${PF_FAMILY_NAMES[family]} protocol family\n`);
      return 0n;
    },
    // struct sock *__netlink_kernel_create(struct net *net, int unit, struct module *module, struct netlink_kernel_cfg *cfg)
    __netlink_kernel_create: (ctx) => {
      const net = ctx.arg(0);
      const unit = s32(ctx.arg(1));
      const module = ctx.arg(2);
      const cfg = ctx.arg(3);
      if (unit < 0 || unit >= MAX_LINKS) {
        ctx.note(`__netlink_kernel_create: unit ${unit} is not below MAX_LINKS (32): NULL`);
        return 0n;
      }
      // netlink_insert(sk, 0): a kernel socket has portid 0, so a second one of the unit in the same net
      // fails with -EADDRINUSE and the function returns NULL.
      const initNet = s.options.lookupSymbol?.('init_net') ?? null;
      const bootTaken = net === initNet && BOOT_NETLINK_UNITS.includes(unit);
      if (bootTaken || [...s.netlinkSockets.values()].some((k) => k.net === net && k.unit === unit)) {
        ctx.note(`__netlink_kernel_create: unit ${unit} already has a kernel socket (portid 0) in net ${hexU64(net)}: NULL`);
        return 0n;
      }
      let groups = 32;
      let input = 0n;
      let cbMutex = 0n;
      if (cfg !== 0n) {
        const g = u32(readU64(ctx.mem, cfg + CFG_GROUPS));
        if (g >= 32) groups = g;
        input = readU64(ctx.mem, cfg + CFG_INPUT);
        cbMutex = readU64(ctx.mem, cfg + CFG_CB_MUTEX);
      }
      // sock_create_lite(): a struct socket; __netlink_create() → sk_alloc(__GFP_ZERO) and sock_init_data().
      const sock = ctx.kmalloc(SIZEOF_SOCKET, true, `struct socket (netlink unit ${unit})`);
      const sk = ctx.kmalloc(SIZEOF_NETLINK_SOCK, true, `struct netlink_sock (kernel, unit ${unit})`);
      writeU32(ctx.mem, sock + SOCKET_STATE, SS_UNCONNECTED);
      writeU16(ctx, sock + SOCKET_TYPE, SOCK_DGRAM);
      writeU64(ctx.mem, sock + SOCKET_SK, sk);
      writeU16(ctx, sk + SK_FAMILY, PF_NETLINK);
      writeU64(ctx.mem, sk + SK_NET, net);
      writeU32(ctx.mem, sk + SK_REFCNT, 1);
      ctx.mem.write(sk + SK_KERN_SOCK_BYTE, Uint8Array.of(ctx.mem.read(sk + SK_KERN_SOCK_BYTE, 1, 'read')[0] | 2));
      writeU16(ctx, sk + SK_TYPE, SOCK_DGRAM);
      writeU16(ctx, sk + SK_PROTOCOL, unit);
      writeU64(ctx.mem, sk + SK_SOCKET, sock);
      writeU64(ctx.mem, sk + SK_DATA_READY, s.options.lookupSymbol?.('netlink_data_ready') ?? 0n);
      writeU64(ctx.mem, sk + NLK_FLAGS, NETLINK_F_KERNEL_SOCKET);
      writeU32(ctx.mem, sk + NLK_PORTID, 0);
      writeU32(ctx.mem, sk + NLK_NGROUPS, 0);
      writeU64(ctx.mem, sk + NLK_CB_MUTEX, cbMutex);
      writeU64(ctx.mem, sk + NLK_NETLINK_RCV, input);
      s.netlinkSockets.set(sk, { net, unit, socket: sock });
      const t = s.netlinkUnits.get(unit);
      if (t) t.registered++;
      else s.netlinkUnits.set(unit, { registered: 1, groups, module });
      ctx.note(
        `__netlink_kernel_create: kernel socket of netlink unit ${unit} at ${hexU64(sk)} (portid 0, ${groups} groups` +
          `${input ? `, input ${ctx.symbolize(input) ?? hexU64(input)}` : ''}); sock_init_data()'s buffer sizes and callbacks ` +
          'other than sk_data_ready are not filled in',
      );
      return sk;
    },
    // void netlink_kernel_release(struct sock *sk): sock_release(sk->sk_socket) → netlink_release().
    netlink_kernel_release: (ctx) => {
      const sk = ctx.arg(0);
      const k = s.netlinkSockets.get(sk);
      if (sk === 0n) return 0n;
      if (!k) return 'not-modelled';
      s.netlinkSockets.delete(sk);
      const t = s.netlinkUnits.get(k.unit);
      if (t && --t.registered === 0) s.netlinkUnits.delete(k.unit);
      ctx.kfree(k.socket);
      ctx.kfree(sk);
      ctx.note(`netlink_kernel_release: kernel socket of netlink unit ${k.unit} released`);
      return 0n;
    },
  };
}
