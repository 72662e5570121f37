/**
 * Module files read, and the signed part of each digested with SHA-256, on a second thread (a worker) while the
 * engine works on the main one: `load-all` reads and hashes hundreds of MB (390 MB for the corpus) that way,
 * on the machine's other core, a few files ahead of the load that needs them.
 *
 * The worker digests a file's bytes before handing them over (the buffer is transferred, not copied), so a digest is
 * always that of the bytes as read; it is remembered for the engine's sha256() (main/native-sha256.ts), which uses it
 * when module_sig_check() asks for exactly those bytes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { rememberDigest } from './native-sha256';

/** The shared counters: answers posted by the worker, answers received here, request batches posted here. */
const POSTED = 0;
const RECEIVED = 1;
const REQUESTS = 2;

/**
 * The worker: plain JavaScript (evaluated), Node's fs and crypto only. It runs one synchronous loop: requests arrive in
 * batches (one message per request() call), and it stays at most `ahead` answers ahead of those received here — so
 * this thread posts nothing per file (a postMessage() per file cost ~150 µs here while the worker was busy).
 */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { port, signal, ahead } = workerData;
const sig = new Int32Array(signal);
const MARKER = Buffer.from('~Module signature appended~\\n', 'latin1');
// mod_check_sig() (kernel/module_signature.c): the ELF image is what precedes the PKCS#7 blob, its signer and key id,
// the 12-byte struct module_signature and the marker. -1: no marker or a trailer that does not fit (the engine reports it).
function signedLength(u) {
  const structOffset = u.length - MARKER.length - 12;
  if (structOffset < 0 || !MARKER.equals(u.subarray(u.length - MARKER.length))) return -1;
  const dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
  const blob = dv.getUint32(structOffset + 8, false) + u[structOffset + 3] + u[structOffset + 4];
  return blob > structOffset ? -1 : structOffset - blob;
}
function answer({ id, path, hash }) {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      let u = new Uint8Array(new ArrayBuffer(size));
      let off = 0;
      for (let n; off < size && (n = readSync(fd, u, off, size - off, off)) > 0; ) off += n;
      if (off < size) u = u.slice(0, off);
      const signed = hash ? signedLength(u) : -1;
      const digest = signed >= 0 ? new Uint8Array(createHash('sha256').update(u.subarray(0, signed)).digest()) : null;
      return [{ id, buffer: u.buffer, signed, digest }, [u.buffer]];
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return [{ id, error: { code: e.code, message: e.message } }, []];
  }
}
const queue = [];
let next = 0;
let posted = 0;
for (;;) {
  const requests = Atomics.load(sig, ${REQUESTS});
  for (let m; (m = receiveMessageOnPort(port)); ) queue.push(...m.message);
  if (next === queue.length) {
    Atomics.wait(sig, ${REQUESTS}, requests);
    continue;
  }
  const received = Atomics.load(sig, ${RECEIVED});
  if (posted - received >= ahead) {
    Atomics.wait(sig, ${RECEIVED}, received);
    continue;
  }
  const [msg, transfer] = answer(queue[next]);
  queue[next++] = undefined;
  port.postMessage(msg, transfer);
  posted++;
  Atomics.add(sig, ${POSTED}, 1);
  Atomics.notify(sig, ${POSTED});
}
`;

interface Fed {
  id: number;
  buffer?: ArrayBuffer;
  signed?: number;
  digest?: Uint8Array | null;
  error?: { code?: string; message: string };
}

/** A read error as readFileSync() throws it (code and message). */
export class FeedReadError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class FileFeed {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(12));
  private nextId = 0;
  /** Asked of the worker, not yet taken: path → ids, oldest first. */
  private readonly posted = new Map<string, number[]>();
  private readonly arrived = new Map<number, Fed>();
  /** The worker gave no answer for STALL_MS: every file is then read here, as without a feed. */
  private dead = false;

  /** `ahead`: answers the worker may have posted and this thread not yet received (bounds the memory it fills). */
  constructor(ahead = 6) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: this.signal.buffer, ahead },
      transferList: [port2],
    });
    this.worker.unref(); // never keeps the process alive
    this.port.unref();
  }

  /** Read these files, in this order, ahead of take(); `hash`: digest their signed part too (module loads). */
  request(files: readonly string[], hash: boolean): void {
    const batch = files.map((f) => {
      const path = resolve(f);
      const id = this.nextId++;
      const ids = this.posted.get(path);
      if (ids) ids.push(id);
      else this.posted.set(path, [id]);
      return { id, path, hash };
    });
    if (!batch.length) return;
    this.port.postMessage(batch);
    Atomics.add(this.signal, REQUESTS, 1);
    Atomics.notify(this.signal, REQUESTS);
  }

  /**
   * The bytes of a file (read ahead; read here when it was not requested); throws FeedReadError as readFileSync would.
   * Files are best taken in the order requested: the worker reads in that order.
   */
  take(file: string): Uint8Array {
    const path = resolve(file);
    const id = this.dead ? undefined : this.posted.get(path)?.shift();
    if (id === undefined) return readHere(path);
    const fed = this.wait(id);
    if (!fed) {
      this.dead = true;
      return readHere(path);
    }
    if (fed.error || !fed.buffer) throw new FeedReadError(fed.error?.code, fed.error?.message ?? `cannot read ${path}`);
    if (fed.digest && fed.signed !== undefined && fed.signed >= 0) rememberDigest(fed.buffer, fed.signed, fed.digest);
    return new Uint8Array(fed.buffer);
  }

  /** Stop the worker (it waits for requests otherwise; it never keeps the process alive). */
  close(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }

  /**
   * Block until the worker's answer to `id` has arrived (answers come in order; earlier ones are kept); null when the
   * worker said nothing for STALL_MS (it died, or never started): the caller reads the file itself.
   */
  private wait(id: number): Fed | null {
    for (;;) {
      const got = this.arrived.get(id);
      if (got) {
        this.arrived.delete(id);
        return got;
      }
      const seen = Atomics.load(this.signal, POSTED);
      const m = receiveMessageOnPort(this.port);
      if (m) {
        const fed = m.message as Fed;
        this.arrived.set(fed.id, fed);
        Atomics.add(this.signal, RECEIVED, 1);
        Atomics.notify(this.signal, RECEIVED);
      } else if (Atomics.wait(this.signal, POSTED, seen, STALL_MS) === 'timed-out') return null;
    }
  }
}

const STALL_MS = 15_000;

function readHere(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FeedReadError(err.code, err.message);
  }
}

let feed: FileFeed | null = null;

/** The process's feed, made on first use. */
export function fileFeed(): FileFeed {
  feed ??= new FileFeed();
  return feed;
}
