/// <reference lib="webworker" />
/** The browser host's engine: answers {id, method, arg} with progress and result messages. */
import { createEngine } from '../../../engine/engine';
import { createBrowserDecoder } from './decoder';
import type { EngineMethod, ProgressEvent, Result } from '../../../engine/api-types';

declare const self: DedicatedWorkerGlobalScope;

const engine = createEngine({ decoder: createBrowserDecoder });

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
    result = await engine.call(method, arg, onProgress);
  } catch (e) {
    result = { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
  }
  const transfer: Transferable[] = [];
  if (result.ok && result.value instanceof Uint8Array) {
    // Copy first: the engine's bytes may be a view of the whole file, which must stay attached.
    const copy = result.value.slice();
    result = { ok: true, value: copy };
    transfer.push(copy.buffer);
  }
  self.postMessage({ id, type: 'result', result }, transfer);
};
