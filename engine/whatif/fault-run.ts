/**
 * One load with a kernel fault put in it, and what it left behind: every allocation the load made
 * that is still live afterwards (none, when the error path freed everything as 6.1's does), and the
 * per-CPU reserve in use before and after.
 */
import type { ModelKernel } from '../kernel/model';
import type { Allocation } from '../machine/memory';
import { FaultInjector } from '../load/fault-injection';
import type { FaultSpec } from '../load/fault-sites';
import { loadModule, type LoadRequest, type LoadResult } from '../load/load-module';

export interface FaultRun {
  result: LoadResult;
  injector: FaultInjector;
  /** Allocations made during the load and not freed by its end. */
  leaked: Allocation[];
  percpuBefore: number;
  percpuAfter: number;
  modulesBefore: number;
  modulesAfter: number;
}

export function loadWithFault(k: ModelKernel, req: Omit<LoadRequest, 'fault'>, spec: FaultSpec): FaultRun {
  const injector = new FaultInjector(spec);
  const from = k.timeline.position;
  const percpuBefore = k.percpuInUse;
  const modulesBefore = k.modules.length;
  const result = loadModule(k, { ...req, fault: injector });
  const leaked = k.memory.allocations.filter((a) => a.allocatedAt >= from && a.freedAt === null && a.kind !== 'reserved');
  return { result, injector, leaked, percpuBefore, percpuAfter: k.percpuInUse, modulesBefore, modulesAfter: k.modules.length };
}
