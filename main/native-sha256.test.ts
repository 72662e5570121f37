/**
 * The engine's sha256() as the Node hosts answer it (main/native-sha256.ts): Node's hash, or a digest remembered for
 * exactly the bytes module_sig_check() asks for ([0, signed length) of the buffer read), once — on a signed Debian module.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../engine/asymmetric-keys/index';
import { splitSignature } from '../engine/kmod/index';
import { CORPUS } from '../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';
import { installNativeSha256, knownDigest, rememberDigest } from './native-sha256';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('sha256 for module_sig_check() on a signed Debian module', () => {
  it('a remembered digest answers exactly [0, signed length) of that buffer, once; other bytes get Node’s hash', () => {
    installNativeSha256();
    const b = readFileSync(join(CORPUS, 'net/sctp/sctp.ko'));
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    expect(bytes.byteOffset).toBe(0); // a file this size has a buffer of its own
    const { elf } = splitSignature(bytes);
    const want = createHash('sha256').update(elf).digest('hex');
    const marked = new Uint8Array(32).fill(7); // not the real digest: shows which answer sha256() gave
    rememberDigest(bytes.buffer, elf.length, marked);
    expect(knownDigest(elf.slice())).toBeNull();
    expect(knownDigest(bytes)).toBeNull();
    expect(knownDigest(bytes.subarray(0, elf.length - 1))).toBeNull();
    expect(hex(sha256(elf))).toBe(hex(marked)); // the remembered digest…
    expect(hex(sha256(elf))).toBe(want); // …once, then Node's hash
  });
});
