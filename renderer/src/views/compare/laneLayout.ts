/**
 * Swimlane layout for the two load paths. A cell is one kernel's steps of one stage in one lane
 * (e.g. 6.1's kernel-space "check it" steps), its steps stacked in order. ELK (layered, direction
 * RIGHT, partitioned by stage: partition = the stage's place in STAGE_ORDER) places the cells of
 * both kernels in one graph, the path's stage changes as edges, so "reserve memory" of 2.4 and of
 * 6.1 share a column. ELK decides x; the lanes decide y (per kernel three lanes — user space,
 * syscall boundary, kernel space — 2.4 above 6.1).
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Side, Stage, StepInfo } from '../../../../engine/trace/types';
import { SIDES, STAGE_ORDER, crossings, sideOf, stageOf, type SyscallName, type Version } from './stages';

export const NODE_W = 108;
export const NODE_H = 30;
const STACK_GAP = 4;
const LANE_PAD = 8;
const LABEL_W = 84;
const COL_HEAD = 30;
const KERNEL_HEAD = 24;
const KERNEL_GAP = 16;
/** Room at the top of the syscall lane for the syscalls' names. */
const CALL_LABEL = 20;
/** Extra room between stage columns (ELK's layer spacing is uniform). */
const STAGE_GAP = 4;

export interface LaneNode {
  key: string;
  version: Version;
  /** Index of the step in its run. */
  index: number;
  step: StepInfo;
  stage: Stage;
  side: Side;
  x: number;
  y: number;
}

export interface LaneBand {
  version: Version;
  side: Side;
  y: number;
  h: number;
}

export interface Column {
  stage: Stage;
  x0: number;
  x1: number;
}

export interface SyscallArrow {
  version: Version;
  dir: 'call' | 'return';
  syscall: SyscallName;
  /** The step the arrow points at (index in its run). */
  index: number;
  x: number;
  /** From (tail) and to (head), y only: arrows are vertical. */
  y0: number;
  y1: number;
}

export interface LaneLayout {
  width: number;
  height: number;
  labelW: number;
  colHead: number;
  nodes: LaneNode[];
  bands: LaneBand[];
  kernels: { version: Version; y: number; h: number }[];
  columns: Column[];
  arrows: SyscallArrow[];
}

const elk = new ELK();

export async function layoutLanes(runs: { version: Version; steps: StepInfo[] }[]): Promise<LaneLayout> {
  // Cells: key "version|side|stage" → the step indices in it, in order.
  const cells = new Map<string, { version: Version; side: Side; stage: Stage; steps: number[] }>();
  const cellKey = (v: Version, s: StepInfo) => `${v}|${sideOf(s)}|${stageOf(s)}`;
  for (const r of runs)
    r.steps.forEach((s, i) => {
      const k = cellKey(r.version, s);
      const c = cells.get(k) ?? { version: r.version, side: sideOf(s), stage: stageOf(s), steps: [] };
      c.steps.push(i);
      cells.set(k, c);
    });
  const cellH = (n: number) => n * NODE_H + (n - 1) * STACK_GAP;

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.partitioning.activate': 'true',
      // One graph for both kernels, so the partitions (stages) line up across them.
      'elk.separateConnectedComponents': 'false',
      'elk.spacing.nodeNode': '6',
      'elk.layered.spacing.nodeNodeBetweenLayers': '12',
    },
    children: [...cells].map(([id, c]) => ({
      id,
      width: NODE_W,
      height: cellH(c.steps.length),
      layoutOptions: { 'elk.partitioning.partition': String(STAGE_ORDER.indexOf(c.stage)) },
    })),
    edges: [],
  };
  // The path as edges between cells of different stages (a change of lane inside a stage stays in its column).
  const seen = new Set<string>();
  for (const r of runs)
    for (let i = 1; i < r.steps.length; i++) {
      const a = r.steps[i - 1];
      const b = r.steps[i];
      if (stageOf(a) === stageOf(b)) continue;
      const id = `${cellKey(r.version, a)}>${cellKey(r.version, b)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      graph.edges!.push({ id, sources: [cellKey(r.version, a)], targets: [cellKey(r.version, b)] });
    }
  const laid = await elk.layout(graph);
  const xOf = new Map<string, number>();
  for (const c of laid.children ?? []) xOf.set(c.id, c.x ?? 0);

  const stagesUsed = STAGE_ORDER.filter((st) => [...cells.values()].some((c) => c.stage === st));
  const shift = (st: Stage) => LABEL_W + 8 + stagesUsed.indexOf(st) * STAGE_GAP;

  // Lanes: as tall as their tallest cell.
  const bands: LaneBand[] = [];
  const kernels: LaneLayout['kernels'] = [];
  const nodes: LaneNode[] = [];
  let y = COL_HEAD;
  for (const r of runs) {
    const ky = y;
    y += KERNEL_HEAD;
    for (const side of SIDES) {
      const inLane = [...cells.entries()].filter(([, c]) => c.version === r.version && c.side === side);
      const rows = Math.max(1, ...inLane.map(([, c]) => c.steps.length));
      const top = LANE_PAD + (side === 'syscall' ? CALL_LABEL : 0);
      const h = top + LANE_PAD + cellH(rows);
      for (const [id, c] of inLane)
        c.steps.forEach((i, row) => {
          const s = r.steps[i];
          nodes.push({ key: `${r.version}:${i}`, version: r.version, index: i, step: s, stage: c.stage, side, x: (xOf.get(id) ?? 0) + shift(c.stage), y: y + top + row * (NODE_H + STACK_GAP) });
        });
      bands.push({ version: r.version, side, y, h });
      y += h;
    }
    kernels.push({ version: r.version, y: ky, h: y - ky });
    y += KERNEL_GAP;
  }
  nodes.sort((a, b) => (a.version === b.version ? a.index - b.index : a.version < b.version ? -1 : 1));

  const columns: Column[] = stagesUsed.map((stage) => {
    const xs = nodes.filter((n) => n.stage === stage).map((n) => n.x);
    return { stage, x0: Math.min(...xs) - 5, x1: Math.max(...xs) + NODE_W + 5 };
  });

  const arrows: SyscallArrow[] = [];
  for (const r of runs) {
    const band = (side: Side) => bands.find((b) => b.version === r.version && b.side === side)!;
    const user = band('user');
    for (const c of crossings(r.steps)) {
      const n = nodes.find((m) => m.version === r.version && m.index === c.step)!;
      if (c.dir === 'call') {
        // From the user lane down into the step the call enters (in the boundary or kernel lane), its name on the boundary.
        arrows.push({ version: r.version, dir: 'call', syscall: c.syscall, index: c.step, x: n.x + 12, y0: user.y + user.h - LANE_PAD, y1: n.y });
      } else {
        // Back up over the boundary to the user step that carries on with the result.
        const from = band('syscall');
        arrows.push({ version: r.version, dir: 'return', syscall: c.syscall, index: c.step, x: n.x + NODE_W - 10, y0: from.y + CALL_LABEL, y1: user.y + user.h - 2 });
      }
    }
  }

  const width = Math.max(...nodes.map((n) => n.x + NODE_W), LABEL_W + 200) + 8;
  return { width, height: y - KERNEL_GAP + 6, labelW: LABEL_W, colHead: COL_HEAD, nodes, bands, kernels, columns, arrows };
}
