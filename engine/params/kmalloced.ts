/**
 * kernel/params.c keeps a list of the charp values it allocated (kmalloc_parameter()), so that
 * param_set_charp() frees the previous value only if it came from there (maybe_kfree_parameter()):
 * a charp's initial value points into the module's .rodata and must never be freed. The list is
 * global in the kernel; here one instance should live as long as the modelled kernel.
 */
import type { ParamMemory } from './memory';

/**
 * struct kmalloced_param { struct list_head list; char val[]; }: the string sits 16 bytes into
 * the allocation, after the list links. The links are not written here (the list is this class).
 */
export const KMALLOCED_PARAM_HEADER = 16;

export class KmallocedParams {
  /** val address → allocation address. */
  private readonly byVal = new Map<bigint, bigint>();

  /** kmalloc_parameter(size): kmalloc(sizeof(struct kmalloced_param) + size), returning p->val. */
  alloc(mem: ParamMemory, size: number, why: string): bigint {
    const base = mem.kmalloc(KMALLOCED_PARAM_HEADER + size, why);
    const val = base + BigInt(KMALLOCED_PARAM_HEADER);
    this.byVal.set(val, base);
    return val;
  }

  /** maybe_kfree_parameter(param): frees it only if alloc() made it. Returns whether it did. */
  maybeFree(mem: ParamMemory, val: bigint): boolean {
    const base = this.byVal.get(val);
    if (base === undefined) return false;
    this.byVal.delete(val);
    mem.kfree(base);
    return true;
  }

  has(val: bigint): boolean {
    return this.byVal.has(val);
  }

  /** The tracked values (p->val addresses), oldest first. */
  values(): bigint[] {
    return [...this.byVal.keys()];
  }
}
