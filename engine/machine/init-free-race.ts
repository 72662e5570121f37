/**
 * Which do_free_init() timings could have produced a set of module addresses. The real kernel frees
 * init areas from a workqueue after synchronize_rcu() (kernel/module/main.c do_init_module →
 * do_free_init), so whether the next module_alloc() of the same modprobe finds an earlier module's
 * init range free depends on how long the grace period took in real time: repeated recordings of the
 * same commands on the same QEMU machine place modules differently (scripts/qemu/README.md). Given
 * the modules area before a command and the module_alloc()/free/queue events the model saw during
 * it, this searches every order-keeping schedule of the worker (areas leave init_free_list in the
 * order they were queued) for one whose lowest-fit allocations (mm/vmalloc.c, as VmallocRange) put
 * every module's core where the real kernel did.
 */
import type { VmArea } from './vmalloc';
import { VmallocRange } from './vmalloc';

/** What the modules area saw: module_alloc() (base null when it failed), a synchronous module_memfree(), an init area queued. */
export type ModuleAreaEvent =
  { kind: 'alloc'; label: string; size: number; base: bigint | null } | { kind: 'free'; base: bigint } | { kind: 'defer'; base: bigint };

/** Before one module's core module_alloc(): how many init areas waited, and how many the worker had freed. */
export interface WorkerPoint {
  module: string;
  queued: number;
  freed: number;
}

/** Search budget: allocations replayed before giving up (each branch replays the rest of the command). */
const MAX_STEPS = 200_000;

/**
 * A worker schedule under which the allocator gives every module named in `real` its real core
 * address, or null when none does (the difference is then not the race). Modules absent from `real`
 * (their load failed) are left free to land anywhere.
 */
export function explainByInitFreeRace(
  range: { start: bigint; end: bigint },
  before: readonly VmArea[],
  events: readonly ModuleAreaEvent[],
  real: ReadonlyMap<string, bigint>,
): WorkerPoint[] | null {
  let budget = MAX_STEPS;
  const walk = (i: number, area: VmallocRange, pending: bigint[], ids: Map<bigint, bigint>, points: WorkerPoint[]): WorkerPoint[] | null => {
    for (; i < events.length; i++) {
      if (--budget < 0) return null;
      const e = events[i];
      if (e.kind === 'defer') {
        const b = ids.get(e.base);
        if (b !== undefined) pending = [...pending, b];
      } else if (e.kind === 'free') {
        const b = ids.get(e.base);
        if (b !== undefined) area.free(b);
        pending = pending.filter((p) => p !== b);
      } else if (e.base !== null && e.label.endsWith(' core')) {
        const name = e.label.slice(0, -' core'.length);
        const want = real.get(name);
        for (let k = 0; k <= pending.length; k++) {
          const a = area.clone();
          for (const p of pending.slice(0, k)) a.free(p);
          const got = a.alloc(e.size, e.label);
          if (got === null || (want !== undefined && got !== want)) continue;
          const found = walk(i + 1, a, pending.slice(k), new Map(ids).set(e.base, got), [
            ...points,
            { module: name, queued: pending.length, freed: k },
          ]);
          if (found) return found;
        }
        return null;
      } else if (e.base !== null) {
        const got = area.alloc(e.size, e.label);
        if (got === null) return null;
        ids = new Map(ids).set(e.base, got);
      }
    }
    return points;
  };
  const area = new VmallocRange(range.start, range.end);
  for (const a of before) area.place(a.start, a.size, a.label);
  return walk(0, area, [], new Map(), []);
}
