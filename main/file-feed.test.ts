/**
 * The file feed (main/file-feed.ts): files read on a worker thread, in order, a few ahead, with the SHA-256 of a
 * signed module's ELF image made there — checked against readFileSync() and Node's hash on real modules, and
 * through the engine's module_sig_check() on a signed corpus module.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../engine/asymmetric-keys/index';
import { splitSignature } from '../engine/kmod/index';
import { bootBatchKernel } from '../engine/kernel-session';
import { loadModule } from '../engine/load/index';
import { CORPUS } from '../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';
import { loadProfile } from './cli/kernel-files';
import { FeedReadError, FileFeed, fileFeed } from './file-feed';
import { installNativeSha256, knownDigest } from './native-sha256';

const ROOT = join(__dirname, '..');
const SAMPLES = ['hello/hello.ko', 'params/params.ko', 'consumer/consumer.ko', 'oops/oops.ko'].map((p) => join(ROOT, 'samples', p));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('FileFeed on the samples', () => {
  it('hands out each file as readFileSync reads it, in the order asked, also when asked twice or not at all', () => {
    const feed = new FileFeed(2);
    feed.request([...SAMPLES, SAMPLES[0]], false);
    for (const f of [...SAMPLES, SAMPLES[0]]) expect(hex(feed.take(f))).toBe(hex(readFileSync(f)));
    // Not requested: read here.
    const unasked = join(ROOT, 'samples', 'bad-crc', 'bad-crc.ko');
    expect(hex(feed.take(unasked))).toBe(hex(readFileSync(unasked)));
    // Taken out of order, more than `ahead` apart: the answers before it are kept, not lost.
    feed.request(SAMPLES, false);
    for (const f of [...SAMPLES].reverse()) expect(hex(feed.take(f))).toBe(hex(readFileSync(f)));
    void feed.close();
  });

  it('reports a missing file as readFileSync does (code and message), and goes on', () => {
    const feed = new FileFeed();
    const gone = join(ROOT, 'samples', 'no-such.ko');
    feed.request([gone, SAMPLES[0]], true);
    let err: unknown;
    try {
      feed.take(gone);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeedReadError);
    expect((err as FeedReadError).code).toBe('ENOENT');
    expect((err as FeedReadError).message).toBe(`ENOENT: no such file or directory, open '${gone}'`);
    expect(hex(feed.take(SAMPLES[0]))).toBe(hex(readFileSync(SAMPLES[0])));
    void feed.close();
  });

  it('has no digest for an unsigned module (the samples are not signed)', () => {
    const feed = new FileFeed();
    feed.request([SAMPLES[0]], true);
    const bytes = feed.take(SAMPLES[0]);
    expect(splitSignature(bytes).signature).toBeNull();
    expect(knownDigest(bytes)).toBeNull();
    void feed.close();
  });
});

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('FileFeed on signed Debian modules', () => {
  const signed = ['drivers/gpu/drm/amd/amdgpu/amdgpu.ko', 'lib/crc-itu-t.ko', 'net/sctp/sctp.ko'].map((p) => join(CORPUS, p));

  it('digests exactly the ELF image splitSignature() finds, once, and nothing else', () => {
    const feed = new FileFeed();
    feed.request(signed, true);
    for (const f of signed) {
      const bytes = feed.take(f);
      const { elf, signature } = splitSignature(bytes);
      expect(signature).not.toBeNull();
      expect(elf.length).toBeLessThan(bytes.length);
      // A copy of the same bytes, a shorter or longer range: not the bytes the worker digested.
      expect(knownDigest(elf.slice())).toBeNull();
      expect(knownDigest(bytes.subarray(0, elf.length - 1))).toBeNull();
      expect(knownDigest(bytes)).toBeNull();
      const d = knownDigest(elf);
      expect(d && hex(d)).toBe(createHash('sha256').update(readFileSync(f).subarray(0, elf.length)).digest('hex'));
      expect(knownDigest(elf)).toBeNull(); // once
    }
    void feed.close();
  });

  it("answers the engine's sha256() for module_sig_check(): the Debian signature verifies (a wrong digest is -EKEYREJECTED)", () => {
    installNativeSha256();
    const feed = fileFeed();
    const f = join(CORPUS, 'lib/crc-itu-t.ko');
    const k = bootBatchKernel(loadProfile(), { lean: true });
    feed.request([f], true);
    const image = feed.take(f);
    const r = loadModule(k, { fileName: 'crc-itu-t.ko', image, args: '', syscall: 'finit_module', command: 'insmod crc-itu-t.ko', imageHandedOver: true });
    expect(r.errno).toBe(0);
    expect(k.log.records.map((x) => x.text).join('\n')).not.toMatch(/verification failed/);
    // The hook hashes anything else itself: the same digest as Node's for other input.
    const other = new Uint8Array([1, 2, 3]);
    expect(hex(sha256(other))).toBe(createHash('sha256').update(other).digest('hex'));
  });
});
