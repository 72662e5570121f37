/**
 * kernelFunctionModels(): every kernel export this folder models, by name, for the CPU's
 * resolveKernelCall. Besides printk/string/alloc (their own files) this holds the "register something,
 * record it, return 0" models that let most real init functions run to their end
 * (corpus-facts.md "Calls from init"), and a few with kernel rules worth modelling exactly:
 * character-device majors (fs/char_dev.c), misc minors (drivers/char/misc.c), kprobes.
 *
 * Not here on purpose: __x86_return_thunk and __x86_indirect_thunk_* (the CPU executes them).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EBUSY, EINVAL, ENOENT } from './errname';
import { allocFunctions } from './alloc';
import { bitmapFunctions } from './bitmap';
import { kstrtoxFunctions } from './kstrtox';
import { parserFunctions } from './parser';
import { rootfsOpenFunctions } from './rootfs-open';
import { consoleFunctions } from './console';
import { listDebugFunctions } from './list-debug';
import { machineFunctions } from './machine';
import { netFunctions } from './net';
import { pernetFunctions } from './pernet';
import { ipv6AddrFunctions } from './net-ipv6-addr';
import { inetFragFunctions } from './net-inet-frag';
import { userNsFunctions } from './user-ns';
import { timerRoundFunctions } from './timer-round';
import { nfLogFunctions } from './net-nf-log';
import { procOwnerFunctions } from './proc-owner';
import { skbFunctions } from './net-skb';
import { kreallocFunctions } from './krealloc';
import { cryptoShashFunctions } from './crypto-shash';
import { ttyFunctions } from './tty';
import { vtFunctions } from './vt';
import { jiffiesFunctions } from './jiffies';
import { waitqueueFunctions } from './waitqueue';
import { kthreadFunctions } from './kthread';
import { completionFunctions } from './completion';
import { skbQueueFunctions } from './skb-queue';
import { waitqueueEntryFunctions } from './waitqueue-entries';
import { bdiFunctions } from './bdi';
import { subsystemFunctions } from './subsystems';
import { vfsFunctions } from './vfs';
import { spinlockFunctions } from './spinlock';
import { hookFunctions } from './hooks';
import { rhashtableFunctions } from './rhashtable';
import { platformFunctions } from './platform';
import { ioremapFunctions } from './ioremap';
import { acpiBusFunctions } from './acpi-bus';
import { inputCapabilityFunctions } from './input-capability';
import { pmWakeupFunctions } from './pm-wakeup';
import { workqueueFunctions } from './workqueue';
import { firmwareLoaderFunctions } from './firmware-loader';
import { rtnlFunctions } from './rtnl';
import { rcuFreeFunctions } from './rcu';
import { devresFunctions } from './devres';
import { taskletFunctions } from './tasklet';
import { dmaMaskFunctions } from './dma-mask';
import { sscanfFunctions } from './sscanf';
import { hrtimerFunctions } from './hrtimer';
import { resourceFunctions } from './resource';
import { xarrayFunctions } from './xarray';
import { keyFunctions } from './keys';
import { fpuFunctions } from './fpu';
import { paravirtFunctions } from './paravirt';
import { percpuFunctions } from './percpu';
import { transportClassFunctions } from './transport-class';
import { idrFunctions } from './idr';
import { netDeviceFunctions } from './net-device';
import { busFunctions } from './buses';
import { deviceFileFunctions } from './device-files';
import { timekeepingFunctions } from './timekeeping';
import { nvmemFunctions } from './nvmem';
import { cryptoAlgapiFunctions } from './crypto-algapi';
import { chachaFunctions } from './chacha';
import { inetHashtableFunctions } from './inet-hashtables';
import { credFunctions } from './cred';
import { biosetFunctions } from './bioset';
import { blake2sFunctions } from './blake2s';
import { inetProtocolFunctions } from './inet-protocols';
import { fpuXstateFunctions } from './fpu-xstate';
import { mutexFunctions } from './mutex';
import { listLruFunctions } from './list-lru';
import { kobjectFunctions } from './kobject';
import { scatterlistFunctions } from './scatterlist';
import { cryptoTemplateLookupFunctions } from './crypto-template-lookup';
import { memoryFunctions } from './memory-fns';
import { sortFunctions } from './sort';
import { pageAllocFunctions } from './page-alloc';
import { tcpUlpFunctions } from './tcp-ulp';
import { padataFunctions } from './padata';
import { acpiNamespaceFunctions } from './acpi-namespace';
import { deviceCoreFunctions } from './device-core';
import { ledFunctions } from './leds';
import { ueventFunctions } from './uevent';
import { libRegistryFunctions } from './lib-registries';
import { onceFunctions } from './once';
import { zoneFunctions } from './zones';
import { readU64, ret, s32, tryCString, tryFieldString, u32, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import {
  makeDevErrProbe,
  makeDevPrintk,
  makeDevPrintkLevel,
  makeDynamicDebug,
  makePanic,
  makePrintk,
  makeStackChkFail,
  makeVprintk,
  makeWarnPrintk,
  printkText,
} from './printk';
import { KernelCallState } from './state';
import { field, fmt, freeHandle, HANDLE_SIZE, handleMaker, noted, quiet, quoted, registrar, str, unregistrar } from './registrars';
import { MINORBITS, MINORMASK, registerChrdevRegion, unregisterChrdevRegion } from './char-dev';

function chrdevFunctions(state: KernelCallState): Record<string, KernelFunction> {
  return {
    // int __register_chrdev(major, baseminor, count, name, fops): 0 for a fixed major, else the major.
    __register_chrdev: (ctx) => {
      const major = u32(ctx.arg(0));
      const name = tryCString(ctx, ctx.arg(3)) ?? '(null)';
      const r = registerChrdevRegion(ctx, state, major, u32(ctx.arg(1)), u32(ctx.arg(2)), name);
      if (r < 0) {
        ctx.note(`__register_chrdev '${name}': fails with ${r}`);
        return ret(r);
      }
      state.registrations.push({ kind: 'chrdev', name, address: ctx.arg(4) });
      ctx.note(
        `__register_chrdev: registered char device major ${r} '${name}' (minors ${u32(ctx.arg(1))}..${u32(ctx.arg(1)) + u32(ctx.arg(2)) - 1})`,
      );
      return ret(major ? 0 : r);
    },
    __unregister_chrdev: (ctx) => {
      const major = u32(ctx.arg(0));
      unregisterChrdevRegion(state, major, u32(ctx.arg(1)), u32(ctx.arg(2)));
      ctx.note(`__unregister_chrdev: released char major ${major}`);
      return 0n;
    },
    // int alloc_chrdev_region(dev_t *dev, unsigned baseminor, unsigned count, const char *name)
    alloc_chrdev_region: (ctx) => {
      const name = tryCString(ctx, ctx.arg(3)) ?? '(null)';
      const baseminor = u32(ctx.arg(1));
      const r = registerChrdevRegion(ctx, state, 0, baseminor, u32(ctx.arg(2)), name);
      if (r < 0) return ret(r);
      writeU32(ctx.mem, ctx.arg(0), ((r << MINORBITS) | baseminor) >>> 0);
      state.registrations.push({ kind: 'chrdev region', name, address: 0n });
      ctx.note(`alloc_chrdev_region: major ${r} for '${name}' (dev_t ${hexU64(BigInt(((r << MINORBITS) | baseminor) >>> 0))})`);
      return 0n;
    },
    // int register_chrdev_region(dev_t from, unsigned count, const char *name)
    register_chrdev_region: (ctx) => {
      const from = u32(ctx.arg(0));
      const name = tryCString(ctx, ctx.arg(2)) ?? '(null)';
      const major = from >>> MINORBITS;
      if (major === 0) return ret(-EINVAL);
      const r = registerChrdevRegion(ctx, state, major, from & MINORMASK, u32(ctx.arg(1)), name);
      ctx.note(`register_chrdev_region: major ${major} '${name}' ${r < 0 ? `fails with ${r}` : 'registered'}`);
      return r < 0 ? ret(r) : 0n;
    },
    unregister_chrdev_region: (ctx) => {
      const from = u32(ctx.arg(0));
      unregisterChrdevRegion(state, from >>> MINORBITS, from & MINORMASK, u32(ctx.arg(1)));
      ctx.note(`unregister_chrdev_region: released major ${from >>> MINORBITS}`);
      return 0n;
    },
    cdev_init: noted('cdev_init: struct cdev set up (fields not written by this model)'),
    cdev_alloc: handleMaker(state, 'cdev', 'cdev_alloc', null),
    cdev_add: (ctx) => {
      const dev = u32(ctx.arg(1));
      ctx.note(`cdev_add: char device ${dev >>> MINORBITS}:${dev & MINORMASK} (+${u32(ctx.arg(2))}) added`);
      return 0n;
    },
    cdev_del: noted('cdev_del: char device removed'),
  };
}

// ---- misc devices (drivers/char/misc.c, 6.1) --------------------------------------------------

const MISC_DYNAMIC_MINOR = 255;
const DYNAMIC_MINORS = 128;

/** struct miscdevice { int minor; const char *name; const struct file_operations *fops; … } */
function miscFunctions(state: KernelCallState): Record<string, KernelFunction> {
  return {
    misc_register: (ctx) => {
      const misc = ctx.arg(0);
      const name = tryFieldString(ctx, misc, 8) ?? '(null)';
      let minor = s32(readU64(ctx.mem, misc));
      if (minor === MISC_DYNAMIC_MINOR) {
        // find_first_zero_bit(misc_minors, DYNAMIC_MINORS); minor = DYNAMIC_MINORS - i - 1
        let i = 0;
        while (i < DYNAMIC_MINORS && state.miscMinors.has(DYNAMIC_MINORS - i - 1)) i++;
        if (i >= DYNAMIC_MINORS) {
          ctx.note(`misc_register '${name}': no dynamic minor left, -EBUSY`);
          return ret(-EBUSY);
        }
        minor = DYNAMIC_MINORS - i - 1;
        writeU32(ctx.mem, misc, minor);
      } else if (state.miscMinors.has(minor)) {
        ctx.note(`misc_register '${name}': minor ${minor} already in use, -EBUSY`);
        return ret(-EBUSY);
      }
      state.miscMinors.add(minor);
      state.registrations.push({ kind: 'misc device', name, address: misc });
      ctx.note(`misc_register: /dev/${name} is misc device 10:${minor}`);
      return 0n;
    },
    misc_deregister: (ctx) => {
      const misc = ctx.arg(0);
      try {
        state.miscMinors.delete(s32(readU64(ctx.mem, misc)));
      } catch {
        /* a bad pointer: the kernel would oops; the note is enough here */
      }
      ctx.note(`misc_deregister:${quoted(tryFieldString(ctx, misc, 8))} removed`);
      return 0n;
    },
  };
}

// ---- kprobes (include/linux/kprobes.h, 6.1) ---------------------------------------------------

/**
 * struct kprobe: hlist (16) list (16) nmissed (8) | addr @40 | symbol_name @48 | offset (u32) @56 |
 * pre_handler @64 | post_handler @72 … . register_kprobe() resolves symbol_name+offset through
 * kallsyms and stores the result in addr (the "kallsyms_lookup_name via kprobe" trick relies on it).
 */
function kprobeFunctions(state: KernelCallState): Record<string, KernelFunction> {
  const register =
    (what: string): KernelFunction =>
    (ctx) => {
      const kp = ctx.arg(0);
      const addr = readU64(ctx.mem, kp + 40n);
      const symPtr = readU64(ctx.mem, kp + 48n);
      const offset = BigInt(u32(readU64(ctx.mem, kp + 56n) & 0xffffffffn));
      const sym = tryCString(ctx, symPtr);
      if (addr !== 0n && symPtr !== 0n) {
        ctx.note(`${what}: both addr and symbol_name set, -EINVAL`);
        return ret(-EINVAL);
      }
      let target = addr;
      if (sym !== null) {
        const lookup = state.options.lookupSymbol;
        if (!lookup) {
          ctx.note(`${what} on '${sym}': kallsyms_lookup_name is not available to the model`);
          return 'not-modelled';
        }
        const a = lookup(sym);
        if (a === null) {
          ctx.note(`${what}: symbol '${sym}' not found, -ENOENT`);
          return ret(-ENOENT);
        }
        target = a + offset;
        // arch_adjust_kprobe_addr() (x86, CONFIG_X86_KERNEL_IBT): a probe on a function entry that starts
        // with ENDBR64 (f3 0f 1e fa) moves past it, so kp.addr ends up at symbol+4.
        if (offset === 0n || offset === 4n) {
          try {
            const b = ctx.mem.read(a, 4, 'read');
            if (b[0] === 0xf3 && b[1] === 0x0f && b[2] === 0x1e && b[3] === 0xfa) target = a + 4n;
          } catch {
            /* kernel text not mapped in this machine: keep symbol+offset */
          }
        }
        writeU64(ctx.mem, kp + 40n, target);
      } else if (addr === 0n) {
        ctx.note(`${what}: neither addr nor symbol_name, -EINVAL`);
        return ret(-EINVAL);
      }
      const refused = state.options.kprobeCheck?.(target) ?? null;
      if (refused !== null) {
        ctx.note(`${what}: ${refused}, -EINVAL`);
        return ret(-EINVAL);
      }
      state.registrations.push({ kind: 'kprobe', name: sym ?? hexU64(target), address: kp });
      ctx.note(`${what}: probe at ${hexU64(target)}${sym ? ` (${sym}+${offset})` : ''} registered; its handlers never run in this model`);
      return 0n;
    };
  return {
    register_kprobe: register('register_kprobe'),
    register_kretprobe: register('register_kretprobe'), // struct kretprobe starts with struct kprobe kp
    unregister_kprobe: noted('unregister_kprobe: probe removed'),
    // Not exported in 6.1: a module reaches it through a pointer (kp.addr of a kprobe on it).
    kallsyms_lookup_name: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0));
      const lookup = state.options.lookupSymbol;
      if (!lookup) return 'not-modelled';
      const a = name === null ? null : lookup(name);
      ctx.note(`kallsyms_lookup_name(${name === null ? 'NULL' : `'${name}'`}) = ${a === null ? '0 (not found)' : hexU64(a)}`);
      return a ?? 0n;
    },
    unregister_kretprobe: noted('unregister_kretprobe: probe removed'),
  };
}

// ---- block devices (block/genhd.c, 6.1) ------------------------------------------------------

function blkdevFunctions(state: KernelCallState): Record<string, KernelFunction> {
  const majors = new Map<number, string>();
  return {
    // int __register_blkdev(unsigned int major, const char *name, void (*probe)(dev_t))
    __register_blkdev: (ctx) => {
      let major = u32(ctx.arg(0));
      const name = tryCString(ctx, ctx.arg(1)) ?? '(null)';
      const dynamic = major === 0;
      if (dynamic) {
        // "for (index = ARRAY_SIZE(major_names)-1; index > 0; index--)": 254 downwards.
        let i = 254;
        while (i > 0 && [...majors.keys()].some((m) => m % 255 === i)) i--;
        if (i === 0) {
          printkText(ctx, state, 3, `${'register_blkdev'}: failed to get major for ${name}\n`);
          return ret(-EBUSY);
        }
        major = i;
      } else if (major >= 512) {
        printkText(ctx, state, 3, `register_blkdev: major requested (${major}) is greater than the maximum (511) for ${name}\n`);
        return ret(-EINVAL);
      } else if (majors.has(major)) {
        printkText(ctx, state, 3, `register_blkdev: cannot get major ${major} for ${name}\n`);
        return ret(-EBUSY);
      }
      majors.set(major, name);
      state.registrations.push({ kind: 'blkdev', name, address: 0n });
      ctx.note(`register_blkdev: block major ${major} '${name}'`);
      return ret(dynamic ? major : 0);
    },
    unregister_blkdev: (ctx) => {
      majors.delete(u32(ctx.arg(0)));
      ctx.note(`unregister_blkdev: released block major ${u32(ctx.arg(0))}`);
      return 0n;
    },
  };
}

// ---- filesystems (fs/filesystems.c) ---------------------------------------------------------

function filesystemFunctions(state: KernelCallState): Record<string, KernelFunction> {
  return {
    // struct file_system_type { const char *name; … }; a second registration of a name is -EBUSY.
    register_filesystem: (ctx) => {
      const name = tryFieldString(ctx, ctx.arg(0), 0) ?? '(null)';
      if (state.filesystems.has(name)) {
        ctx.note(`register_filesystem '${name}': already registered, -EBUSY`);
        return ret(-EBUSY);
      }
      state.filesystems.add(name);
      state.registrations.push({ kind: 'filesystem', name, address: ctx.arg(0) });
      ctx.note(`register_filesystem: filesystem '${name}' registered`);
      return 0n;
    },
    unregister_filesystem: (ctx) => {
      const name = tryFieldString(ctx, ctx.arg(0), 0) ?? '(null)';
      const had = state.filesystems.delete(name);
      ctx.note(`unregister_filesystem: '${name}' ${had ? 'removed' : 'was not registered (-EINVAL)'}`);
      return had ? 0n : ret(-EINVAL);
    },
  };
}

/** Deterministic bytes for get_random_bytes (xorshift; the real kernel uses the CRNG). */
function randomFunctions(): Record<string, KernelFunction> {
  let s = 0x2545f4914f6cdd1dn;
  const next = (): bigint => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return s;
  };
  const uuid = (ctx: KernelCallContext): bigint => {
    const b = Uint8Array.from({ length: 16 }, () => Number(next() & 0xffn));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    ctx.mem.write(ctx.arg(0), b);
    return 0n;
  };
  return {
    get_random_bytes: (ctx) => {
      const n = u32(ctx.arg(1));
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Number(next() & 0xffn);
      if (n) ctx.mem.write(ctx.arg(0), b);
      ctx.note(`get_random_bytes: ${n} deterministic bytes`);
      return 0n;
    },
    get_random_u32: () => next() & 0xffffffffn,
    get_random_u64: () => next(),
    // void uuid_gen(uuid_t *bu) / generate_random_uuid(unsigned char uuid[16]) (lib/uuid.c): 16 random bytes, then
    // the version (4: b[6] = (b[6] & 0x0f) | 0x40) and the DCE variant (b[8] = (b[8] & 0x3f) | 0x80).
    uuid_gen: (ctx) => uuid(ctx),
    generate_random_uuid: (ctx) => uuid(ctx),
  };
}

/** Every modelled export. One state per machine: pass the same state for a whole boot. */
export function kernelFunctionModels(state: KernelCallState = new KernelCallState()): Map<string, KernelFunction> {
  const s = state;
  const m: Record<string, KernelFunction> = {
    // A null prototype makes V8 build the literal as a dictionary from the start: otherwise each of the ~800
    // properties the spreads below add costs a new hidden class and a copy of its descriptors (~40 ms of each start).
    // Not an own property: Object.entries() does not list it (the type is for the literal's index signature only).
    __proto__: null as unknown as KernelFunction,
    __fentry__: quiet(0n),

    // printk family (printk.ts)
    _printk: makePrintk(s),
    printk: makePrintk(s),
    _printk_deferred: makePrintk(s),
    vprintk: makeVprintk(s),
    _dev_emerg: makeDevPrintk(s, 0),
    _dev_alert: makeDevPrintk(s, 1),
    _dev_crit: makeDevPrintk(s, 2),
    _dev_err: makeDevPrintk(s, 3),
    _dev_warn: makeDevPrintk(s, 4),
    _dev_notice: makeDevPrintk(s, 5),
    _dev_info: makeDevPrintk(s, 6),
    _dev_printk: makeDevPrintkLevel(s),
    dev_err_probe: makeDevErrProbe(s),
    __dynamic_pr_debug: makeDynamicDebug('__dynamic_pr_debug'),
    __dynamic_dev_dbg: makeDynamicDebug('__dynamic_dev_dbg'),
    __dynamic_netdev_dbg: makeDynamicDebug('__dynamic_netdev_dbg'),
    __dynamic_ibdev_dbg: makeDynamicDebug('__dynamic_ibdev_dbg'),
    // printk_ratelimit() is __printk_ratelimit(__func__); pr_*_ratelimited use ___ratelimit(rs, func).
    __printk_ratelimit: noted('__printk_ratelimit: allowed (within the burst of 10 per 5 s)', 1n),
    ___ratelimit: noted('___ratelimit: allowed', 1n),
    __warn_printk: makeWarnPrintk(s),
    panic: makePanic(s),
    __stack_chk_fail: makeStackChkFail(s),
    dump_stack: noted('dump_stack: the stack dump is not modelled'),
    dump_stack_lvl: noted('dump_stack_lvl: the stack dump is not modelled'),

    // modules (kernel/module/main.c)
    // include/linux/module.h / kernel/module/main.c: a NULL module (built-in code) always succeeds.
    try_module_get: (ctx) => (ctx.arg(0) === 0n ? 1n : ctx.moduleRef(ctx.arg(0), 'get') === false ? 0n : 1n),
    module_put: (ctx) => {
      if (ctx.arg(0) !== 0n) ctx.moduleRef(ctx.arg(0), 'put');
      return 0n;
    },
    __module_get: (ctx) => {
      if (ctx.arg(0) !== 0n) ctx.moduleRef(ctx.arg(0), 'get-always');
      return 0n;
    },
    // int __request_module(bool wait, const char *fmt, ...)
    __request_module: (ctx) => {
      const name = fmt(1, s)(ctx);
      ctx.note(`request_module${quoted(name)}: modprobe is not run by the model; returns 0`);
      return 0n;
    },

    // driver registrations: name offsets are 6.1 x86-64 struct layouts
    pci_unregister_driver: unregistrar('pci_unregister_driver', field(0, 16)),
    usb_register_driver: registrar(s, 'usb driver', 'usb_register_driver', field(0, 0), 0),
    usb_deregister: unregistrar('usb_deregister', field(0, 0)),
    i2c_register_driver: registrar(s, 'i2c driver', 'i2c_register_driver', field(1, 56), 1), // .driver (struct device_driver) at 56
    i2c_del_driver: unregistrar('i2c_del_driver', field(0, 56)),
    // __platform_driver_register / platform_driver_unregister and the platform devices: platform.ts.
    __hid_register_driver: registrar(s, 'hid driver', '__hid_register_driver', field(0, 0), 0),
    hid_unregister_driver: unregistrar('hid_unregister_driver', field(0, 0)),
    __spi_register_driver: registrar(s, 'spi driver', '__spi_register_driver', field(1, 32), 1), // .driver after id_table+3 callbacks
    driver_register: registrar(s, 'driver', 'driver_register', field(0, 0), 0),
    driver_unregister: unregistrar('driver_unregister', field(0, 0)),
    bus_register: registrar(s, 'bus', 'bus_register', field(0, 0), 0),
    bus_unregister: unregistrar('bus_unregister', field(0, 0)),
    class_register: registrar(s, 'class', 'class_register', field(0, 0), 0),
    class_unregister: unregistrar('class_unregister', field(0, 0)),
    serio_register_driver: registrar(s, 'serio driver', '__serio_register_driver', null, 0),
    __serio_register_driver: registrar(s, 'serio driver', '__serio_register_driver', null, 0),
    input_register_handler: registrar(s, 'input handler', 'input_register_handler', null, 0),
    input_unregister_handler: unregistrar('input_unregister_handler', null),
    rc_map_register: registrar(s, 'rc map', 'rc_map_register', field(0, 40), 0), // rc_map_list: list_head, then rc_map.name at 16+24
    rc_map_unregister: unregistrar('rc_map_unregister', field(0, 40)),

    // notifiers and networking
    register_netdevice_notifier: registrar(s, 'netdevice notifier', 'register_netdevice_notifier', null, 0),
    unregister_netdevice_notifier: unregistrar('unregister_netdevice_notifier', null),
    // register_pernet_subsys/device and their unregister: pernet.ts (ids, init_net.gen, ops->init(&init_net)).
    register_reboot_notifier: registrar(s, 'reboot notifier', 'register_reboot_notifier', null, 0),
    unregister_reboot_notifier: unregistrar('unregister_reboot_notifier', null),
    register_die_notifier: registrar(s, 'die notifier', 'register_die_notifier', null, 0),
    unregister_die_notifier: unregistrar('unregister_die_notifier', null),
    register_module_notifier: registrar(s, 'module notifier', 'register_module_notifier', null, 0),
    unregister_module_notifier: unregistrar('unregister_module_notifier', null),
    register_keyboard_notifier: registrar(s, 'keyboard notifier', 'register_keyboard_notifier', null, 0),
    unregister_keyboard_notifier: unregistrar('unregister_keyboard_notifier', null),
    // drivers/tty/vt/vt.c: atomic_notifier_chain_register(&vt_notifier_list, nb), always 0.
    register_vt_notifier: registrar(s, 'vt notifier', 'register_vt_notifier', null, 0),
    unregister_vt_notifier: unregistrar('unregister_vt_notifier', null),
    register_inetaddr_notifier: registrar(s, 'inetaddr notifier', 'register_inetaddr_notifier', null, 0),
    unregister_inetaddr_notifier: unregistrar('unregister_inetaddr_notifier', null),
    atomic_notifier_chain_register: registrar(s, 'notifier', 'atomic_notifier_chain_register', null, 1),
    atomic_notifier_chain_unregister: unregistrar('atomic_notifier_chain_unregister', null),
    blocking_notifier_chain_register: registrar(s, 'notifier', 'blocking_notifier_chain_register', null, 1),
    blocking_notifier_chain_unregister: unregistrar('blocking_notifier_chain_unregister', null),
    nf_register_net_hook: registrar(s, 'netfilter hook', 'nf_register_net_hook', null, 1),
    nf_unregister_net_hook: unregistrar('nf_unregister_net_hook', null),
    nf_register_net_hooks: registrar(s, 'netfilter hooks', 'nf_register_net_hooks', null, 1),
    nf_unregister_net_hooks: unregistrar('nf_unregister_net_hooks', null),
    proto_register: registrar(s, 'protocol', 'proto_register', null, 0),
    proto_unregister: unregistrar('proto_unregister', null),
    crypto_register_alg: registrar(s, 'crypto alg', 'crypto_register_alg', null, 0),
    crypto_unregister_alg: unregistrar('crypto_unregister_alg', null),
    crypto_register_skcipher: registrar(s, 'crypto skcipher', 'crypto_register_skcipher', null, 0),
    crypto_unregister_skcipher: unregistrar('crypto_unregister_skcipher', null),

    // objects handed back as pointers
    // alloc_workqueue(fmt, flags, max_active, ...)
    alloc_workqueue: handleMaker(s, 'workqueue', 'alloc_workqueue', fmt(0, s, 3), '; its queued work runs after init returns (workqueue.ts)'),
    destroy_workqueue: freeHandle(s, 'destroy_workqueue'),
    __class_create: handleMaker(s, 'class', '__class_create', str(1)),
    class_destroy: freeHandle(s, 'class_destroy'),
    // device_create(class, parent, devt, drvdata, fmt, ...)
    device_create: handleMaker(s, 'device', 'device_create', fmt(4, s)),
    device_destroy: noted('device_destroy: device removed'),
    proc_create: handleMaker(s, 'proc_dir_entry', 'proc_create', str(0)),
    proc_create_data: handleMaker(s, 'proc_dir_entry', 'proc_create_data', str(0)),
    proc_create_single_data: handleMaker(s, 'proc_dir_entry', 'proc_create_single_data', str(0)),
    proc_create_seq_private: handleMaker(s, 'proc_dir_entry', 'proc_create_seq_private', str(0)),
    // fs/proc/proc_net.c: the same entries under /proc/net (per network namespace), name first.
    proc_create_net_data: handleMaker(s, 'proc_dir_entry', 'proc_create_net_data', str(0)),
    proc_create_net_single: handleMaker(s, 'proc_dir_entry', 'proc_create_net_single', str(0)),
    proc_create_net_data_write: handleMaker(s, 'proc_dir_entry', 'proc_create_net_data_write', str(0)),
    proc_create_net_single_write: handleMaker(s, 'proc_dir_entry', 'proc_create_net_single_write', str(0)),
    proc_mkdir: handleMaker(s, 'proc_dir_entry', 'proc_mkdir', str(0)),
    proc_mkdir_mode: handleMaker(s, 'proc_dir_entry', 'proc_mkdir_mode', str(0)),
    // proc_symlink(name, parent, dest): a new proc_dir_entry for the link
    proc_symlink: handleMaker(s, 'proc_dir_entry', 'proc_symlink', str(0)),
    remove_proc_entry: (ctx) => {
      ctx.note(`remove_proc_entry${quoted(str(0)(ctx))}: removed`);
      return 0n;
    },
    remove_proc_subtree: (ctx) => {
      ctx.note(`remove_proc_subtree${quoted(str(0)(ctx))}: removed`);
      return 0n;
    },
    proc_remove: freeHandle(s, 'proc_remove'),
    debugfs_create_dir: handleMaker(s, 'dentry', 'debugfs_create_dir', str(0)),
    debugfs_create_file: handleMaker(s, 'dentry', 'debugfs_create_file', str(0)),
    debugfs_remove: freeHandle(s, 'debugfs_remove'),
    kobject_create_and_add: handleMaker(s, 'kobject', 'kobject_create_and_add', str(0)),
    kobject_put: freeHandle(s, 'kobject_put'),
    sysfs_create_group: registrar(s, 'sysfs group', 'sysfs_create_group', null, 1),
    sysfs_remove_group: unregistrar('sysfs_remove_group', null),
    sysfs_create_file_ns: registrar(s, 'sysfs file', 'sysfs_create_file_ns', null, 1),
    sysfs_remove_file_ns: unregistrar('sysfs_remove_file_ns', null),
    register_sysctl: handleMaker(s, 'ctl_table_header', 'register_sysctl', str(0)),
    register_sysctl_table: handleMaker(s, 'ctl_table_header', 'register_sysctl_table', null),
    unregister_sysctl_table: freeHandle(s, 'unregister_sysctl_table'),
    // kthread_create_on_node, wake_up_process, set_user_nice, kthread_stop, schedule: kthread.ts.
    // void kthread_bind(struct task_struct *p, unsigned int cpu) (kernel/kthread.c): the new, not yet woken thread's CPU.
    kthread_bind: noted('kthread_bind: the new thread will run on its CPU only (the machine has CPU 0 only)'),
    // struct kthread_worker *kthread_create_worker(unsigned int flags, const char namefmt[], ...) (kernel/kthread.c):
    // kzalloc(struct kthread_worker: flags 0, lock 4, work_list 8, delayed_work_list 24, task 40, 56 bytes),
    // kthread_init_worker() (empty lists), __kthread_create_on_node(kthread_worker_fn), worker->flags/task, wake_up_process().
    kthread_create_worker: (ctx) => {
      const name = fmt(1, s, 2)(ctx);
      const w = ctx.kmalloc(56, true, `kthread_worker${quoted(name)}`);
      for (const head of [8n, 24n]) {
        writeU64(ctx.mem, w + head, w + head);
        writeU64(ctx.mem, w + head + 8n, w + head);
      }
      const task = ctx.kmalloc(HANDLE_SIZE, true, `task_struct${quoted(name)}`);
      s.handles.set(task, `task_struct${quoted(name)}`);
      writeU32(ctx.mem, w, u32(ctx.arg(0)));
      writeU64(ctx.mem, w + 40n, task);
      s.kthreadWorkers.add(w);
      ctx.note(`kthread_create_worker${quoted(name)}: worker ${hexU64(w)}, task ${hexU64(task)}; the worker thread never runs in this model`);
      return w;
    },
    // void kthread_destroy_worker(struct kthread_worker *worker): kthread_flush_worker(), kthread_stop(task), kfree(worker).
    kthread_destroy_worker: (ctx) => {
      const w = ctx.arg(0);
      if (!s.kthreadWorkers.delete(w)) return 'not-modelled';
      const task = readU64(ctx.mem, w + 40n);
      s.handles.delete(task);
      ctx.kfree(task);
      ctx.kfree(w);
      ctx.note('kthread_destroy_worker: no work was queued in this model; thread stopped, worker freed');
      return 0n;
    },
    // void sched_set_fifo(struct task_struct *p) (kernel/sched/core.c): SCHED_FIFO at MAX_RT_PRIO / 2; the model does not schedule.
    sched_set_fifo: (ctx) =>
      s.handles.has(ctx.arg(0)) ? (ctx.note('sched_set_fifo: the task is SCHED_FIFO priority 50 (not scheduled in this model)'), 0n) : 'not-modelled',
    // int register_netevent_notifier(struct notifier_block *nb) (net/core/netevent.c): atomic_notifier_chain_register() on
    // netevent_notif_chain, which returns 0; events (neighbour updates, redirects) come later, never in this model.
    register_netevent_notifier: registrar(s, 'netevent notifier', 'register_netevent_notifier', null, 0),
    unregister_netevent_notifier: unregistrar('unregister_netevent_notifier', null),
    // int register_switchdev_notifier(struct notifier_block *nb) (net/switchdev/switchdev.c): atomic_notifier_chain_register()
    // on switchdev_notif_chain, 0; events come from switchdev drivers (none on QEMU's PC).
    // void brioctl_set(int (*hook)(struct net *, struct net_bridge *, unsigned int, struct ifreq *, void __user *))
    // (net/socket.c): br_ioctl_hook = hook under br_ioctl_mutex; the hook runs on a bridge ioctl, never during init.
    brioctl_set: noted('brioctl_set: br_ioctl_hook set (called on SIOCBRADDBR… ioctls, none in this model)'),
    register_switchdev_notifier: registrar(s, 'switchdev notifier', 'register_switchdev_notifier', null, 0),
    unregister_switchdev_notifier: unregistrar('unregister_switchdev_notifier', null),
    // register_switchdev_blocking_notifier: blocking_notifier_chain_register() on switchdev_blocking_notif_chain, 0.
    register_switchdev_blocking_notifier: registrar(s, 'switchdev blocking notifier', 'register_switchdev_blocking_notifier', null, 0),
    unregister_switchdev_blocking_notifier: unregistrar('unregister_switchdev_blocking_notifier', null),
    // void ethtool_set_ethtool_phy_ops(const struct ethtool_phy_ops *ops) (net/ethtool/common.c): under rtnl_lock, ethtool_phy_ops = ops.
    ethtool_set_ethtool_phy_ops: (ctx) => {
      s.ethtoolPhyOps = ctx.arg(0);
      ctx.note(`ethtool_set_ethtool_phy_ops: ethtool_phy_ops = ${hexU64(ctx.arg(0))}`);
      return 0n;
    },
    // int cn_add_callback(const struct cb_id *id, const char *name, callback) (drivers/connector/connector.c, cn_queue.c):
    // the connector is built in (CONFIG_CONNECTOR=y, initialised at boot); an id already on queue_list is -EINVAL.
    // At boot cn_proc registered {CN_IDX_PROC, CN_VAL_PROC} = {1, 1} (CONFIG_PROC_EVENTS=y).
    cn_add_callback: (ctx) => {
      const id = readU64(ctx.mem, ctx.arg(0));
      const name = str(1)(ctx);
      const key = `${id & 0xffffffffn}:${id >> 32n}`;
      if (key === '1:1' || s.connectorCallbacks.has(key)) {
        ctx.note(`cn_add_callback${quoted(name)}: id {${key}} is already registered: -EINVAL`);
        return ret(-EINVAL);
      }
      s.connectorCallbacks.set(key, name ?? '');
      ctx.note(`cn_add_callback${quoted(name)}: callback for id {${key}} added, returns 0`);
      return 0n;
    },
    // void cn_del_callback(const struct cb_id *id)
    cn_del_callback: (ctx) => {
      const id = readU64(ctx.mem, ctx.arg(0));
      s.connectorCallbacks.delete(`${id & 0xffffffffn}:${id >> 32n}`);
      return 0n;
    },

    // CPU hotplug states (kernel/cpu.c). __cpuhp_setup_state(state, name, invoke, startup, teardown,
    // multi_instance): the kernel returns 0 for a fixed state and the allocated state number for
    // CPUHP_*_DYN requests; the model does not know the 6.1 enum values, so it returns 0 (success)
    // for both. With one CPU, invoke would run startup(0) now: the model does not call back into
    // module code, and says so.
    __cpuhp_setup_state: (ctx) => {
      const name = str(1)(ctx);
      s.registrations.push({ kind: 'cpuhp state', name, address: ctx.arg(3) });
      ctx.note(
        `__cpuhp_setup_state${quoted(name)}: state ${u32(ctx.arg(0))} recorded, returns ` +
          `0${ctx.arg(2) & 1n && ctx.arg(3) ? '; its startup callback for CPU 0 is not run in this model' : ''}`,
      );
      return 0n;
    },
    __cpuhp_setup_state_cpuslocked: (ctx) => {
      const name = str(1)(ctx);
      s.registrations.push({ kind: 'cpuhp state', name, address: ctx.arg(3) });
      ctx.note(`__cpuhp_setup_state_cpuslocked${quoted(name)}: state ${u32(ctx.arg(0))} recorded, returns 0`);
      return 0n;
    },
    __cpuhp_remove_state: noted('__cpuhp_remove_state: state removed'),
    __cpuhp_remove_state_cpuslocked: noted('__cpuhp_remove_state_cpuslocked: state removed'),
    __cpuhp_state_add_instance: noted('__cpuhp_state_add_instance: instance recorded (its callback is not run in this model)'),
    __cpuhp_state_remove_instance: noted('__cpuhp_state_remove_instance: instance removed'),

    // more registrations the corpus inits make (modscope init-all's most frequent not-modelled calls)
    driver_create_file: registrar(s, 'driver attribute', 'driver_create_file', field(1, 0), 1), // struct driver_attribute { struct attribute { name } }
    driver_remove_file: unregistrar('driver_remove_file', field(1, 0)),
    // bus_for_each_drv()/bus_for_each_dev()/driver_attach(): the modelled machine has no devices and no
    // other drivers on the bus, so the callback is never called and the walk returns 0.
    bus_for_each_drv: noted('bus_for_each_drv: no other drivers on the bus in this model, returns 0'),
    bus_for_each_dev: noted('bus_for_each_dev: no devices on the bus in this model, returns 0'),
    driver_attach: noted('driver_attach: no device to bind in this model, returns 0'),
    __register_nls: registrar(s, 'nls table', '__register_nls', field(0, 0), 0), // struct nls_table { const char *charset; … }
    unregister_nls: unregistrar('unregister_nls', field(0, 0)),
    __class_register: registrar(s, 'class', '__class_register', field(0, 0), 0),
    attribute_container_register: registrar(s, 'attribute container', 'attribute_container_register', null, 0),
    attribute_container_unregister: unregistrar('attribute_container_unregister', null),
    rtnl_link_register: registrar(s, 'rtnl link ops', 'rtnl_link_register', field(0, 16), 0), // rtnl_link_ops: list_head, then kind
    // __rtnl_link_register(): the same without taking rtnl_lock (the caller holds it: dummy, ifb).
    __rtnl_link_register: registrar(s, 'rtnl link ops', '__rtnl_link_register', field(0, 16), 0),
    rtnl_link_unregister: unregistrar('rtnl_link_unregister', field(0, 16)),
    register_qdisc: registrar(s, 'qdisc', 'register_qdisc', null, 0),
    unregister_qdisc: unregistrar('unregister_qdisc', null),
    tcf_register_action: registrar(s, 'tc action', 'tcf_register_action', null, 0),
    tcp_register_congestion_control: registrar(s, 'tcp congestion control', 'tcp_register_congestion_control', null, 0),
    tcp_unregister_congestion_control: unregistrar('tcp_unregister_congestion_control', null),
    tty_register_ldisc: registrar(s, 'tty line discipline', 'tty_register_ldisc', null, 0),
    tty_unregister_ldisc: unregistrar('tty_unregister_ldisc', null),
    dev_add_pack: noted('dev_add_pack: packet handler added'),
    dev_remove_pack: noted('dev_remove_pack: packet handler removed'),
    register_net_sysctl: handleMaker(s, 'ctl_table_header', 'register_net_sysctl', str(1)),
    down_write: quiet(0n),
    up_write: quiet(0n),
    down_read: quiet(0n),
    up_read: quiet(0n),
    __init_rwsem: quiet(0n),
    _raw_write_lock: quiet(0n),
    _raw_write_unlock: quiet(0n),
    _raw_read_lock: quiet(0n),
    _raw_read_unlock: quiet(0n),
    device_register: registrar(s, 'device', 'device_register', null, 0),
    device_unregister: unregistrar('device_unregister', null),
    // dev_set_name, device_add, get_device, kobject_get_path, input_allocate_device, input_register_device: device-core.ts.
    pnp_register_driver: registrar(s, 'pnp driver', 'pnp_register_driver', field(0, 0), 0), // struct pnp_driver { const char *name; … }
    pnp_unregister_driver: unregistrar('pnp_unregister_driver', field(0, 0)),
    __auxiliary_driver_register: registrar(s, 'auxiliary driver', '__auxiliary_driver_register', str(2), 0), // (auxdrv, owner, modname)
    auxiliary_driver_unregister: unregistrar('auxiliary_driver_unregister', null),
    kset_create_and_add: handleMaker(s, 'kset', 'kset_create_and_add', str(0)),
    // kset_register, kset_unregister: kobject.ts.
    register_tcf_proto_ops: registrar(s, 'tc classifier', 'register_tcf_proto_ops', null, 0),
    unregister_tcf_proto_ops: unregistrar('unregister_tcf_proto_ops', null),
    tcf_em_register: registrar(s, 'tc ematch', 'tcf_em_register', null, 0),
    tcf_em_unregister: unregistrar('tcf_em_unregister', null),
    xfrm_register_type: registrar(s, 'xfrm type', 'xfrm_register_type', null, 0),
    xfrm_unregister_type: unregistrar('xfrm_unregister_type', null),
    // static_call(might_resched)() with PREEMPT_DYNAMIC: nothing to reschedule on one modelled task
    __SCT__might_resched: quiet(0n),
    __SCT__cond_resched: quiet(0n),

    // hardware discovery (PCI, ACPI, the CPU: machine.ts answers as QEMU's PC does)
    dmi_check_system: noted('dmi_check_system: no DMI table match, returns 0'),
    dmi_first_match: noted('dmi_first_match: no DMI table match, returns NULL'),
    // struct acpi_driver { char name[80]; … }: the name is inline, not a pointer
    // acpi_bus_register_driver, acpi_bus_unregister_driver: acpi-bus.ts (button.ko binds QEMU's LNXPWRBN:00).
    usb_serial_register_drivers: registrar(s, 'usb-serial drivers', 'usb_serial_register_drivers', str(1), 0),
    usb_serial_deregister_drivers: unregistrar('usb_serial_deregister_drivers', null),
    genl_register_family: registrar(s, 'genetlink family', 'genl_register_family', null, 0),
    genl_unregister_family: unregistrar('genl_unregister_family', null),
    input_unregister_device: unregistrar('input_unregister_device', null),
    input_free_device: freeHandle(s, 'input_free_device'),
    // alloc_netdev_mqs, alloc_etherdev_mqs, register_netdev(ice), unregister_netdev, free_netdev: net-device.ts.

    // timers, sleeping, locks: no observable effect in a single-threaded init
    init_timer_key: quiet(0n),
    add_timer: noted('add_timer: timer armed (its callback never fires in this model)'),
    mod_timer: noted('mod_timer: timer armed (its callback never fires in this model)'),
    del_timer: quiet(0n),
    del_timer_sync: quiet(0n),
    msleep: quiet(0n),
    usleep_range_state: quiet(0n),
    __const_udelay: quiet(0n),
    __udelay: quiet(0n),
    // __init_waitqueue_head, __wake_up: waitqueue.ts.
    ...waitqueueFunctions(),
    // __mutex_init, mutex_lock, mutex_unlock, mutex_is_locked: mutex.ts.
    // _raw_spin_lock and its _bh, _irq, _irqsave variants, the unlocks: spinlock.ts.
    ...spinlockFunctions(),
    // rwlocks taken with interrupts saved (kernel/locking/spinlock.c): the saved RFLAGS, as _raw_spin_lock_irqsave
    _raw_write_lock_irqsave: quiet(0x246n),
    _raw_write_unlock_irqrestore: quiet(0n),
    _raw_read_lock_irqsave: quiet(0x246n),
    _raw_read_unlock_irqrestore: quiet(0n),
    capable: quiet(1n), // insmod runs as root with every capability
    ...randomFunctions(),
    ...bitmapFunctions(),
    ...kstrtoxFunctions(),
    ...parserFunctions(),
    ...rootfsOpenFunctions(),
    ...consoleFunctions(s),
    ...listDebugFunctions(s),

    ...chrdevFunctions(s),
    ...miscFunctions(s),
    ...kprobeFunctions(s),
    ...blkdevFunctions(s),
    ...filesystemFunctions(s),
    ...memoryFunctions(s),
    ...allocFunctions(s),
    ...machineFunctions(s),
    ...subsystemFunctions(s),
    ...vfsFunctions(s),
    ...hookFunctions(s),
    ...libRegistryFunctions(s),
    ...onceFunctions(),
    ...zoneFunctions(),
    ...rhashtableFunctions(s),
    ...netFunctions(s),
    ...cryptoShashFunctions(s),
    ...ttyFunctions(s),
    ...vtFunctions(),
    ...jiffiesFunctions(),
    ...bdiFunctions(s),
    // Platform devices and drivers: a matching pair binds and probes (platform.ts).
    ...platformFunctions(s),
    ...ioremapFunctions(),
    ...acpiBusFunctions(s),
    ...inputCapabilityFunctions(),
    ...pmWakeupFunctions(),
    ...workqueueFunctions(s),
    ...firmwareLoaderFunctions(s),
    ...rtnlFunctions(s),
    ...rcuFreeFunctions(),
    ...devresFunctions(s),
    ...taskletFunctions(),
    ...dmaMaskFunctions(),
    ...sscanfFunctions(),
    ...hrtimerFunctions(s),
    ...resourceFunctions(s),
    ...xarrayFunctions(s),
    ...keyFunctions(s),
    ...fpuFunctions(),
    // The native functions in pv_ops (recorded), reached through inlined paravirt calls.
    ...paravirtFunctions(),
    ...percpuFunctions(s),
    ...transportClassFunctions(s),
    ...idrFunctions(s),
    ...netDeviceFunctions(s),
    ...busFunctions(s),
    ...deviceFileFunctions(s),
    ...timekeepingFunctions(s),
    ...nvmemFunctions(s),
    ...cryptoAlgapiFunctions(),
    ...chachaFunctions(),
    ...inetHashtableFunctions(),
    ...credFunctions(s),
    ...biosetFunctions(s),
    ...blake2sFunctions(),
    ...inetProtocolFunctions(s),
    ...fpuXstateFunctions(),
    ...mutexFunctions(s),
    ...listLruFunctions(),
    ...kobjectFunctions(s),
    ...scatterlistFunctions(s),
    ...cryptoTemplateLookupFunctions(s),
    ...sortFunctions(),
    ...pageAllocFunctions(),
    ...tcpUlpFunctions(s),
    ...padataFunctions(s),
    ...acpiNamespaceFunctions(),
    ...deviceCoreFunctions(s),
    ...ledFunctions(s),
    ...ueventFunctions(s),
    ...kthreadFunctions(s),
    ...completionFunctions(s),
    ...skbQueueFunctions(),
    ...waitqueueEntryFunctions(s),
    ...pernetFunctions(s),
    ...ipv6AddrFunctions(),
    ...inetFragFunctions(s),
    ...userNsFunctions(s),
    ...timerRoundFunctions(s),
    ...nfLogFunctions(s),
    ...procOwnerFunctions(),
    ...skbFunctions(),
    ...kreallocFunctions(),
  };
  return new Map(Object.entries(m));
}
