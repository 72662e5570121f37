import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isElfError } from '../elf/errors';
import { MODULE_SIG_STRING, splitSignature } from './signature';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const VFAT = '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel/fs/fat/vfat.ko';

/** <elf> <blob sigLen bytes> <struct module_signature> <marker>, as sign-file writes it. */
function signed(elf: Uint8Array, blobLen: number, declaredLen = blobLen, idType = 2): Uint8Array {
  const marker = Uint8Array.from(MODULE_SIG_STRING, (c) => c.charCodeAt(0));
  const out = new Uint8Array(elf.length + blobLen + 12 + marker.length);
  out.set(elf, 0);
  out.fill(0xaa, elf.length, elf.length + blobLen);
  const s = elf.length + blobLen;
  out[s + 2] = idType;
  new DataView(out.buffer).setUint32(s + 8, declaredLen, false);
  out.set(marker, s + 12);
  return out;
}

describe('splitSignature', () => {
  it('returns the whole input when there is no marker', () => {
    const b = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);
    const r = splitSignature(b);
    expect(r.signature).toBeNull();
    expect(r.elf).toBe(b);
  });

  it('describes a PKCS#7 trailer', () => {
    const elf = new Uint8Array(100).fill(7);
    const r = splitSignature(signed(elf, 30));
    expect(r.elf.length).toBe(100);
    expect(r.signature).toMatchObject({
      idType: 2,
      idTypeName: 'PKCS#7',
      sigLen: 30,
      elfLength: 100,
      signatureOffset: 100,
      signatureLength: 30,
      structOffset: 130,
      markerOffset: 142,
    });
  });

  it('rejects a sig_len reaching past the start of the file, naming the sig_len offset', () => {
    const bytes = signed(new Uint8Array(10), 20, 1000);
    try {
      splitSignature(bytes);
      expect.unreachable();
    } catch (e) {
      expect(isElfError(e)).toBe(true);
      if (!isElfError(e)) return;
      expect(e.code).toBe('BAD_SIGNATURE_TRAILER');
      expect(e.offset).toBe(30 + 8);
    }
  });

  it('rejects a marker with no room for the struct', () => {
    const marker = Uint8Array.from(MODULE_SIG_STRING, (c) => c.charCodeAt(0));
    expect(() => splitSignature(marker)).toThrow(/no room/);
  });

  it('round-trips any ELF length and blob length (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(500), (elf, blobLen) => {
        const r = splitSignature(signed(elf, blobLen));
        expect(r.elf).toEqual(elf);
        expect(r.signature?.sigLen).toBe(blobLen);
        expect(r.signature?.signatureOffset).toBe(elf.length);
      }),
    );
  });

  it.skipIf(missing(CORPUS_WHAT, existsSync(VFAT)))('reads the real vfat.ko trailer (id_type 2, sig_len 0x2a9)', () => {
    const bytes = new Uint8Array(readFileSync(VFAT));
    const r = splitSignature(bytes);
    expect(r.signature).not.toBeNull();
    expect(r.signature?.idType).toBe(2);
    expect(r.signature?.sigLen).toBe(0x2a9);
    expect(r.signature?.elfLength).toBe(bytes.length - 28 - 12 - 0x2a9);
    expect(Array.from(r.elf.subarray(0, 4))).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    // The PKCS#7 blob is a DER SEQUENCE.
    expect(bytes[r.signature?.signatureOffset ?? 0]).toBe(0x30);
  });
});
