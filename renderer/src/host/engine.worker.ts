/// <reference lib="webworker" />
/** The browser host's engine: answers {id, method, arg} with progress and result messages. */
import { createEngine } from '../../../engine/engine';
import type { IcedDecoderHandle } from './decoder';
import type { EngineMethod, ProgressEvent, Result, SeekView } from '../../../engine/api-types';
import { DeltaSender } from './seekDelta';

declare const self: DedicatedWorkerGlobalScope;

// iced-x86 (1 MB of inlined wasm, compiled synchronously) is fetched after the worker starts, not before:
// opening and reading a .ko (the first paint) never needs it. Only the CPU does: every method that boots or
// runs a kernel (kernel.*, quiz.*, whatif.*) waits for it; it starts loading once the first answer is sent
// (issue #15: first paint).
let createDecoder: (() => IcedDecoderHandle) | null = null;
let decoderReady: Promise<void> | null = null;
const loadDecoder = () =>
  (decoderReady ??= import('./decoder').then((m) => {
    createDecoder = m.createBrowserDecoder;
  }));
const ELF_ONLY = new Set<string>(['open', 'close', 'overview', 'symbols', 'relocations', 'bytes']);
// Named so by host.ts (engineWorkerName) when the page opens on a trace link, whose kernel boots at once: fetch the
// decoder now, while the page still renders and fetches the profile (export's first use waited ~0.1–0.3 s for it).
if (self.name.endsWith('+cpu')) void loadDecoder();

const engine = createEngine({
  decoder: () => {
    if (!createDecoder) throw new Error('the x86-64 decoder is still loading');
    return createDecoder();
  },
});

/** kernel.seek answers go out as deltas against the previous one (seekDelta.ts). */
const seeks = new DeltaSender();

interface Request {
  id: number;
  method: EngineMethod;
  arg: never;
  progress: boolean;
}

self.onmessage = async (ev: MessageEvent<Request>) => {
  const { id, method, arg, progress } = ev.data;
  let result: Result<unknown>;
  try {
    const onProgress = progress ? (p: ProgressEvent) => self.postMessage({ id, type: 'progress', progress: p }) : undefined;
    if (!ELF_ONLY.has(method)) await loadDecoder();
    result = await engine.call(method, arg, onProgress);
  } catch (e) {
    result = { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
  }
  if (method === 'kernel.seek') {
    if (result.ok) self.postMessage({ id, type: 'seek', delta: seeks.encode(id, result.value as SeekView) });
    else {
      seeks.reset();
      self.postMessage({ id, type: 'result', result });
    }
    return;
  }
  const transfer: Transferable[] = [];
  if (result.ok && result.value instanceof Uint8Array) {
    // Copy first: the engine's bytes may be a view of the whole file, which must stay attached.
    const copy = result.value.slice();
    result = { ok: true, value: copy };
    transfer.push(copy.buffer);
  }
  self.postMessage({ id, type: 'result', result }, transfer);
  if (!decoderReady) setTimeout(() => void loadDecoder(), 0);
};
