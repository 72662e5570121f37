/**
 * The page's link for every tab (the Load view's trace links are link.ts's):
 *
 *   #view=compare&insmod=hello.ko%20count=3&k24=9&k61=19   the comparison, each kernel's step (1-based)
 *   #view=compare&insmod=hello.ko%20count=3&stage=relocate both kernels on a stage
 *   #kernel=2.4&insmod=hello.ko%20count=3&step=9           2.4's trace: shown on the comparison (the Load view boots 6.1)
 *   #view=lessons&tour=hello-24&stop=4                     a lesson's tour at stop 4
 *   #view=lessons&story=C03,C05,C06&stop=4                 several concepts' stops as one story, at its 4th stop
 *   #view=whatif&sample=hello/hello.ko&mutation=crc:_printk&args=count=3   a what-if on a sample
 *   #view=whatif&sample=consumer/consumer.ko&with=provider/provider.ko&mutation=without:provider   … with providers first
 *   #view=sections&sample=hello/hello.ko                   a file view of a bundled sample
 *   #kernel=6.1&insmod=…&pos=…&view=load                   the Load view (link.ts)
 *   #view=load&sample=hello/hello.ko&seed=17&args=count=3   an exercise on the Load view (also on
 *                                                          compare and lessons): seed, optional student=…
 *
 * A link the app cannot honour parses to an `error` that says why (shown in the banner), never
 * to silence.
 */
import type { Stage } from '../../../engine/trace/index';
import { STAGE_ORDER } from '../views/compare/stages';
import { linkModuleFile, parseLink, sampleUrlFor, type TraceLink } from './link';
import { TAB_IDS, type TabId } from '../../../host-common/views';

/** Every tab takes a link (#view=ID): the ids of host-common/views.ts's TABS. */
export const LINK_TABS = TAB_IDS;
export type LinkTab = TabId;

export interface AppLink {
  tab: LinkTab;
  /** Sample URLs to open, the first being the module shown ("/samples/hello/hello.ko"). */
  samples: string[];
  /** The Load view's trace (tab load). */
  trace?: TraceLink;
  compare?: { args: string; stage?: Stage; steps: { '2.4'?: number; '6.1'?: number } };
  /** A tour and its stop; or, with story (concept ids), the story's stop (tour then unused). */
  lesson?: { tour: string; stop: number; story?: string[] };
  /** The What if tab: the mutation (KIND:ARGUMENT), insmod's arguments, the samples loaded first (absent: the module's depends=). */
  whatif?: { mutation: string; args: string; with?: string };
  /** An exercise (predict, then reveal) on the tab: the lecturer's seed, a student's name or number, insmod's arguments. */
  exercise?: ExerciseLink;
  /** Why the link cannot be honoured (in full or in part). */
  error?: string;
}

export interface ExerciseLink {
  seed: number;
  student: string;
  /** insmod's name=value arguments (the Load view's; the comparison's come from its insmod=…). */
  args?: string;
}

/** seed=, student=, args= of an exercise link; nothing when there is no seed=. */
function exerciseParams(q: URLSearchParams): { exercise?: ExerciseLink; error?: string } {
  const seed = q.get('seed');
  if (seed === null) return {};
  if (!/^\d{1,10}$/.test(seed) || Number(seed) > 0xffffffff) return { error: `seed must be an integer 0..4294967295, got "${seed}"` };
  const student = q.get('student') ?? '';
  if (student.length > 200) return { error: 'student must be at most 200 characters' };
  const args = q.get('args');
  return { exercise: { seed: Number(seed), student, ...(args !== null ? { args } : {}) } };
}

const enc = (s: string) => encodeURIComponent(s).replace(/%3D/g, '=').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');

function pos1(v: string | null, what: string): { n?: number; error?: string } {
  if (v === null) return {};
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) return { error: `${what} must be a step number from 1, got "${v}"` };
  return { n: Number(v) };
}

/** Every module file the link's commands insmod, in order, without repeats. */
export function moduleFiles(commands: string[]): string[] {
  const out: string[] = [];
  for (const c of commands) {
    const f = linkModuleFile({ kernel: '', paging: 4, kaslrSeed: null, commands: [c], pos: null, step: null, view: '' });
    if (f && !out.includes(f)) out.push(f);
  }
  return out;
}

function sampleParam(v: string): string | null {
  const s = v.replace(/^\/?samples\//, '');
  return /^[\w.-]+\/[\w.-]+\.ko(\.(xz|zst|gz))?$/.test(s) ? `/samples/${s}` : null;
}

/** Read a fragment. Null when there is none (the app starts as usual). */
export function parseAppLink(fragment: string): AppLink | null {
  const raw = fragment.replace(/^#/, '');
  if (!raw) return null;
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(raw);
  } catch {
    return { tab: 'overview', samples: [], error: `link "#${raw}" is not a list of name=value pairs` };
  }
  const view = q.get('view');
  const kernel = q.get('kernel');
  const sample = q.get('sample');
  const samples: string[] = [];
  let error: string | undefined;
  if (sample !== null) {
    const url = sampleParam(sample);
    if (url) samples.push(url);
    else error = `sample "${sample}" is not a bundled sample path (name/name.ko)`;
  }
  const insmods = [...q.entries()]
    .filter(([k]) => k === 'insmod' || k === 'rmmod' || k === 'modprobe')
    .map(([k, v]) => (v.trim() ? `${k} ${v.trim()}` : k));
  for (const f of moduleFiles(insmods)) if (!samples.includes(sampleUrlFor(f))) samples.push(sampleUrlFor(f));

  const ex = kernel === null ? exerciseParams(q) : {};
  error ??= ex.error;
  const exercise = ex.exercise ? { exercise: ex.exercise } : {};

  if (view && !(LINK_TABS as readonly string[]).includes(view))
    return { tab: 'overview', samples, error: `link names a view "${view}" the app does not have (${LINK_TABS.join(', ')})` };

  // 2.4 traces live on the comparison.
  if (view === 'compare' || (kernel !== null && /^2\.4/.test(kernel))) {
    const first = insmods.find((c) => c.startsWith('insmod '));
    const args = first ? first.split(/\s+/).slice(2).join(' ') : '';
    const steps: { '2.4'?: number; '6.1'?: number } = {};
    const a = pos1(q.get('k24') ?? (kernel?.startsWith('2.4') ? q.get('step') : null), '2.4 step');
    const b = pos1(q.get('k61'), '6.1 step');
    if (a.n) steps['2.4'] = a.n;
    if (b.n) steps['6.1'] = b.n;
    error ??= a.error ?? b.error;
    if (kernel?.startsWith('2.4') && q.get('pos') !== null && !q.get('step'))
      error ??= 'a 2.4 link gives step=N (the comparison moves by steps, not timeline positions)';
    if (kernel?.startsWith('2.4') && insmods.length > 1)
      error ??= `a 2.4 link replays one insmod on the comparison; ${insmods.length - 1} more command(s) ignored`;
    const stageRaw = q.get('stage');
    let stage: Stage | undefined;
    if (stageRaw !== null) {
      if ((STAGE_ORDER as string[]).includes(stageRaw)) stage = stageRaw as Stage;
      else error ??= `stage "${stageRaw}" is not one of ${STAGE_ORDER.join(', ')}`;
    }
    return { tab: 'compare', samples, compare: { args, stage, steps }, ...exercise, error };
  }
  if (view === 'lessons') {
    const tour = q.get('tour');
    const stop = pos1(q.get('stop'), 'stop');
    const story = q.get('story');
    if (story !== null) {
      const ids = story.split(',').filter(Boolean);
      if (!ids.length || ids.some((c) => !/^C\d\d$/.test(c)))
        return { tab: 'lessons', samples, error: error ?? `story "${story}" is not a list of concept ids (C03,C05,C06)` };
      return { tab: 'lessons', samples, lesson: { tour: '', stop: (stop.n ?? 1) - 1, story: ids }, error: error ?? stop.error };
    }
    if (!tour) return { tab: 'lessons', samples, ...exercise, error: error ?? 'a lessons link names its tour=…' };
    return { tab: 'lessons', samples, lesson: { tour, stop: (stop.n ?? 1) - 1 }, ...exercise, error: error ?? stop.error };
  }
  if (view === 'whatif') {
    const mutation = q.get('mutation');
    if (!mutation) return { tab: 'whatif', samples, error: error ?? 'a what-if link names its mutation=KIND:ARGUMENT (e.g. crc:_printk)' };
    if (!/^[a-z-]+:/.test(mutation)) return { tab: 'whatif', samples, error: error ?? `mutation "${mutation}" is not KIND:ARGUMENT` };
    const w = q.get('with');
    return { tab: 'whatif', samples, whatif: { mutation, args: q.get('args') ?? '', ...(w !== null ? { with: w } : {}) }, error };
  }
  if (kernel !== null) {
    const trace = parseLink(fragment);
    if (!trace)
      return {
        tab: 'load',
        samples,
        error: `link "#${raw}" is not a trace this app can replay (kernel=6.1 or 2.4, paging=4|5, kaslr=<seed>, commands, pos=N or step=N)`,
      };
    if (trace.kernel !== '6.1')
      return { tab: 'load', samples, error: `link asks for Linux ${trace.kernel}: the app models 6.1 (Load view) and 2.4 (comparison) only` };
    return { tab: 'load', samples, trace, error };
  }
  if (view) return { tab: view as LinkTab, samples, ...exercise, error };
  return { tab: 'overview', samples, error: `link "#${raw}" names no view=… and no kernel=…: nothing to open` };
}

/** The fragment for a tab's state. */
export function formatAppLink(l: {
  tab: LinkTab;
  sample?: string;
  compare?: { file: string; args: string; steps: { '2.4': number; '6.1': number } };
  lesson?: { tour: string; stop: number; story?: string[] };
  whatif?: { mutation: string; args: string; with?: string };
  exercise?: ExerciseLink;
}): string {
  const parts = [`view=${l.tab}`];
  if (l.tab === 'compare' && l.compare) {
    parts.push(`insmod=${enc([l.compare.file, l.compare.args].filter(Boolean).join(' '))}`);
    parts.push(`k24=${l.compare.steps['2.4']}`, `k61=${l.compare.steps['6.1']}`);
  } else if (l.tab === 'lessons' && l.lesson?.story) parts.push(`story=${l.lesson.story.join(',')}`, `stop=${l.lesson.stop + 1}`);
  else if (l.tab === 'lessons' && l.lesson) parts.push(`tour=${enc(l.lesson.tour)}`, `stop=${l.lesson.stop + 1}`);
  else if (l.sample) parts.push(`sample=${enc(l.sample.replace(/^\/samples\//, ''))}`);
  if (l.tab === 'whatif' && l.whatif) {
    if (l.whatif.with) parts.push(`with=${enc(l.whatif.with)}`);
    parts.push(`mutation=${enc(l.whatif.mutation)}`);
    if (l.whatif.args) parts.push(`args=${enc(l.whatif.args)}`);
  }
  if (l.exercise) {
    parts.push(`seed=${l.exercise.seed}`);
    if (l.exercise.student) parts.push(`student=${enc(l.exercise.student)}`);
    if (l.exercise.args && l.tab !== 'compare') parts.push(`args=${enc(l.exercise.args)}`);
  }
  return `#${parts.join('&')}`;
}
