/**
 * Net devices (net/core/dev.c, net/ethernet/eth.c of 6.1): allocation and the name register_netdev() gives.
 * struct net_device starts with char name[IFNAMSIZ]. alloc_netdev_mqs() copies the name template there;
 * register_netdev() → register_netdevice() → dev_get_valid_name(): a template with one %d takes the lowest
 * number no device of that pattern holds (__dev_alloc_name()), a plain name must be free (-EEXIST).
 * The modelled machine (QEMU -nodefaults, no NIC) has only "lo" at boot.
 * The setup callback (ether_setup for alloc_etherdev_mqs) is not run: the fields it sets are not written.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EEXIST, EINVAL } from './errname';
import { asciiBytes, readU64, ret, tryCString, writeU64 } from './mem';
import { hexU64 as hex } from '../../base/hex';
import type { KernelCallState } from './state';

const IFNAMSIZ = 16;
/** struct net_device and its private area (netdev_priv(): NETDEV_ALIGN past it); the model's block is big enough for both. */
const NET_DEVICE_SIZE = 4096;
const ENFILE = 23;
/** struct net_device's dev_addr pointer (Debian 6.1.0-50: arcnet_open() and arc-rimi read it at +0x330). */
const NETDEV_DEV_ADDR = 0x330n;
/** struct netdev_hw_addr (include/linux/netdevice.h): list_head, rb_node, addr[MAX_ADDR_LEN = 32], type, flags… */
const NETDEV_HW_ADDR_ADDR = 40n;
const NETDEV_HW_ADDR_SIZE = 96;

/** dev_valid_name(): non-empty, shorter than IFNAMSIZ, not "." or "..", no '/', ':' or whitespace. */
const validName = (n: string): boolean => n.length > 0 && n.length < IFNAMSIZ && n !== '.' && n !== '..' && !/[/:\s]/.test(n);

export function netDeviceFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const names = s.netdevNames;
  const alloc = (ctx: KernelCallContext, fn: string, priv: number, name: string | null): bigint => {
    const dev = ctx.kmalloc(NET_DEVICE_SIZE + priv, true, `net_device${name === null ? '' : ` '${name}'`}`);
    if (name !== null) ctx.mem.write(dev, asciiBytes(`${name}\0`));
    // dev_addr_init() (net/core/dev_addr_lists.c) adds a zeroed MAX_ADDR_LEN address to dev->dev_addrs and points
    // dev->dev_addr at that netdev_hw_addr's addr[] (after its list_head and rb_node).
    const ha = ctx.kmalloc(NETDEV_HW_ADDR_SIZE, true, `netdev_hw_addr (dev_addr of${name === null ? '' : ` '${name}'`})`);
    writeU64(ctx.mem, dev + NETDEV_DEV_ADDR, ha + NETDEV_HW_ADDR_ADDR);
    s.handles.set(dev, `net_device '${name ?? ''}'`);
    ctx.note(`${fn}${name === null ? '' : ` '${name}'`}: returns a new net_device ${hex(dev)} (the setup callback is not run)`);
    return dev;
  };
  /** __dev_alloc_name(): the lowest unit number the %d template leaves free, or -errno. */
  const allocName = (tpl: string): string | number => {
    const p = tpl.indexOf('%');
    if (p < 0) return names.has(tpl) ? -EEXIST : tpl;
    if (tpl[p + 1] !== 'd' || tpl.indexOf('%', p + 2) >= 0) return -EINVAL;
    const pre = tpl.slice(0, p);
    const post = tpl.slice(p + 2);
    const used = new Set<number>();
    for (const n of names.keys()) {
      if (!n.startsWith(pre) || !n.endsWith(post)) continue;
      const mid = n.slice(pre.length, n.length - post.length);
      if (/^\d+$/.test(mid) && String(Number(mid)) === mid) used.add(Number(mid));
    }
    // max_netdevices = 8 * PAGE_SIZE
    for (let i = 0; i < 8 * 4096; i++) {
      const n = `${pre}${i}${post}`.slice(0, IFNAMSIZ - 1);
      if (!used.has(i) && !names.has(n)) return n;
    }
    return -ENFILE;
  };
  const register =
    (fn: string): KernelFunction =>
    (ctx) => {
      const dev = ctx.arg(0);
      const tpl = tryCString(ctx, dev, IFNAMSIZ);
      if (tpl === null || !validName(tpl)) {
        ctx.note(`${fn}: invalid name, -EINVAL`);
        return ret(-EINVAL);
      }
      const name = allocName(tpl);
      if (typeof name === 'number') {
        ctx.note(`${fn} '${tpl}': no name, ${name}`);
        return ret(name);
      }
      ctx.mem.write(dev, asciiBytes(`${name}\0`));
      names.set(name, dev);
      s.registrations.push({ kind: 'net device', name, address: dev });
      ctx.note(`${fn}: net device '${name}' registered`);
      return 0n;
    };
  const forget = (dev: bigint): void => {
    for (const [n, d] of names) if (d === dev && d !== 0n) names.delete(n);
  };
  return {
    // bool dev_valid_name(const char *name) (net/core/dev.c)
    dev_valid_name: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0), 64);
      return name === null ? 'not-modelled' : validName(name) ? 1n : 0n;
    },
    // void dev_addr_mod(struct net_device *dev, unsigned int offset, const void *addr, size_t len): the bytes go into
    // dev->dev_addr (the netdev_hw_addr dev_addr_init() made; its place in dev_addr_list's rbtree is not modelled).
    dev_addr_mod: (ctx) => {
      const len = Number(ctx.arg(3) & 0xffn);
      const at = readU64(ctx.mem, ctx.arg(0) + NETDEV_DEV_ADDR);
      if (at === 0n || ctx.arg(1) + ctx.arg(3) > 32n) return 'not-modelled';
      ctx.mem.write(at + ctx.arg(1), ctx.mem.read(ctx.arg(2), len, 'read').slice());
      return 0n;
    },
    // int dev_alloc_name(struct net_device *dev, const char *name): __dev_alloc_name()'s unit (0 for a name with
    // no %d) and the name copied to dev->name, nothing reserved; a taken name without %d is -ENFILE there.
    dev_alloc_name: (ctx) => {
      const tpl = tryCString(ctx, ctx.arg(1), 64);
      if (tpl === null) return 'not-modelled';
      const name = allocName(tpl);
      const p = tpl.indexOf('%');
      let r = 0;
      if (typeof name === 'number') r = name === -EEXIST ? -ENFILE : name;
      else if (p >= 0) r = Number(name.slice(p, name.length - (tpl.length - p - 2)));
      if (typeof name === 'string') ctx.mem.write(ctx.arg(0), asciiBytes(`${name}\0`));
      ctx.note(`dev_alloc_name '${tpl}': ${typeof name === 'string' ? `'${name}'` : 'no name'}, returns ${r}`);
      return ret(r);
    },
    // struct net_device *alloc_netdev_mqs(int sizeof_priv, const char *name, unsigned char name_assign_type, setup, txqs, rxqs)
    alloc_netdev_mqs: (ctx) => alloc(ctx, 'alloc_netdev_mqs', Number(ctx.arg(0) & 0x7fffffffn), tryCString(ctx, ctx.arg(1), IFNAMSIZ)),
    // struct net_device *alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs):
    // alloc_netdev_mqs(sizeof_priv, "eth%d", NET_NAME_ENUM, ether_setup, txqs, rxqs).
    alloc_etherdev_mqs: (ctx) => alloc(ctx, 'alloc_etherdev_mqs', Number(ctx.arg(0) & 0x7fffffffn), 'eth%d'),
    register_netdev: register('register_netdev'),
    register_netdevice: register('register_netdevice'),
    unregister_netdev: (ctx) => {
      forget(ctx.arg(0));
      ctx.note(`unregister_netdev ${hex(ctx.arg(0))}: unregistered`);
      return 0n;
    },
    unregister_netdevice_queue: (ctx) => {
      forget(ctx.arg(0));
      return 0n;
    },
    free_netdev: (ctx) => {
      const dev = ctx.arg(0);
      forget(dev);
      if (s.handles.delete(dev)) ctx.kfree(dev);
      ctx.note(`free_netdev ${hex(dev)}: released`);
      return 0n;
    },
  };
}
