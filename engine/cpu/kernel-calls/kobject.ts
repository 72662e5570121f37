/**
 * kobjects and ksets (lib/kobject.c of 6.1). struct kobject { const char *name; struct list_head entry @8; struct
 * kobject *parent @24; struct kset *kset @32; const struct kobj_type *ktype @40; struct kernfs_node *sd @48; struct
 * kref kref @56; state bits @60: initialized 1, in_sysfs 2, add_uevent_sent 4, remove_uevent_sent 8 }; struct kset
 * { struct list_head list; spinlock_t list_lock @16; struct kobject kobj @24; uevent_ops }.
 *
 * kobject_set_name(kobj, fmt, …) formats the name (kvasprintf_const), turns '/' into '!', and stores it in kobj->name.
 * kset_register(k): -EINVAL with "must have a ktype to be initialized properly!" without a ktype; kset_init() (kref 1,
 * empty lists, initialized); kobject_add_internal(): an empty name WARNs (not modelled); the parent is kobj->parent, else
 * the kset's kobject; sysfs makes the directory (a name already there is sysfs_warn_dup()'s WARN: not modelled); then
 * kobject_uevent(KOBJ_ADD). The model keeps the directories it made by parent and name.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EINVAL, ENOMEM } from './errname';
import { printkText } from './printk';
import { asciiBytes, readU32, readU64, ret, tryCString, writeU32, writeU64 } from './mem';
import { fmt } from './registrars';
import type { KernelCallState } from './state';

const KOBJ_ENTRY = 8n;
const KOBJ_PARENT = 24n;
const KOBJ_KSET = 32n;
const KOBJ_KTYPE = 40n;
const KOBJ_KREF = 56n;
const KOBJ_STATE = 60n;
const KSET_KOBJ = 24n;
const STATE_INITIALIZED = 1;
const STATE_IN_SYSFS = 2;
const STATE_ADD_UEVENT_SENT = 4;

/** kobject_set_name_vargs(): the formatted name with '/' turned into '!', kmalloc'ed into kobj->name (null: -ENOMEM). */
export function setName(ctx: KernelCallContext, kobj: bigint, name: string): string | null {
  const text = name.replace(/\//g, '!');
  const p = ctx.kmalloc(text.length + 1, false, `kobject name '${text}'`);
  if (p === 0n) return null;
  ctx.mem.write(p, asciiBytes(`${text}\0`));
  writeU64(ctx.mem, kobj, p);
  return text;
}

export function kobjectFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const dirs = new Set<string>();
  return {
    // int kobject_set_name(struct kobject *kobj, const char *fmt, ...)
    kobject_set_name: (ctx) => {
      const kobj = ctx.arg(0);
      if (ctx.arg(1) === 0n) return readU64(ctx.mem, kobj) !== 0n ? 0n : ret(-EINVAL);
      const name = fmt(1, s)(ctx);
      if (name === null) return 'not-modelled';
      const text = setName(ctx, kobj, name);
      if (text === null) return ret(-ENOMEM);
      ctx.note(`kobject_set_name: '${text}'`);
      return 0n;
    },
    // int kobject_add(struct kobject *kobj, struct kobject *parent, const char *fmt, ...): kobject_add_varg() names it and
    // sets kobj->parent; kobject_add_internal(): the parent, else the kset's kobject (kobj_kset_join(): its place on the
    // kset's list is not modelled), the sysfs directory, state_in_sysfs. No uevent: the caller sends KOBJ_ADD.
    kobject_add: (ctx) => {
      const kobj = ctx.arg(0);
      if (kobj === 0n) return ret(-EINVAL);
      if (!(readU32(ctx.mem, kobj + KOBJ_STATE) & STATE_INITIALIZED)) {
        // pr_err("kobject '%s' (%p): tried to add an uninitialized object, …") with a hashed %p, dump_stack(), -EINVAL.
        ctx.note('kobject_add: an uninitialized kobject: the kernel logs its hashed address and a stack dump: not modelled');
        return 'not-modelled';
      }
      const name = fmt(2, s)(ctx);
      if (name === null || name === '') return 'not-modelled'; // kobject_add_internal(): WARN "attempted to be registered with empty name!"
      const text = setName(ctx, kobj, name);
      if (text === null) return ret(-ENOMEM);
      let parent = ctx.arg(1);
      const kset = readU64(ctx.mem, kobj + KOBJ_KSET);
      if (parent === 0n && kset !== 0n) parent = kset + KSET_KOBJ;
      const key = `${parent.toString(16)}/${text}`;
      if (dirs.has(key)) return 'not-modelled'; // create_dir() -EEXIST: sysfs_warn_dup()'s WARN with the full path
      if (parent !== 0n) writeU32(ctx.mem, parent + KOBJ_KREF, readU32(ctx.mem, parent + KOBJ_KREF) + 1); // kobject_get(parent)
      writeU64(ctx.mem, kobj + KOBJ_PARENT, parent);
      dirs.add(key);
      writeU32(ctx.mem, kobj + KOBJ_STATE, readU32(ctx.mem, kobj + KOBJ_STATE) | STATE_IN_SYSFS);
      s.registrations.push({ kind: 'kobject', name: text, address: kobj });
      ctx.note(`kobject_add '${text}': its sysfs directory is made${parent === 0n ? ' at the top of /sys' : ''}; returns 0`);
      return 0n;
    },
    // int kset_register(struct kset *k)
    kset_register: (ctx) => {
      const k = ctx.arg(0);
      if (k === 0n) return ret(-EINVAL);
      const kobj = k + KSET_KOBJ;
      if (readU64(ctx.mem, kobj + KOBJ_KTYPE) === 0n) {
        printkText(ctx, s, 3, 'must have a ktype to be initialized properly!\n');
        return ret(-EINVAL);
      }
      const name = tryCString(ctx, readU64(ctx.mem, kobj));
      if (!name) return 'not-modelled'; // WARN "attempted to be registered with empty name!"
      // kset_init()
      writeU32(ctx.mem, kobj + KOBJ_KREF, 1);
      writeU64(ctx.mem, kobj + KOBJ_ENTRY, kobj + KOBJ_ENTRY);
      writeU64(ctx.mem, kobj + KOBJ_ENTRY + 8n, kobj + KOBJ_ENTRY);
      writeU64(ctx.mem, k, k);
      writeU64(ctx.mem, k + 8n, k);
      writeU32(ctx.mem, k + 16n, 0);
      // kobject_add_internal(): the parent, else the kset's own kobject (joining a kset is not modelled).
      if (readU64(ctx.mem, kobj + KOBJ_KSET) !== 0n) return 'not-modelled';
      const parent = readU64(ctx.mem, kobj + KOBJ_PARENT);
      const key = `${parent.toString(16)}/${name}`;
      if (dirs.has(key)) return 'not-modelled'; // sysfs_warn_dup(): a WARN with the full path
      dirs.add(key);
      const bits = readU32(ctx.mem, kobj + KOBJ_STATE) & ~0xf;
      writeU32(ctx.mem, kobj + KOBJ_STATE, bits | STATE_INITIALIZED | STATE_IN_SYSFS | STATE_ADD_UEVENT_SENT);
      s.registrations.push({ kind: 'kset', name, address: k });
      ctx.note(`kset_register '${name}': its sysfs directory is made${parent ? '' : ' at the top of /sys'}, KOBJ_ADD sent; returns 0`);
      return 0n;
    },
    // void kset_unregister(struct kset *k): kobject_del() and the last put. Handles from kset_create_and_add are freed too.
    kset_unregister: (ctx) => {
      const k = ctx.arg(0);
      if (k === 0n) return 0n;
      const name = s.handles.has(k) ? null : tryCString(ctx, readU64(ctx.mem, k + KSET_KOBJ));
      if (name !== null) dirs.delete(`${readU64(ctx.mem, k + KSET_KOBJ + KOBJ_PARENT).toString(16)}/${name}`);
      if (s.handles.delete(k)) ctx.kfree(k);
      ctx.note('kset_unregister: its directory is removed');
      return 0n;
    },
  };
}
