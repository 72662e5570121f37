/** Collects decompressed chunks and enforces the output cap. */
import { ElfError, hex } from '../elf/errors';

/** Largest decompressed module accepted (the biggest Debian 6.1 module is well under 100 MiB). */
export const MAX_DECOMPRESSED = 1024 * 1024 * 1024;

export class OutputSink {
  private chunks: Uint8Array[] = [];
  private total = 0;

  constructor(
    private readonly format: string,
    private readonly cap: number = MAX_DECOMPRESSED,
  ) {}

  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.total > this.cap) {
      throw new ElfError('DECOMPRESS_FAILED', `${this.format}: output exceeds the ${hex(this.cap)}-byte limit`, 0);
    }
    // Streaming decoders may reuse their buffers; keep a copy.
    this.chunks.push(chunk.slice());
  }

  get length(): number {
    return this.total;
  }

  result(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

/** Input is fed to streaming decoders in chunks of this size, reporting progress between them. */
export const INPUT_CHUNK = 256 * 1024;

/** Let the event loop breathe (and progress render) between chunks. */
export function yieldToLoop(): Promise<void> {
  // setTimeout exists in every host (Node, workers, Electron) but not in the ES2022 lib.
  const timer = (globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (timer ? timer(resolve, 0) : resolve()));
}
