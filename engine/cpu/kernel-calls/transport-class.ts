/**
 * Anonymous transport classes (drivers/base/transport_class.c, drivers/base/attribute_container.c of 6.1).
 *
 * struct anon_transport_class { struct transport_class tclass; struct attribute_container container; }, with
 * struct class 120 bytes in Debian's 6.1 (scsi_transport_spi.ko's DECLARE_ANON_TRANSPORT_CLASS relocates
 * .tclass.configure at +128 and .container.match at +224): tclass.setup @120, configure @128, remove @136;
 * container @144 { node @0, klist containers @16 { k_lock, k_list @8, get @24, put @32 }, class @56, grp, attrs,
 * match @80, flags @88 }.
 *
 * anon_transport_class_register(): container.class = &tclass.class, flags |= ATTRIBUTE_CONTAINER_NO_CLASSDEVS,
 * attribute_container_register() (INIT_LIST_HEAD, klist_init, list_add_tail on attribute_container_list: returns 0),
 * then tclass.setup = tclass.remove = anon_transport_dummy_function. No device is added: nothing else happens.
 */
import type { KernelFunction } from '../types';
import { readU64, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const TC_SETUP = 120n;
const TC_REMOVE = 136n;
const CONTAINER = 144n;
const AC_KLIST = 16n;
const KLIST_LIST = 8n;
const KLIST_GET = 24n;
const KLIST_PUT = 32n;
const AC_CLASS = 56n;
const AC_FLAGS = 88n;
const ATTRIBUTE_CONTAINER_NO_CLASSDEVS = 1n;

export function transportClassFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const sym = (name: string): bigint => s.options.lookupSymbol?.(name) ?? 0n;
  return {
    anon_transport_class_register: (ctx) => {
      const atc = ctx.arg(0);
      const ac = atc + CONTAINER;
      writeU64(ctx.mem, ac + AC_CLASS, atc);
      writeU64(ctx.mem, ac + AC_FLAGS, readU64(ctx.mem, ac + AC_FLAGS) | ATTRIBUTE_CONTAINER_NO_CLASSDEVS);
      // attribute_container_register(): the container's node joins attribute_container_list (vmlinux data the
      // model does not hold: the node is linked to itself); klist_init(&cont->containers, get, put).
      writeU64(ctx.mem, ac, ac);
      writeU64(ctx.mem, ac + 8n, ac);
      const kl = ac + AC_KLIST;
      writeU32(ctx.mem, kl, 0);
      writeU64(ctx.mem, kl + KLIST_LIST, kl + KLIST_LIST);
      writeU64(ctx.mem, kl + KLIST_LIST + 8n, kl + KLIST_LIST);
      writeU64(ctx.mem, kl + KLIST_GET, sym('internal_container_klist_get'));
      writeU64(ctx.mem, kl + KLIST_PUT, sym('internal_container_klist_put'));
      const dummy = sym('anon_transport_dummy_function');
      writeU64(ctx.mem, atc + TC_SETUP, dummy);
      writeU64(ctx.mem, atc + TC_REMOVE, dummy);
      s.registrations.push({ kind: 'anon transport class', name: null, address: atc });
      ctx.note('anon_transport_class_register: its attribute container is on attribute_container_list (no class devices), returns 0');
      return 0n;
    },
    // void anon_transport_class_unregister(struct anon_transport_class *atc): attribute_container_unregister()
    // returns -EBUSY (and this BUG()s) only while the container still has devices; the model's never has any.
    anon_transport_class_unregister: (ctx) => {
      ctx.note('anon_transport_class_unregister: its attribute container leaves attribute_container_list');
      return 0n;
    },
  };
}
