/**
 * The x86-64 decoder for the engine in the browser worker: the same iced-x86 adapter Node and
 * Electron main use (host-common/iced-decoder.ts imports nothing from Node), with 'iced-x86' served by
 * renderer/vite.iced.mjs as an ES module with the wasm inlined and instantiated synchronously.
 * Only for workers: a browser main thread refuses synchronous compilation of a module this size.
 */
import { createIcedDecoder, type IcedDecoderHandle } from '../../../host-common/iced-decoder';

export type { IcedDecoderHandle };

export function createBrowserDecoder(): IcedDecoderHandle {
  return createIcedDecoder();
}
