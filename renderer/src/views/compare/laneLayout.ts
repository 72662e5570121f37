/**
 * One kernel's load path as a line through three lanes (user space, syscall boundary, kernel
 * space): step i sits in slot i, left to right, in the lane of the side that runs it, so the step
 * numbers always read in order and the path never crosses itself. Consecutive steps of one stage
 * form a labelled segment of the stage strip above the lanes; a step from user space into the
 * kernel is a syscall (a thick arrow over the boundary, named), a step back a return.
 *
 * Pure: numbers in, positions out (drawn by PathLanes.tsx; tested in compare.test.ts). Units are
 * CSS pixels of the width asked for, so font sizes in the drawing are what the projector shows.
 */
import type { Side, Stage, StepInfo } from '../../../../engine/trace/index';
import { SIDES, STAGE_LABEL, crossings, sideOf, stageOf, type SyscallName, type Version } from './stages';

export const LABEL_W = 142;
export const TITLE_H = 27;
/**
 * The stage strip: two rows of names over a bar of segments (a run of one stage's steps each). A
 * segment is often one or two steps wide, narrower than its name at 20 px: the name sits over it,
 * centred, in whichever row has room, with a leader to its segment, so names are whole or absent
 * (the segment's tooltip), never cut.
 */
export const STRIP_ROW = 23;
export const STRIP_BAR = 8;
export const STRIP_H = 2 * STRIP_ROW + STRIP_BAR + 4;
/** Tall enough that a syscall's name on the boundary (22 px) clears the nodes above and below it (radius ≤ 13). */
export const LANE_H = 48;
const PAD_R = 10;
/**
 * Label sizes: ≥ 20 px for what a room must read on a 720p projector (stage, lane, syscall, step numbers).
 * Where the slots are too narrow for every step's number at that size, every k-th step is numbered
 * (numberEvery) and the others are dots; the lit step is always numbered.
 */
export const FONT = { title: 22, stage: 20, lane: 20, syscall: 20, number: 20 } as const;

/** 1 when every step's number fits its slot at FONT.number, else the smallest of 2, 5, 10 steps whose span fits one. */
export function numberEvery(slot: number, steps: number): number {
  const need = String(Math.max(1, steps)).length * FONT.number * MONO_EM + 6;
  return [1, 2, 5, 10].find((k) => k * slot >= need) ?? 10;
}

/** Whether step index i (0-based) carries its number; a neighbour whose number would touch the lit step's (larger) one is a dot. */
export function numbered(i: number, every: number, lit: number, slot = Infinity, steps = 99): boolean {
  if (i === lit) return true;
  if (every > 1 && Math.abs(i - lit) * slot < String(Math.max(1, steps)).length * (FONT.number + 2) * MONO_EM + 10) return false;
  return every === 1 || i === 0 || (i + 1) % every === 0;
}
/** Largest node radius: keeps the nodes clear of the syscall names on the boundary. */
export const MAX_RADIUS = 13;
/** Height of a syscall's name pill. */
export const PILL_H = 22;
/** Average advance of the sans/mono faces per px of font size, for fitting labels without a DOM. */
const SANS_EM = 0.56;
const MONO_EM = 0.62;

export interface PathNode {
  key: string;
  version: Version;
  index: number;
  step: StepInfo;
  stage: Stage;
  side: Side;
  x: number;
  y: number;
}

export interface StageSegment {
  stage: Stage;
  /** Step indices [first, last] of the run. */
  first: number;
  last: number;
  x0: number;
  x1: number;
  /** The stage's name in full, or '' when neither row has room for it (only the tooltip says it). */
  label: string;
  /** Which row of the strip the name sits in (0 top, 1 bottom) and its centre. */
  row: 0 | 1;
  labelX: number;
}

/** Estimated width of a stage name in the strip (semi-bold runs ~12% wider than SANS_EM). */
export function stageLabelWidth(label: string, size: number = FONT.stage): number {
  return textWidth(label, size) * 1.12;
}

export interface LaneBand {
  side: Side;
  y: number;
  h: number;
}

export interface SyscallArrow {
  version: Version;
  dir: 'call' | 'return';
  syscall: SyscallName;
  /** The step the arrow enters (index in its run). */
  index: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Where the name sits: on the user/kernel boundary. */
  labelX: number;
  labelY: number;
}

export interface PathLayout {
  version: Version;
  width: number;
  height: number;
  slot: number;
  radius: number;
  nodes: PathNode[];
  segments: StageSegment[];
  bands: LaneBand[];
  arrows: SyscallArrow[];
  /** y of the line between user space and the syscall lane. */
  boundaryY: number;
}

/** The text, shortened with … to about maxPx at a font size (estimated). */
export function fitLabel(text: string, maxPx: number, size: number, em = SANS_EM): string {
  const n = Math.floor(maxPx / (size * em));
  if (n >= text.length) return text;
  if (n < 4) return '';
  return `${text.slice(0, n - 1)}…`;
}

export function textWidth(text: string, size: number, mono = false): number {
  return text.length * size * (mono ? MONO_EM : SANS_EM);
}

/** Width of a syscall's name pill ("create_module()"). */
export function syscallLabelWidth(name: string): number {
  return textWidth(`${name}()`, FONT.syscall, true) + 14;
}

export function layoutPath(version: Version, steps: StepInfo[], width: number): PathLayout {
  const n = Math.max(1, steps.length);
  const slot = (width - LABEL_W - PAD_R) / n;
  const radius = Math.max(7, Math.min(MAX_RADIUS, slot * 0.44));
  const top = TITLE_H + STRIP_H;
  const bands: LaneBand[] = SIDES.map((side, k) => ({ side, y: top + k * LANE_H, h: LANE_H }));
  const laneY = (side: Side) => bands.find((b) => b.side === side)!.y + LANE_H / 2;
  const xOf = (i: number) => LABEL_W + (i + 0.5) * slot;

  const nodes: PathNode[] = steps.map((s, i) => ({
    key: `${version}:${i}`,
    version,
    index: i,
    step: s,
    stage: stageOf(s),
    side: sideOf(s),
    x: xOf(i),
    y: laneY(sideOf(s)),
  }));

  const segments: StageSegment[] = [];
  for (let i = 0; i < steps.length; i++) {
    const st = stageOf(steps[i]);
    const last = segments[segments.length - 1];
    if (last && last.stage === st && last.last === i - 1) {
      last.last = i;
      last.x1 = LABEL_W + (i + 1) * slot;
    } else segments.push({ stage: st, first: i, last: i, x0: LABEL_W + i * slot, x1: LABEL_W + (i + 1) * slot, label: '', row: 0, labelX: 0 });
  }
  // Names left to right, each in the first row whose last name ends before it starts; wider
  // segments first get their pick so long runs are always named.
  const placed: { row: 0 | 1; l: number; r: number }[] = [];
  const order = [...segments].sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0) || a.x0 - b.x0);
  for (const g of order) {
    const name = STAGE_LABEL[g.stage];
    const w = stageLabelWidth(name);
    const cx = Math.max(LABEL_W + w / 2, Math.min(width - PAD_R - w / 2, (g.x0 + g.x1) / 2));
    const l = cx - w / 2 - 11;
    const r = cx + w / 2 + 11;
    // A top-row name's leader runs down through the bottom row to its segment: nothing sits on it there.
    const mid = (g.x0 + g.x1) / 2;
    const free = (k: 0 | 1) =>
      !placed.some((p) => p.row === k && p.l < r && l < p.r) && (k === 1 || !placed.some((p) => p.row === 1 && p.l < mid + 3 && mid - 3 < p.r));
    const row = ([0, 1] as const).find(free);
    if (row === undefined) continue;
    placed.push({ row, l, r });
    if (row === 0) placed.push({ row: 1, l: mid - 3, r: mid + 3 });
    g.label = name;
    g.row = row;
    g.labelX = cx;
  }

  const boundaryY = bands[1].y;
  const arrows: SyscallArrow[] = [];
  for (const c of crossings(steps)) {
    const to = nodes[c.step];
    const from = nodes[c.step - 1] ?? { x: to.x - slot, y: laneY('user') };
    arrows.push({
      version,
      dir: c.dir,
      syscall: c.syscall,
      index: c.step,
      x0: from.x,
      y0: from.y,
      x1: to.x,
      y1: to.y,
      labelX: (from.x + to.x) / 2,
      labelY: boundaryY,
    });
  }
  // The calls' names on the boundary, each just right of where its arrow crosses it, pushed right
  // so no two overlap (a name never covers its own arrow).
  // When the last names would run off the right edge, they are pulled back left, pushing their
  // neighbours along, so the names never overlap one another.
  const calls = arrows.filter((a) => a.dir === 'call');
  let right = LABEL_W;
  for (const a of calls) {
    const w = syscallLabelWidth(a.syscall);
    a.labelX = Math.max(a.labelX + 6, right + 6) + w / 2;
    right = a.labelX + w / 2;
  }
  let left = width - 2;
  for (let k = calls.length - 1; k >= 0; k--) {
    const a = calls[k];
    const w = syscallLabelWidth(a.syscall);
    a.labelX = Math.max(LABEL_W + w / 2, Math.min(a.labelX, left - w / 2));
    left = a.labelX - w / 2 - 6;
  }
  return { version, width, height: top + SIDES.length * LANE_H + 4, slot, radius, nodes, segments, bands, arrows, boundaryY };
}
