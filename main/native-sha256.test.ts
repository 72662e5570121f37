/**
 * The engine's sha256() as the Node hosts answer it (main/native-sha256.ts): Node's hash, or a digest made ahead on
 * libuv's thread pool for exactly the bytes module_sig_check() will ask for — checked on a signed Debian module through
 * the CLI's `load` (its signature verifies) and against Node's hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../engine/asymmetric-keys/index';
import { splitSignature } from '../engine/kmod/index';
import { CORPUS } from '../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';
import { run } from './cli/modscope';
import { digestAhead, installNativeSha256, knownDigest } from './native-sha256';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('sha256 for module_sig_check() on a signed Debian module', () => {
  const file = join(CORPUS, 'net/sctp/sctp.ko');

  it('a digest made ahead answers exactly [0, signed length) of that buffer, once; other bytes get Node’s hash', async () => {
    installNativeSha256();
    const b = readFileSync(file);
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const { elf } = splitSignature(bytes);
    await digestAhead(bytes, elf.length);
    const want = createHash('sha256').update(elf).digest('hex');
    expect(knownDigest(elf.slice())).toBeNull();
    expect(knownDigest(bytes)).toBeNull();
    expect(hex(sha256(elf))).toBe(want); // the remembered digest…
    expect(knownDigest(elf)).toBeNull(); // …used once
    expect(hex(sha256(elf))).toBe(want); // then Node's hash
  });

  it('`modscope load` of a signed module verifies its signature with the digest made ahead (a wrong one: -EKEYREJECTED)', async () => {
    let out = '';
    const code = await run(['load', join(CORPUS, 'lib/crc-itu-t.ko'), '--modprobe', CORPUS], { out: (s) => void (out += s), err: () => undefined });
    expect(code).toBe(0);
    expect(out).toMatch(/The signature is verified with the kernel’s built-in key/);
    expect(out).not.toMatch(/verification failed/);
  }, 60_000);
});
