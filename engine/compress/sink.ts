/** Collects decompressed chunks and enforces the output cap. */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';

/**
 * Largest decompressed module accepted: 256 MiB. The biggest Debian 6.1 module (amdgpu.ko) is 19 MB, so
 * anything past this is a decompression bomb, refused before it can take the host's memory.
 */
export const MAX_DECOMPRESSED = 256 * 1024 * 1024;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

export class OutputSink {
  private chunks: Uint8Array[] = [];
  private total = 0;

  constructor(
    private readonly format: string,
    private readonly cap: number = MAX_DECOMPRESSED,
    private readonly elf: boolean = true,
  ) {}

  push(chunk: Uint8Array): void {
    const before = this.total;
    this.total += chunk.length;
    // A module is an ELF file: refuse anything else at its first bytes instead of inflating all of it
    // (kmod hands the kernel whatever it inflated; load_module() → elf_validity_check() then refuses it).
    for (let i = before; this.elf && i < Math.min(this.total, ELF_MAGIC.length); i++) {
      if (chunk[i - before] !== ELF_MAGIC[i]) {
        throw new ElfError(
          'BAD_MAGIC',
          `${this.format}: the decompressed data is not an ELF file (byte ${i} is ${hex(chunk[i - before])}, ` +
            `expected ${hex(ELF_MAGIC[i])}); refused after ${this.total} inflated bytes`,
          i,
          'e_ident[EI_MAG]',
        );
      }
    }
    if (this.total > this.cap) {
      throw new ElfError(
        'DECOMPRESS_TOO_LARGE',
        `${this.format}: the module inflates past the ${mib(this.cap)} cap (${hex(this.cap)} bytes; the largest Debian module is 19 MB) — refused`,
        0,
        'decompressed size',
      );
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
