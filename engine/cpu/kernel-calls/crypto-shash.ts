/**
 * Synchronous hashes (crypto/shash.c, crypto/api.c, crypto/algapi.c of 6.1): the shash algorithms on
 * crypto_alg_list — the built-in ones of the modelled machine's /proc/crypto plus those modules
 * register — and crypto_alloc_shash()'s lookup, which takes a reference on the algorithm's module
 * (crypto_mod_get() → try_module_get(alg->cra_module)): libcrc32c's crypto_alloc_shash("crc32c")
 * is what makes crc32c_generic "used by" 1 in /proc/modules.
 * Struct offsets are the Debian 6.1.0-50 vmlinux's (BTF): struct shash_alg (480 bytes) ends with
 * struct crypto_alg base at 96; struct crypto_shash { unsigned int descsize; struct crypto_tfm base; }.
 */
import { MACHINE } from '../../machine/qemu-pc';
import type { KernelCallContext, KernelFunction } from '../types';
import { EEXIST, ENOENT } from './errname';
import { readU64, ret, s32, tryCString, u32, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState, ShashAlg } from './state';

const SIZEOF_SHASH_ALG = 480n;
const SHASH_DESCSIZE = 80n;
const SHASH_BASE = 96n;
// struct crypto_alg
const CRA_CTXSIZE = 40n;
const CRA_PRIORITY = 48n;
const CRA_NAME = 56n;
const CRA_DRIVER_NAME = 184n;
const CRA_MODULE = 376n;
const CRYPTO_MAX_ALG_NAME = 128;
// struct crypto_shash: descsize, then struct crypto_tfm base { refcnt; crt_flags; node; exit; __crt_alg; __crt_ctx[] }
const SIZEOF_CRYPTO_SHASH = 40;
const TFM_BASE = 8n;
const TFM_REFCNT = 0n;
const TFM_NODE = 8n;
const TFM_ALG = 24n;
const NUMA_NO_NODE = -1;
const CRYPTO_ALG_ASYNC = 0x80;

/** The shash algorithms the booted kernel registered (the modelled machine's /proc/crypto, "type : shash"). */
export function builtinShashAlgs(): ShashAlg[] {
  return MACHINE.cryptoAlgs
    .filter((a) => a.type === 'shash')
    .map((a) => ({ name: a.name, driver: a.driver, priority: a.priority, alg: 0n, module: 0n, descsize: 0, ctxsize: 0 }));
}

function readShashAlg(ctx: KernelCallContext, alg: bigint): ShashAlg {
  const base = alg + SHASH_BASE;
  return {
    name: tryCString(ctx, base + CRA_NAME, CRYPTO_MAX_ALG_NAME) ?? '',
    driver: tryCString(ctx, base + CRA_DRIVER_NAME, CRYPTO_MAX_ALG_NAME) ?? '',
    priority: s32(readU64(ctx.mem, base + CRA_PRIORITY)),
    alg,
    module: readU64(ctx.mem, base + CRA_MODULE),
    descsize: u32(readU64(ctx.mem, alg + SHASH_DESCSIZE)),
    ctxsize: u32(readU64(ctx.mem, base + CRA_CTXSIZE)),
  };
}

export function cryptoShashFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /**
   * crypto_register_shash() → crypto_register_alg() → __crypto_register_alg(): -EEXIST when the same
   * struct is already on the list, or one alg's driver name is the other's cra_name. The self-test the
   * registration waits for (crypto_wait_for_test()) is not run: the algorithm is taken as tested.
   */
  const register = (ctx: KernelCallContext, alg: bigint): number => {
    const a = readShashAlg(ctx, alg);
    if (!a.name || !a.driver) return -22;
    if (s.shashAlgs.some((q) => q.alg === alg || q.driver === a.name || q.name === a.driver)) return -EEXIST;
    s.shashAlgs.push(a);
    s.registrations.push({ kind: 'crypto shash', name: a.driver, address: alg });
    ctx.note(`crypto_register_shash: '${a.name}' (driver '${a.driver}', priority ${a.priority}) on crypto_alg_list; its self-test is not run`);
    return 0;
  };
  const unregister = (ctx: KernelCallContext, alg: bigint): void => {
    const i = s.shashAlgs.findIndex((q) => q.alg === alg);
    if (i >= 0) {
      ctx.note(`crypto_unregister_shash: '${s.shashAlgs[i].driver}' removed`);
      s.shashAlgs.splice(i, 1);
    }
  };
  return {
    crypto_register_shash: (ctx) => ret(register(ctx, ctx.arg(0))),
    crypto_unregister_shash: (ctx) => {
      unregister(ctx, ctx.arg(0));
      return 0n;
    },
    // int crypto_register_shashes(struct shash_alg *algs, int count): on failure the ones registered are unregistered.
    crypto_register_shashes: (ctx) => {
      const count = s32(ctx.arg(1));
      for (let i = 0; i < count; i++) {
        const r = register(ctx, ctx.arg(0) + BigInt(i) * SIZEOF_SHASH_ALG);
        if (r < 0) {
          for (let j = i - 1; j >= 0; j--) unregister(ctx, ctx.arg(0) + BigInt(j) * SIZEOF_SHASH_ALG);
          return ret(r);
        }
      }
      return 0n;
    },
    crypto_unregister_shashes: (ctx) => {
      const count = s32(ctx.arg(1));
      for (let i = count - 1; i >= 0; i--) unregister(ctx, ctx.arg(0) + BigInt(i) * SIZEOF_SHASH_ALG);
      return 0n;
    },
    /**
     * struct crypto_shash *crypto_alloc_shash(const char *alg_name, u32 type, u32 mask): __crypto_alg_lookup()
     * takes the first algorithm whose driver name is alg_name, else the highest cra_priority among those whose
     * cra_name is, skipping any whose module is going (crypto_mod_get() fails). Not found, the kernel would run
     * modprobe for "crypto-<name>" (request_module) or build a template instance: not modelled.
     */
    crypto_alloc_shash: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0), CRYPTO_MAX_ALG_NAME);
      // type 0, mask 0 or CRYPTO_ALG_ASYNC (no shash is asynchronous): every shash qualifies.
      if (name === null || u32(ctx.arg(1)) !== 0 || (u32(ctx.arg(2)) & ~CRYPTO_ALG_ASYNC) !== 0) return 'not-modelled';
      let best: ShashAlg | null = null;
      for (const q of [...builtinShashAlgs(), ...s.shashAlgs]) {
        const exact = q.driver === name;
        if (!exact && !(q.name === name && (best === null || q.priority > best.priority))) continue;
        best = q;
        if (exact) break;
      }
      if (best === null && !name.includes('(')) {
        // crypto_larval_lookup(): request_module("crypto-%s") and ("crypto-%s-all"), which load nothing in this model
        // (__request_module); then crypto_alg_mod_lookup() asks cryptomgr (CRYPTO_MSG_ALG_REQUEST), whose
        // cryptomgr_schedule_probe() only builds "template(alg)" names: NOTIFY_OK, so ERR_PTR(-ENOENT).
        ctx.note(`crypto_alloc_shash '${name}': no such algorithm registered, and request_module loads none in this model: -ENOENT`);
        return ret(-ENOENT);
      }
      // A built-in winner: its struct shash_alg (descsize, init_tfm) is vmlinux data the model does not locate.
      if (best === null || best.alg === 0n) return 'not-modelled';
      if (best.module !== 0n && ctx.moduleRef(best.module, 'get') === false) return 'not-modelled';
      // crypto_create_tfm_node(): crypto_shash + the algorithm's cra_ctxsize, zeroed.
      const mem = ctx.kmalloc(SIZEOF_CRYPTO_SHASH + best.ctxsize, true, `crypto_shash '${best.driver}'`);
      writeU32(ctx.mem, mem, best.descsize);
      writeU32(ctx.mem, mem + TFM_BASE + TFM_REFCNT, 1);
      writeU32(ctx.mem, mem + TFM_BASE + TFM_NODE, NUMA_NO_NODE >>> 0);
      writeU64(ctx.mem, mem + TFM_BASE + TFM_ALG, best.alg + SHASH_BASE);
      s.shashTfms.set(mem, best);
      ctx.note(
        `crypto_alloc_shash '${name}': '${best.driver}' (priority ${best.priority}) at ${hexU64(mem)}` +
          `${best.module ? '; a reference on its module' : ''}; its init_tfm is not run`,
      );
      return mem;
    },
    /**
     * int crypto_has_ahash(const char *alg_name, u32 type, u32 mask) (crypto/ahash.c → crypto_type_has_alg(), crypto/api.c):
     * crypto_find_alg() with crypto_ahash_type (type CRYPTO_ALG_TYPE_AHASH, maskset CRYPTO_ALG_TYPE_AHASH_MASK), which
     * an ahash or a shash satisfies; the reference taken is put back at once. 1 if found, else 0: a plain name that no
     * algorithm has is not found (request_module loads none in this model; cryptomgr only builds "template(alg)").
     * Asynchronous hashes (CRYPTO_ALG_ASYNC) are not on the modelled machine's lists: its built-in hashes are all shash.
     */
    crypto_has_ahash: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0), CRYPTO_MAX_ALG_NAME);
      if (name === null || u32(ctx.arg(1)) !== 0) return 'not-modelled';
      const found = [...builtinShashAlgs(), ...s.shashAlgs].some((q) => q.name === name || q.driver === name);
      if (!found && name.includes('(')) return 'not-modelled';
      ctx.note(`crypto_has_ahash '${name}': ${found ? 'a hash of that name is registered: 1' : 'none registered: 0'}`);
      return found ? 1n : 0n;
    },
    // void crypto_destroy_tfm(void *mem, struct crypto_tfm *tfm) (crypto_free_shash): crypto_mod_put(alg) after exit.
    crypto_destroy_tfm: (ctx) => {
      const mem = ctx.arg(0);
      if (mem === 0n || mem >= 0xfffffffffffff000n) return 0n;
      const a = s.shashTfms.get(mem);
      if (a) {
        s.shashTfms.delete(mem);
        if (a.module !== 0n) ctx.moduleRef(a.module, 'put');
        ctx.note(`crypto_destroy_tfm: '${a.driver}' transform freed${a.module ? ', its module reference dropped' : ''}`);
      } else if (!s.handles.has(mem)) return 'not-modelled';
      ctx.kfree(mem);
      return 0n;
    },
  };
}
