/**
 * From a tour's stop references to timeline positions, on the trace its setup produced. Pure: the
 * caller supplies the steps and a way to describe an item (the engine's kernel.seek in the app,
 * the same call in tests).
 */
import type { ItemDetail, OperationInfo, StepInfo } from '../api-types';
import { TourError } from './errors';
import type { ResolvedStop, StepRef, Tour } from './types';

export interface TourTrace {
  ops: OperationInfo[];
  steps: StepInfo[];
  /** The item at a position of a block step. */
  item(pos: number): Promise<ItemDetail | null> | ItemDetail | null;
}

/** An instruction item reached the kernel function `name`: its call reads "_printk() → 0x19". */
export function callsFunction(item: ItemDetail | null, name: string): boolean {
  if (item?.kind !== 'instruction' || !item.call) return false;
  return item.call === name || item.call.startsWith(`${name}(`) || item.call.startsWith(`${name} `);
}

function namesSymbol(item: ItemDetail | null, name: string): boolean {
  if (item?.kind === 'symbol') return item.name === name;
  if (item?.kind === 'relocation') return item.symbol === name;
  return false;
}

export function describeRef(r: StepRef): string {
  const parts = [`op ${r.op}`, r.fn];
  if (r.nth) parts.push(`#${r.nth}`);
  if (r.item !== undefined) parts.push(`item ${r.item}`);
  if (r.call !== undefined) parts.push(`call ${r.call}`);
  if (r.symbol !== undefined) parts.push(`symbol ${r.symbol}`);
  if (r.hit) parts.push(`hit ${r.hit}`);
  return parts.join(', ');
}

/**
 * Resolve one reference. opBase is the index of the first operation the tour's setup appended
 * (0 on a freshly booted kernel).
 */
export async function resolveRef(tour: string, stop: number, r: StepRef, trace: TourTrace, opBase = 0): Promise<ResolvedStop> {
  const where = `stop ${stop} (${describeRef(r)})`;
  const op = trace.ops[opBase + r.op];
  if (!op)
    throw new TourError(
      'NO_OPERATION',
      `${tour}: ${where}: the setup made ${Math.max(0, trace.ops.length - opBase)} operation(s)`,
      tour,
      stop,
      'at.op',
    );
  const matching: number[] = [];
  trace.steps.forEach((s, i) => {
    if (s.op === op.index && s.fn === r.fn) matching.push(i);
  });
  const stepIndex = matching[r.nth ?? 0];
  if (stepIndex === undefined) {
    throw new TourError('NO_STEP', `${tour}: ${where}: operation "${op.command}" has ${matching.length} step(s) in ${r.fn}`, tour, stop, 'at.fn');
  }
  const step = trace.steps[stepIndex];
  if (r.item === undefined && r.call === undefined && r.symbol === undefined) return { stop, pos: step.pos, stepIndex };
  if (r.item !== undefined) {
    if (r.item >= step.span || !step.block)
      throw new TourError('NO_ITEM', `${tour}: ${where}: the step has ${step.block ? step.span : 0} item(s)`, tour, stop, 'at.item');
    return { stop, pos: step.pos + r.item, stepIndex };
  }
  let hits = 0;
  for (let i = 0; i < step.span; i++) {
    const item = await trace.item(step.pos + i);
    const ok = r.call !== undefined ? callsFunction(item, r.call) : namesSymbol(item, r.symbol ?? '');
    if (ok && hits++ === (r.hit ?? 0)) return { stop, pos: step.pos + i, stepIndex };
  }
  throw new TourError(
    'NO_ITEM',
    `${tour}: ${where}: ${hits} matching item(s) among ${step.span}`,
    tour,
    stop,
    r.call !== undefined ? 'at.call' : 'at.symbol',
  );
}

export async function resolveTour(tour: Tour, trace: TourTrace, opBase = 0): Promise<ResolvedStop[]> {
  const out: ResolvedStop[] = [];
  for (let i = 0; i < tour.stops.length; i++) out.push(await resolveRef(tour.id, i, tour.stops[i].at, trace, opBase));
  return out;
}
