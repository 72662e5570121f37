/**
 * Faults in the kernel during load_module() (kernel/module/main.c, 6.1), for "what if…?": the Nth
 * allocation the load makes returns NULL, or a chosen function returns an error instead of doing its
 * work. Debian's kernel has no fault-injection framework (CONFIG_FAULT_INJECTION is off); the model
 * asks this object at every allocation site it models and at every function a fault can be put in.
 *
 * The allocation sites are the ones load_module() makes for the module, each named by the kernel
 * function that calls the allocator. They are not every kmalloc the real kernel makes on the way
 * (kernfs nodes, notifier bookkeeping, the PKCS#7 parser's dozen): one site stands for each place
 * whose failure the load path handles in its own way.
 */
import type { AllocSite, AllocSiteId, FaultSpec } from './fault-sites';

export type { AllocSite, AllocSiteId, FaultSpec } from './fault-sites';

/** What fired: the site or function, and the errno it produced (0 for a failure the kernel ignores). */
export interface FaultFired {
  site: AllocSite | null;
  fn: string;
  errno: number;
}

export class FaultInjector {
  /** Every allocation site reached so far, numbered from 1 in the order the load reached them. */
  readonly sites: AllocSite[] = [];
  fired: FaultFired | null = null;

  constructor(readonly spec: FaultSpec = { kind: 'none' }) {}

  /**
   * One allocation at `id` (e.g. module_alloc of the core): true when it is the one that fails
   * (the allocator returns NULL). `fn` is the kernel function that calls the allocator.
   */
  alloc(id: AllocSiteId, fn: string, allocator: string, what: string, size: number, errno: number): boolean {
    const site: AllocSite = { n: this.sites.length + 1, id, fn, allocator, what, size, errno };
    this.sites.push(site);
    const s = this.spec;
    const hit = s.kind === 'alloc' && !this.fired && (s.n === site.n || s.id === id);
    if (hit) this.fired = { site, fn, errno };
    return hit;
  }

  /**
   * fail:FUNCTION: the errno `fn` returns instead of doing its work, or 0 when it runs as usual.
   * `symbol` narrows simplify_symbols to one symbol (resolve_symbol() of that name fails).
   */
  call(fn: string, symbol?: string): number {
    const s = this.spec;
    if (s.kind !== 'fn' || this.fired || s.fn !== fn) return 0;
    if (s.symbol !== undefined && s.symbol !== symbol) return 0;
    this.fired = { site: null, fn, errno: s.errno };
    return s.errno;
  }
}
