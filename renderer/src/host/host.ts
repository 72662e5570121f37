/**
 * The renderer's one door to the engine. Two implementations with one behaviour:
 *  - IPC host: Electron preload's window.modscope (engine in the main process);
 *  - Worker host: the engine in a Web Worker (browser build).
 * Views only ever see `Host`.
 */
import type { EngineArg, EngineMethod, EngineValue, ModuleTreeInfo, ProgressEvent, Result } from '../../../engine/api-types';
import type { OpenedFile } from './modscope-api';
import { countingBoots } from './kernelGeneration';
import { DeltaReceiver, type SeekDelta } from './seekDelta';

export type { OpenedFile } from './modscope-api';

export interface Host {
  kind: 'electron' | 'worker';
  call<M extends EngineMethod>(method: M, arg: EngineArg<M>, onProgress?: (p: ProgressEvent) => void): Promise<Result<EngineValue<M>>>;
  /** Files opened from outside the page (menu, command line). No-op in the browser. */
  onOpenFile(cb: (file: OpenedFile) => void): () => void;
  /** A native open dialog when the host has one (else null: use the file input). */
  openDialog: (() => Promise<OpenedFile | null>) | null;
  /**
   * A native folder dialog for a module tree, read by the host itself (Electron: main reads the files modprobe
   * needs); null in the browser, where the page reads a directory input's files and answers kernel.shell's needs.
   */
  pickModuleTree: (() => Promise<Result<ModuleTreeInfo | null>>) | null;
}

function internal(message: string): Result<never> {
  return { ok: false, error: { code: 'INTERNAL', message } };
}

function ipcHost(): Host {
  const bridge = window.modscope!;
  const listeners = new Set<(p: ProgressEvent) => void>();
  bridge.onProgress((p) => listeners.forEach((l) => l(p)));
  return {
    kind: 'electron',
    async call(method, arg, onProgress) {
      if (onProgress) listeners.add(onProgress);
      try {
        return await bridge.call(method, arg);
      } catch (e) {
        return internal(e instanceof Error ? e.message : String(e));
      } finally {
        if (onProgress) listeners.delete(onProgress);
      }
    },
    onOpenFile(cb) {
      const off = bridge.onOpenFile(cb);
      return typeof off === 'function' ? off : () => {};
    },
    openDialog: () => bridge.openDialog(),
    pickModuleTree: bridge.pickModuleTree ? () => bridge.pickModuleTree?.() ?? Promise.resolve({ ok: true, value: null }) : null,
  };
}

type WorkerReply =
  | { id: number; type: 'progress'; progress: ProgressEvent }
  | { id: number; type: 'result'; result: Result<unknown> }
  | { id: number; type: 'seek'; delta: SeekDelta };

/**
 * The engine worker's name: "+cpu" when the page opens on a trace link (#…insmod=…: export, a presenter's link), whose
 * kernel boots at once: the worker then loads its x86-64 decoder as it starts (engine.worker.ts), not when the boot
 * arrives (export's first use waited 0.1–0.3 s for it).
 */
export function engineWorkerName(hash: string): string {
  return /[#&]insmod=/.test(hash) ? 'modscope-engine+cpu' : 'modscope-engine';
}

function workerHost(): Host {
  const name = engineWorkerName(typeof location !== 'undefined' ? location.hash : '');
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name });
  let nextId = 1;
  const pending = new Map<number, { method: EngineMethod; resolve: (r: Result<unknown>) => void; onProgress?: (p: ProgressEvent) => void }>();
  // kernel.seek answers arrive as deltas against the previous one (seekDelta.ts), decoded in arrival order.
  const seeks = new DeltaReceiver();
  worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
    const msg = ev.data;
    if (msg.type === 'seek') {
      const view = seeks.decode(msg.id, msg.delta);
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      p?.resolve(typeof view === 'string' ? internal(view) : { ok: true, value: view });
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') p.onProgress?.(msg.progress);
    else {
      if (p.method === 'kernel.seek') seeks.reset();
      pending.delete(msg.id);
      p.resolve(msg.result);
    }
  };
  worker.onerror = (ev) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.resolve(internal(`engine worker failed: ${ev.message}`));
    }
  };
  return {
    kind: 'worker',
    call(method, arg, onProgress) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { method, resolve: resolve as (r: Result<unknown>) => void, onProgress });
        const transfer: Transferable[] = [];
        if (method === 'open') {
          // Hand the file's bytes over without a copy (the caller does not keep them).
          const bytes = (arg as EngineArg<'open'>).bytes;
          if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
            transfer.push(bytes.buffer);
          }
        }
        if (method === 'kernel.shell') {
          // A module tree's files, read for this call only.
          for (const f of (arg as EngineArg<'kernel.shell'>).files ?? [])
            if (f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength && f.bytes.buffer instanceof ArrayBuffer)
              transfer.push(f.bytes.buffer);
        }
        worker.postMessage({ id, method, arg, progress: !!onProgress }, transfer);
      });
    },
    onOpenFile: () => () => {},
    openDialog: null,
    pickModuleTree: null,
  };
}

let host: Host | null = null;

export function getHost(): Host {
  if (!host) host = countingBoots(typeof window !== 'undefined' && window.modscope ? ipcHost() : workerHost());
  return host;
}
