/**
 * Allocating a transform of a template instance no one built (crypto/api.c, crypto/algboss.c of 6.1), e.g. rxrpc's
 * crypto_alloc_sync_skcipher("pcbc(fcrypt)"): crypto_larval_lookup() finds no algorithm of the name and its
 * request_module("crypto-pcbc(fcrypt)") loads nothing in this model (__request_module); cryptomgr_schedule_probe()
 * starts cryptomgr_probe(), whose crypto_lookup_template("pcbc") finds no template: Debian builds pcbc as a module
 * (CONFIG_CRYPTO_PCBC=m), no module of the model registered it, and its request_module("crypto-pcbc") loads nothing.
 * The larval dies without an adult and crypto_larval_wait() returns -ENOENT. Any other case is not modelled: an
 * algorithm of the name exists (its transform is not built here), or the template is built in or registered.
 *
 * So the templates modules register are kept by name: crypto_register_template(s)() (crypto/algapi.c) put each struct
 * crypto_template { list_head list; hlist_head instances @16; module @24; create @32; char name[128] @40 } (168 bytes)
 * on crypto_template_list, -EEXIST for one already there; crypto_unregister_template(s)() take them off.
 */
import type { KernelFunction } from '../types';
import { ENOENT } from './errname';
import { ret, s32, tryCString } from './mem';
import { EEXIST } from './errname';
import type { KernelCallState } from './state';

/** Templates Debian's 6.1 builds as modules (CONFIG_CRYPTO_*=m in its config), by their cra_name. */
const MODULE_TEMPLATES = new Set([
  'pcbc',
  'ecb',
  'ctr',
  'cts',
  'xts',
  'lrw',
  'cfb',
  'ofb',
  'gcm',
  'ccm',
  'cmac',
  'xcbc',
  'cryptd',
  'pcrypt',
  'authenc',
  'seqiv',
  'echainiv',
  'essiv',
  'adiantum',
  'kw',
  'vmac64',
  'rfc4106',
  'rfc4309',
  'rfc4543',
  'rfc7539',
  'rfc7539esp',
]);

const SIZEOF_TEMPLATE = 168n;
const TEMPLATE_NAME = 40n;

export function cryptoTemplateLookupFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const templates = s.cryptoTemplates;
  const register = (ctx: Parameters<KernelFunction>[0], t: bigint): number => {
    if (templates.has(t)) return -EEXIST;
    const name = tryCString(ctx, t + TEMPLATE_NAME, 128) ?? '';
    templates.set(t, name);
    s.registrations.push({ kind: 'crypto template', name, address: t });
    ctx.note(`crypto_register_template '${name}': on crypto_template_list`);
    return 0;
  };
  const alloc =
    (fn: string): KernelFunction =>
    (ctx) => {
      const name = tryCString(ctx, ctx.arg(0), 128);
      const m = name === null ? null : /^([A-Za-z0-9_-]+)\(/.exec(name);
      if (!m || !MODULE_TEMPLATES.has(m[1])) return 'not-modelled';
      if ([...templates.values()].includes(m[1])) return 'not-modelled'; // registered: the instance would be built
      ctx.note(`${fn} '${name}': no such algorithm, and the '${m[1]}' template is a module no one loaded (request_module loads none here): -ENOENT`);
      return ret(-ENOENT);
    };
  return {
    crypto_register_template: (ctx) => ret(register(ctx, ctx.arg(0))),
    crypto_unregister_template: (ctx) => {
      templates.delete(ctx.arg(0));
      return 0n;
    },
    // int crypto_register_templates(struct crypto_template *tmpls, int count): on failure the ones registered are unregistered.
    crypto_register_templates: (ctx) => {
      const n = s32(ctx.arg(1));
      for (let i = 0; i < n; i++) {
        const r = register(ctx, ctx.arg(0) + BigInt(i) * SIZEOF_TEMPLATE);
        if (r < 0) {
          for (let j = i - 1; j >= 0; j--) templates.delete(ctx.arg(0) + BigInt(j) * SIZEOF_TEMPLATE);
          return ret(r);
        }
      }
      return 0n;
    },
    crypto_unregister_templates: (ctx) => {
      for (let i = s32(ctx.arg(1)) - 1; i >= 0; i--) templates.delete(ctx.arg(0) + BigInt(i) * SIZEOF_TEMPLATE);
      return 0n;
    },
    // struct crypto_sync_skcipher *crypto_alloc_sync_skcipher(const char *alg_name, u32 type, u32 mask)
    crypto_alloc_sync_skcipher: alloc('crypto_alloc_sync_skcipher'),
    // struct crypto_skcipher *crypto_alloc_skcipher(const char *alg_name, u32 type, u32 mask)
    crypto_alloc_skcipher: alloc('crypto_alloc_skcipher'),
  };
}
