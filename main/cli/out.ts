/**
 * A buffered writer for big outputs (info --json, relocs): callers append small strings, which
 * are encoded straight into a chunk-sized byte buffer; full chunks go to the sink. `write()`
 * says when a chunk is full and the caller awaits `flush()`, which waits for the sink (stdout
 * backpressure) — so memory stays bounded by one chunk plus one page of rows, not by the file.
 */
export type Sink = ((chunk: string) => void | Promise<void>) & {
  /** The sink takes encoded bytes too (saves decoding the chunk back to a string). */
  acceptsBytes?: boolean;
};

export class BufferedWriter {
  private buf: Buffer;
  private used = 0;

  constructor(
    private readonly sink: Sink,
    private readonly chunk = 1 << 18,
  ) {
    this.buf = Buffer.allocUnsafe(chunk + 1024);
  }

  /** Append; true once a chunk's worth is buffered (the caller should then `await flush()`). */
  write(s: string): boolean {
    // A UTF-16 code unit is at most 3 UTF-8 bytes. Callers flush when told, so this only grows
    // past a chunk by the last string written.
    const need = this.used + s.length * 3;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.used += this.buf.write(s, this.used, 'utf8');
    return this.used >= this.chunk;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.buf.subarray(0, this.used);
    // A fresh buffer each chunk: the sink may hold on to the old one until it is written.
    this.buf = Buffer.allocUnsafe(this.chunk + 1024);
    this.used = 0;
    if (this.sink.acceptsBytes) await (this.sink as unknown as (b: Uint8Array) => void | Promise<void>)(full);
    else await this.sink(full.toString('utf8'));
  }

  /** Hand the buffer to the sink once it holds at least one chunk. */
  async flushIfFull(): Promise<void> {
    if (this.used >= this.chunk) await this.flush();
  }

  end(): Promise<void> {
    return this.flush();
  }
}

/** Write to process.stdout, waiting for 'drain' when the stream says its buffer is full. */
export const stdoutSink: Sink = Object.assign(
  (chunk: string | Uint8Array): Promise<void> | void => {
    if (process.stdout.write(chunk)) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        process.stdout.off('close', done);
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('error', done);
      process.stdout.on('close', done);
    });
  },
  { acceptsBytes: true },
);
