/**
 * xz via xz-decompress (xz-embedded compiled to wasm, as kmod's load_xz uses liblzma).
 * Its XzReadableStream is a WHATWG ReadableStream; the engine lib has no DOM types, so the
 * few members used are declared here and the constructor is taken from globalThis at run time.
 */
import { ElfError } from '../elf/errors';
import { INPUT_CHUNK, OutputSink } from './sink';

interface ReadResult {
  done: boolean;
  value?: Uint8Array;
}
interface MinimalReader {
  read(): Promise<ReadResult>;
  cancel(reason?: unknown): Promise<void>;
}
interface MinimalStream {
  getReader(): MinimalReader;
}
interface MinimalController {
  enqueue(chunk: Uint8Array): void;
  close(): void;
}
interface MinimalStreamCtor {
  new (source: { pull(controller: MinimalController): void }): MinimalStream;
}
interface XzModule {
  XzReadableStream: new (compressed: MinimalStream) => MinimalStream;
}

export async function decompressXz(
  bytes: Uint8Array,
  onProgress?: (done: number, total: number) => void,
  cap?: number,
  elf = true,
): Promise<Uint8Array> {
  const Stream = (globalThis as unknown as { ReadableStream?: MinimalStreamCtor }).ReadableStream;
  if (!Stream) throw new ElfError('DECOMPRESS_FAILED', 'xz: this runtime has no ReadableStream', 0);
  const mod = (await import('xz-decompress')) as unknown as XzModule & { default?: XzModule };
  const XzReadableStream = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  let fed = 0;
  const input = new Stream({
    pull(controller) {
      if (fed >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(bytes.length, fed + INPUT_CHUNK);
      controller.enqueue(bytes.slice(fed, end));
      fed = end;
      onProgress?.(fed, bytes.length);
    },
  });
  const sink = new OutputSink('xz', cap, elf);
  const reader = new XzReadableStream(input).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value) sink.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
  return sink.result();
}
