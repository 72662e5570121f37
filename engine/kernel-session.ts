/**
 * The engine's modelled kernel: boot it from a profile, load and unload opened modules, run shell
 * lines, and answer timeline queries (seek, memory windows) for the views.
 */
import type { AllocationRow, BootRequest, KernelLogView, KernelSummary, LogRow, MemoryView, PlacedRow, SeekView } from './api-types';
import { formatTimestamp } from './kernel/log';
import { ModelKernel, type BootOptions } from './kernel/model';
import type { KernelProfile } from './kernel/profile';
import { kernelTaintLetters } from './kernel/taint';
import { loadModule } from './load/load-module';
import { modStrerror, strerror } from './load/errno';
import { unloadModule } from './load/unload';
import { hex64 } from './base/hex';
import { MACHINE } from './machine/qemu-pc';
import type { ItemDetail, OperationInfo, StepInfo } from './trace/types';
import type { Decoder } from './cpu/types';
import { attachCpu, type AttachOptions } from './cpu/attach';
import { disasmWindow, sprintSymbol } from './cpu/disasm-window';

export function kernelSummary(k: ModelKernel): KernelSummary {
  return {
    release: k.profile.release,
    machine: MACHINE.name,
    vermagic: k.profile.vermagic,
    paging: k.as.paging,
    kaslr: k.as.kaslr,
    seed: k.as.seed,
    kernelSlide: hex64(k.as.kernelSlide),
    moduleLoadOffset: hex64(k.as.moduleLoadOffset),
    modulesStart: hex64(k.modulesArea.start),
    regions: k.as.regions.map((r) => ({ name: r.name, start: hex64(r.start), end: hex64(r.end), what: r.what })),
    exports: k.profile.vmlinuxExports.length,
  };
}

export function bootKernel(profile: KernelProfile, req: BootRequest): ModelKernel {
  return new ModelKernel(profile, { paging: req.paging ?? 4, kaslrSeed: req.kaslrSeed ?? null, quiet: req.quiet ?? false });
}

/**
 * The batch facade: what a host that runs the kernel in-process without a timeline host in between (the CLI's
 * load, load-all, init-all, shell and whatif commands) boots, instead of wiring ModelKernel and the CPU by hand.
 * `decoder` attaches the CPU model (init runs on it); without one init is not run. `lean` keeps no steps and no
 * write log (corpus sweeps). Hosts with a timeline use createEngine() (engine.ts), which boots through bootKernel().
 */
export interface BatchKernelOptions extends BootOptions {
  decoder?: Decoder;
  cpu?: AttachOptions;
  lean?: boolean;
}

export function bootBatchKernel(profile: KernelProfile, o: BatchKernelOptions = {}): ModelKernel {
  const { decoder, cpu, lean, ...boot } = o;
  const k = new ModelKernel(profile, boot);
  if (lean) k.lean = true;
  if (decoder) attachCpu(k, decoder, cpu);
  return k;
}

/** Load an opened module as `insmod FILE ARGS` would, with insmod's message on failure (kmod 30). */
export function loadOpened(
  k: ModelKernel,
  fileName: string,
  image: Uint8Array,
  args: string,
  syscall: 'finit_module' | 'init_module',
  flags: number,
): OperationInfo {
  const { op } = loadModule(k, { fileName, image, args, syscall, flags });
  if (op.end?.kind === 'killed') op.output.push('Killed');
  else if (op.end?.kind === 'unknown') op.output.push(`[modscope] ${op.end.reason}: how insmod ends is not known`);
  else if (op.result) op.output.push(`insmod: ERROR: could not insert module ${fileName}: ${modStrerror(op.result)}`);
  return op;
}

/** delete_module as rmmod calls it, with rmmod's message on failure. */
export function unload(k: ModelKernel, name: string, force: boolean): OperationInfo {
  const { op } = unloadModule(k, { name, force });
  if (op.result === -2) op.output.push(`rmmod: ERROR: Module ${name} is not currently loaded`);
  else if (op.result) op.output.push(`rmmod: ERROR: could not remove module ${name}: ${strerror(op.result)}`);
  return op;
}

function logRows(k: ModelKernel, pos: number, limit = 200): LogRow[] {
  const recs = k.log.upTo(pos + 1);
  return recs
    .slice(-limit)
    .map((r) => ({ seq: r.seq, level: r.level, facility: r.facility, tsNs: r.tsNs, time: formatTimestamp(r.tsNs), text: r.text, pos: r.pos }));
}

/** The whole log up to pos, for the printk buffer pane (which replays it into either ring design). */
export function logAt(k: ModelKernel, pos: number): KernelLogView {
  return { pos, rows: logRows(k, pos, Infinity), printk: [...k.printk] };
}

function allocationRows(k: ModelKernel, pos: number): AllocationRow[] {
  return k.memory.allocations
    .filter((a) => a.allocatedAt <= pos && (a.freedAt === null || a.freedAt > pos) && a.kind !== 'kmalloc')
    .map((a) => ({
      id: a.id,
      base: hex64(a.base),
      size: a.size,
      kind: a.kind,
      label: a.label,
      owner: a.owner,
      allocatedAt: a.allocatedAt,
      freedAt: a.freedAt,
    }));
}

/**
 * What layoutRows() reads at pos besides the op's steps up to the step at pos: how many allocations were made and
 * freed, modules loaded and removed by pos, and the module lists as they are. Two positions of one step with the same
 * key have the same layout: none of those happened between them.
 */
function layoutKey(k: ModelKernel, op: OperationInfo, stepIndex: number, pos: number): string {
  let made = 0;
  let freed = 0;
  for (const a of k.memory.allocations) {
    if (a.allocatedAt <= pos) made++;
    if (a.freedAt !== null && a.freedAt <= pos) freed++;
  }
  let loaded = 0;
  for (const m of k.modules) if (m.loadedAt <= pos) loaded++;
  let gone = 0;
  for (const f of k.formerModules) {
    if (f.mod.loadedAt <= pos) loaded++;
    if (f.removedAt <= pos) gone++;
  }
  return `${k.timeline.length} ${op.index} ${stepIndex} ${made} ${freed} ${k.modules.length} ${k.formerModules.length} ${loaded} ${gone}`;
}

/**
 * The layout of the last seek per kernel, handed out again (the same array) while the key stays the same: amdgpu's is
 * ~1,100 rows of 13 modules, rebuilt on every seek and compared again by the browser host's delta encoding (issue #15).
 * Answers share it: callers treat seek answers as read-only.
 */
const layoutMemo = new WeakMap<ModelKernel, { key: string; rows: PlacedRow[] }>();

function layoutAt(k: ModelKernel, op: OperationInfo, stepIndex: number, pos: number): PlacedRow[] {
  const key = layoutKey(k, op, stepIndex, pos);
  const hit = layoutMemo.get(k);
  if (hit?.key === key) return hit.rows;
  const rows = layoutRows(k, op, pos);
  layoutMemo.set(k, { key, rows });
  return rows;
}

/** The op's layout (from layout_sections/layout_symtab) with addresses once move_module ran. */
export function layoutRows(k: ModelKernel, op: OperationInfo, pos: number): PlacedRow[] {
  const rows: PlacedRow[] = [];
  const addr = new Map<number, string>();
  for (let i = k.timeline.indexAt(op.startPos); i >= 0 && i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== op.index || s.pos > pos) break;
    for (const e of s.effects) {
      if (e.kind === 'place')
        rows.push({
          index: e.section,
          name: e.name,
          region: e.region,
          group: e.group,
          offset: e.offset,
          size: e.size,
          align: e.align,
          address: null,
        });
      if (e.kind === 'address') addr.set(e.section, e.address);
    }
  }
  for (const r of rows) r.address = (addr.get(r.index) as PlacedRow['address']) ?? null;
  // 2.4: insmod builds the image in its own memory (obj_create_image) and relocates it there; the
  // kernel's create_module() block stays empty until sys_init_module() copies the image over it.
  // Until that copy, every section is where insmod holds it: user buffer + its offset in the image.
  if (!imageCopied(k, op, pos)) {
    const user = k.memory.allocations.find(
      (a) => /\(user space\)$/.test(a.label) && a.allocatedAt >= op.startPos && a.allocatedAt <= pos && (a.freedAt === null || a.freedAt > pos),
    );
    if (user) for (const r of rows) r.address = hex64(user.base + BigInt(r.offset));
  }
  // Every other module loaded at pos keeps its sections where they are (hello's core while
  // `insmod nosuch.ko` runs; amdgpu's dependencies while amdgpu loads): drawn from their records.
  // Index: 1,000,000 × (n + 1) + the section's index, so rows of different modules never share a key.
  let n = 0;
  for (const m of k.modulesAt(pos)) {
    if (!m.core || m.core.allocatedAt >= op.startPos) continue;
    n++;
    for (const s of m.allSections) {
      if (s.size === 0) continue;
      const home = s.init ? m.init : m.core;
      if (!home || home.allocatedAt > pos || (home.freedAt !== null && home.freedAt <= pos)) continue;
      rows.push({
        index: 1_000_000 * n + s.index,
        name: s.name,
        region: s.init ? 'init' : 'core',
        group: s.group,
        offset: Number(s.address - home.base),
        size: s.size,
        align: 0,
        address: hex64(s.address),
        module: m.name,
      });
    }
  }
  return rows;
}

/** 2.4's sys_init_module() has copied the image over the create_module() block by pos (its "the module image" write). */
function imageCopied(k: ModelKernel, op: OperationInfo, pos: number): boolean {
  for (let i = k.timeline.indexAt(op.startPos); i >= 0 && i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== op.index || s.pos > pos) break;
    if (s.effects.some((e) => e.kind === 'write' && e.what === 'the module image')) return true;
  }
  return false;
}

/** An executed instruction with what needs the kernel: its disassembly window and the caller of its outermost frame. */
function instructionItem(k: ModelKernel, step: StepInfo, item: ItemDetail | null, pos: number, decoder: Decoder | null): ItemDetail | null {
  if (item?.kind !== 'instruction') return item;
  const root = item.stack[item.stack.length - 1];
  // do_one_initcall() calls mod->init, delete_module() calls mod->exit: the outermost frame returns there.
  if (root && !root.kernel) root.returnTo = step.fn;
  // With the function's size from the module's symbols, as sprint_symbol() prints it.
  item.where = sprintSymbol(k, BigInt(item.rip), pos) ?? item.where;
  for (const f of item.stack) {
    if (!f.kernel && f.pc) f.function = sprintSymbol(k, BigInt(f.pc), pos) ?? f.function;
    if (f.returnAddress && f !== root) f.returnTo = sprintSymbol(k, BigInt(f.returnAddress), pos) ?? f.returnTo;
  }
  if (decoder) item.around = disasmWindow(k, decoder, BigInt(item.rip), pos);
  return item;
}

export function seek(k: ModelKernel, pos: number, decoder: Decoder | null = null): SeekView {
  const length = k.timeline.length;
  const p = Math.max(0, Math.min(pos, length - 1));
  const at = k.timeline.at(p);
  if (!at) throw new Error('the timeline is empty');
  const operation = k.timeline.ops[at.step.op];
  const stepIndex = k.timeline.indexAt(p);
  return {
    pos: p,
    length,
    stepIndex,
    step: at.step,
    item: instructionItem(k, at.step, at.item, p, decoder),
    operation,
    modules: at.after.modules,
    taints: taintString(at.after.taints),
    // Up to this position, not the step's end: in init's instruction block a printk record enters the log at
    // the call instruction that made it, so scrubbing to before the call shows the log without it.
    log: logRows(k, p),
    allocations: allocationRows(k, p),
    layout: layoutAt(k, operation, stepIndex, p),
  };
}

/** Every kernel taint set (D after an oops, L after a soft lockup, W after a WARN), not only the module ones. */
function taintString(mask: number): string {
  return kernelTaintLetters(mask);
}

export function memoryAt(k: ModelKernel, address: bigint, length: number, pos: number): MemoryView {
  // The step at pos is shown with its effects applied: look just after it.
  const writes = k.timeline.foreignWrites(address, length);
  const bytes = k.memory.windowAt(address, length, pos + 1, writes);
  const relocs = writes.map((w) => ({ pos: w.pos, address: w.address, length: w.before.length, what: `relocation (position ${w.pos})` }));
  const writers = k.memory.writersAt(address, length, pos + 1, relocs);
  return { address: hex64(address), pos, bytes, writers };
}
