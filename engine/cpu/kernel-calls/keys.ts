/**
 * The key service (security/keys/ of 6.1): keyring_alloc(), key_put(), register_key_type() and
 * unregister_key_type().
 *
 * keyring_alloc() (security/keys/keyring.c) is key_alloc(&key_type_keyring, …) (key.c) then
 * key_instantiate_and_link(): a zeroed struct key (kmem_cache_zalloc from key_jar) with its description
 * kmemdup'd, usage 1, the rw_semaphore initialised, uid/gid/perm as given, expiry TIME64_MAX, flags from
 * the KEY_ALLOC_* flags, state KEY_IS_POSITIVE; keyring_instantiate() inits the keys assoc_array (all zero)
 * and publishes only names that do not start with '.'. It prints nothing. Modules read the fields laid out
 * below (dns_resolver sets KEY_FLAG_ROOT_CAN_CLEAR with `lock orb $0x10,0x80(key)` and prints key->serial
 * at +4; cfg80211 prints key->description at +0xa8).
 *
 * Not modelled (read as zero): user (the key_user of uid), security, last_used_at (ktime_get_real_seconds()),
 * index_key.hash (siphash with a key drawn at boot) and domain_tag. The serial is random in the kernel
 * (key_alloc_serial(): get_random_bytes() >> 1, at least 3); the model hands out serials from a fixed seed.
 *
 * register_key_type() refuses a name already on key_types_list (-EEXIST) and otherwise prints
 * "Key type %s registered" at KERN_NOTICE; unregister_key_type() prints "Key type %s unregistered".
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EEXIST, EINVAL } from './errname';
import { x509KeyDescription } from './x509-key';
import { asciiBytes, readCStringBytes, readU64, ret, tryCString, u32, writeU32, writeU64 } from './mem';
import { hexU64 as hex } from '../../base/hex';
import { printkText } from './printk';
import type { KernelCallState } from './state';

const ENODEV = 19;
const EBADMSG = 74;
const EKEYREJECTED = 129;

/** struct key of the Debian 6.1.0-50 build (include/linux/key.h; no KEY_NOTIFICATIONS, no lockdep): 216 bytes. */
export const KEY = {
  size: 216,
  usage: 0n,
  serial: 4n,
  /** struct rw_semaphore sem at 32: count, owner, osq, wait_lock, then wait_list (a list_head). */
  semWaitList: 56n,
  expiry: 88n,
  uid: 104n,
  gid: 108n,
  perm: 112n,
  quotalen: 116n,
  datalen: 118n,
  state: 120n,
  flags: 128n,
  /** index_key.desc_len (u16) and the first 6 characters of the description (index_key.desc). */
  descLen: 144n,
  type: 152n,
  description: 168n,
  /** payload: for a keyring, name_link (list_head) then the keys assoc_array. */
  nameLink: 176n,
  restrictLink: 208n,
} as const;

/** The key types on key_types_list before any module loads: key_init() adds keyring, .dead, user and logon; the
 * boot log of the modelled machine shows blacklist, asymmetric, .fscrypt, fscrypt-provisioning and encrypted registered. */
export const BOOT_KEY_TYPES: readonly string[] = [
  'keyring',
  '.dead',
  'user',
  'logon',
  'blacklist',
  'asymmetric',
  '.fscrypt',
  'fscrypt-provisioning',
  'encrypted',
];

const KEY_ALLOC_NOT_IN_QUOTA = 0x2n;
const KEY_ALLOC_BUILT_IN = 0x4n;
const KEY_ALLOC_BYPASS_RESTRICTION = 0x8n;
const KEY_ALLOC_UID_KEYRING = 0x10n;
const KEY_ALLOC_SET_KEEP = 0x20n;
const KEY_FLAG_IN_QUOTA = 2;
const KEY_FLAG_BUILTIN = 6;
const KEY_FLAG_KEEP = 8;
const KEY_FLAG_UID_KEYRING = 9;
const KEY_IS_POSITIVE = 1;
const TIME64_MAX = 0x7fffffffffffffffn;

interface KeyState {
  /** Registered key type names: by the struct key_type's address for the module-registered ones. */
  types: Map<bigint, string>;
  nextSerial: number;
  has(name: string): boolean;
}

const keyStates = new WeakMap<KernelCallState, KeyState>();

function keyState(s: KernelCallState): KeyState {
  let k = keyStates.get(s);
  if (!k) {
    const types = new Map(BOOT_KEY_TYPES.map((name, i) => [BigInt(-1 - i), name]));
    k = { types, nextSerial: 0x2a5e1f3, has: (name) => [...types.values()].includes(name) };
    keyStates.set(s, k);
  }
  return k;
}

/** key_alloc() + instantiation: a zeroed struct key (kmem_cache_zalloc(key_jar)) filled in as key.c does, state KEY_IS_POSITIVE. */
function allocKey(
  ctx: KernelCallContext,
  s: KernelCallState,
  desc: string,
  typeSymbol: string,
  perm: bigint,
  flags: bigint,
  restrictLink: bigint,
  uid = 0,
  gid = 0,
): bigint {
  const ks = keyState(s);
  const bytes = asciiBytes(desc);
  const key = ctx.kmalloc(KEY.size, true, `struct key '${desc}'`);
  const copy = ctx.kmalloc(bytes.length + 1, true, `key description '${desc}'`);
  ctx.mem.write(copy, bytes);
  let kflags = 0n;
  if (!(flags & KEY_ALLOC_NOT_IN_QUOTA)) kflags |= 1n << BigInt(KEY_FLAG_IN_QUOTA);
  if (flags & KEY_ALLOC_BUILT_IN) kflags |= 1n << BigInt(KEY_FLAG_BUILTIN);
  if (flags & KEY_ALLOC_UID_KEYRING) kflags |= 1n << BigInt(KEY_FLAG_UID_KEYRING);
  if (flags & KEY_ALLOC_SET_KEEP) kflags |= 1n << BigInt(KEY_FLAG_KEEP);
  const serial = ks.nextSerial;
  ks.nextSerial = (ks.nextSerial * 1103515245 + 12345) % 0x7fffffff || 3;
  writeU32(ctx.mem, key + KEY.usage, 1);
  writeU32(ctx.mem, key + KEY.serial, serial);
  writeU64(ctx.mem, key + KEY.semWaitList, key + KEY.semWaitList);
  writeU64(ctx.mem, key + KEY.semWaitList + 8n, key + KEY.semWaitList);
  writeU64(ctx.mem, key + KEY.expiry, TIME64_MAX);
  writeU32(ctx.mem, key + KEY.uid, uid);
  writeU32(ctx.mem, key + KEY.gid, gid);
  writeU32(ctx.mem, key + KEY.perm, u32(perm));
  ctx.mem.write(key + KEY.quotalen, Uint8Array.of((bytes.length + 1) & 0xff, ((bytes.length + 1) >> 8) & 0xff));
  ctx.mem.write(key + KEY.state, Uint8Array.of(KEY_IS_POSITIVE, 0));
  writeU64(ctx.mem, key + KEY.flags, kflags);
  ctx.mem.write(key + KEY.descLen, Uint8Array.of(bytes.length & 0xff, (bytes.length >> 8) & 0xff, ...bytes.slice(0, 6)));
  writeU64(ctx.mem, key + KEY.type, s.options.lookupSymbol?.(typeSymbol) ?? 0n);
  writeU64(ctx.mem, key + KEY.description, copy);
  writeU64(ctx.mem, key + KEY.restrictLink, restrictLink);
  return key;
}

export function keyFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // struct key *keyring_alloc(const char *description, kuid_t uid, kgid_t gid, const struct cred *cred,
    //                           key_perm_t perm, unsigned long flags, struct key_restriction *restrict_link, struct key *dest)
    keyring_alloc: (ctx) => {
      const desc = tryCString(ctx, ctx.arg(0), 4096);
      const bytes = desc === null ? new Uint8Array(0) : readCStringBytes(ctx.mem, ctx.arg(0), 4096);
      if (desc === null || bytes.length === 0) {
        ctx.note('keyring_alloc: no description, ERR_PTR(-EINVAL)');
        return ret(-EINVAL);
      }
      if (ctx.arg(7) !== 0n) {
        ctx.note(`keyring_alloc '${desc}': linking it into another keyring (dest) is not modelled`);
        return 'not-modelled';
      }
      const key = allocKey(ctx, s, desc, 'key_type_keyring', ctx.arg(4), BigInt(ctx.arg(5)), ctx.arg(6), u32(ctx.arg(1)), u32(ctx.arg(2)));
      const serial = u32(readU64(ctx.mem, key) >> 32n);
      const kflags = readU64(ctx.mem, key + KEY.flags);
      s.handles.set(key, `keyring '${desc}'`);
      ctx.note(`keyring_alloc '${desc}': a new keyring, struct key at ${hex(key)} (serial ${serial}, flags ${hex(kflags)})`);
      return key;
    },
    // key_ref_t key_create_or_update(key_ref_t keyring_ref, const char *type, const char *description, const void *payload,
    //                                size_t plen, key_perm_t perm, unsigned long flags) (key.c __key_create_or_update()):
    // only "asymmetric" with an X.509 certificate (cfg80211's regulatory certificates) and no description is modelled.
    key_create_or_update: (ctx) => {
      const ref = ctx.arg(0);
      const keyring = ref & ~1n;
      const type = tryCString(ctx, ctx.arg(1));
      if (!type || !keyState(s).has(type)) {
        ctx.note(`key_create_or_update: no key type '${type ?? ''}', ERR_PTR(-ENODEV)`);
        return ret(-ENODEV);
      }
      if (!(s.handles.get(keyring) ?? '').startsWith('keyring ')) {
        ctx.note(`key_create_or_update: ${hex(keyring)} is not a keyring this model made`);
        return 'not-modelled';
      }
      const flags = ctx.arg(6);
      if (
        type !== 'asymmetric' ||
        ctx.arg(2) !== 0n ||
        (readU64(ctx.mem, keyring + KEY.restrictLink) !== 0n && !(flags & KEY_ALLOC_BYPASS_RESTRICTION))
      ) {
        ctx.note(`key_create_or_update '${type}': only asymmetric keys without a description into unrestricted keyrings are modelled`);
        return 'not-modelled';
      }
      const plen = Number(ctx.arg(4));
      const prep = x509KeyDescription(ctx.mem.read(ctx.arg(3), plen, 'read').slice());
      if ('notModelled' in prep) {
        ctx.note(`key_create_or_update: ${prep.notModelled} is not modelled`);
        return 'not-modelled';
      }
      if ('error' in prep) {
        ctx.note(`key_create_or_update: x509_key_preparse() fails: ${prep.why}, ERR_PTR(-${prep.error})`);
        return ret(prep.error === 'EBADMSG' ? -EBADMSG : -EKEYREJECTED);
      }
      const key = allocKey(ctx, s, prep.description, 'key_type_asymmetric', ctx.arg(5), flags, 0n);
      // The keyring's link holds one reference (__key_link()), the returned key_ref another; possessed as keyring_ref was.
      writeU32(ctx.mem, key + KEY.usage, 2);
      s.handles.set(key, `asymmetric key '${prep.description}'`);
      ctx.note(`key_create_or_update: asymmetric key '${prep.description}' at ${hex(key)}, linked into ${s.handles.get(keyring) ?? hex(keyring)}`);
      return key | (ref & 1n);
    },
    // void key_put(struct key *key): drops a reference; at zero the key garbage collector (a work item) frees it.
    key_put: (ctx) => {
      const key = ctx.arg(0);
      if (key === 0n) return 0n;
      const usage = Number(readU64(ctx.mem, key + KEY.usage) & 0xffffffffn) - 1;
      writeU32(ctx.mem, key + KEY.usage, usage);
      ctx.note(`key_put ${hex(key)}: usage ${usage}${usage === 0 ? ' (the key garbage collector frees it later)' : ''}`);
      return 0n;
    },
    // int register_key_type(struct key_type *ktype): struct key_type starts with const char *name.
    register_key_type: (ctx) => {
      const name = tryCString(ctx, readU64(ctx.mem, ctx.arg(0)));
      if (name === null) return 'not-modelled';
      const ks = keyState(s);
      if ([...ks.types.values()].includes(name)) {
        ctx.note(`register_key_type '${name}': a key type of that name is registered, -EEXIST`);
        return ret(-EEXIST);
      }
      ks.types.set(ctx.arg(0), name);
      s.registrations.push({ kind: 'key type', name, address: ctx.arg(0) });
      printkText(ctx, s, 5, `Key type ${name} registered\n`);
      ctx.note(`register_key_type '${name}': added to key_types_list`);
      return 0n;
    },
    unregister_key_type: (ctx) => {
      const name = tryCString(ctx, readU64(ctx.mem, ctx.arg(0))) ?? '(null)';
      keyState(s).types.delete(ctx.arg(0));
      printkText(ctx, s, 5, `Key type ${name} unregistered\n`);
      return 0n;
    },
  };
}
