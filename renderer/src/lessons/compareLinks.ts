/**
 * Links between the comparison and the lessons. From a compare stage: the tour stops that show the
 * same module's load at that stage on that kernel (a stop names its step by operation and function,
 * resolve.ts's way: the nth step of that function in the operation, here the comparison's own run
 * of the same insmod). From a tour stop: the comparison at the stop's stage, its kernel on the stop's step.
 */
import type { StepInfo } from '../../../engine/api-types';
import type { Tour, TourRun } from '../../../engine/tours/index';
import { stageOf, type Version } from '../views/compare/stages';

export interface StopLink {
  tour: string;
  /** 0-based stop. */
  stop: number;
  concepts: string[];
  href: string;
}

/** The module file an operation's command loads ("insmod hello.ko count=3" → hello.ko), or null. */
function insmodFile(command: string): string | null {
  const m = /^insmod\s+(\S+)/.exec(command);
  return m ? (m[1].split('/').pop() ?? null) : null;
}

/** The setup lines that became operations (insmod, rmmod, modprobe), in order: operation i is line i. */
function opCommands(t: Tour): string[] {
  return t.setup.filter((l) => /^(insmod|rmmod|modprobe)\b/.test(l.trim()));
}

/** Tour stops on `kernel`'s load of `fileName` at the stage `step` (the comparison's lit step) is in. */
export function stopsAtStage(tours: Iterable<Tour>, fileName: string, kernel: Version, steps: readonly StepInfo[], step: StepInfo): StopLink[] {
  const out: StopLink[] = [];
  const stage = stageOf(step);
  for (const t of tours) {
    if (t.kernel !== kernel) continue;
    const ops = opCommands(t);
    t.stops.forEach((s, i) => {
      if (insmodFile(ops[s.at.op] ?? '') !== fileName) return;
      const matching = steps.filter((x) => x.fn === s.at.fn);
      const at = matching[s.at.nth ?? 0];
      if (at && stageOf(at) === stage) out.push({ tour: t.id, stop: i, concepts: s.concepts, href: `#view=lessons&tour=${t.id}&stop=${i + 1}` });
    });
  }
  return out;
}

/** The comparison at a tour stop's stage, the tour's kernel on the stop's step (null: not an insmod's step). */
export function compareHref(tour: Tour, run: TourRun, stepIndex: number): string | null {
  const step = run.steps[stepIndex];
  if (!step) return null;
  const command = run.ops.find((o) => o.index === step.op)?.command ?? '';
  if (!/^insmod\s/.test(command)) return null;
  const n = run.steps.filter((s) => s.op === step.op).indexOf(step) + 1;
  const args = command.replace(/^insmod\s+/, '').replace(/^\S*\//, '');
  const k = tour.kernel === '2.4' ? 'k24' : 'k61';
  return `#view=compare&insmod=${encodeURIComponent(args)}&stage=${stageOf(step)}&${k}=${n}`;
}
