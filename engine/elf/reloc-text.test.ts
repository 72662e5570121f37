/**
 * The WebAssembly relocation writer (reloc-text-wasm*.ts) against the JavaScript one
 * (readelf-relocs.ts, itself checked against GNU readelf in main/cli/stream.test.ts): the
 * same bytes on real modules, on a module made of the cases the WebAssembly leaves to
 * JavaScript, and on mutations of it; with the file in the writer's memory and copied in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElf, relocs, symbols, type RelocSpec, type SymSpec } from '../test-support/elf-builder';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { isElfError } from './errors';
import { readRelocListing, type RelocListing } from './reader';
import { readelfRelocText, relocListingBuffer, type RelocTextOptions } from './reloc-text';
import { wasmWriter } from './reloc-text-wasm-writer';
import { RELOC_TEXT_WASM } from './reloc-text-wasm-bytes';
import { assembleRelocText } from './reloc-text-wasm-source';

function text(elf: RelocListing, options: RelocTextOptions): Buffer {
  const parts: Buffer[] = [];
  for (const c of readelfRelocText(elf, options)) parts.push(Buffer.from(c)); // copies: chunks may be reused
  return Buffer.concat(parts);
}

/** The file's bytes inside a writer's memory, as the CLI reads them. */
function placed(bytes: Uint8Array): Uint8Array {
  const b = relocListingBuffer(bytes.length);
  b.set(bytes);
  return b;
}

/** The file in a writer's memory with its relocation entries left out, and what reads them (the CLI's sparse read). */
function sparse(bytes: Uint8Array): { bytes: Uint8Array; load: (offset: number, dest: Uint8Array) => void } {
  const b = placed(bytes);
  for (const r of readRelocListing(bytes).relocSections) b.fill(0, r.offset, r.offset + r.count * (r.rela ? 24 : 16));
  return { bytes: b, load: (offset, dest) => dest.set(bytes.subarray(offset, offset + dest.length)) };
}

/**
 * Both writers agree, for the file copied in, in place, and in place without its entries
 * (read as needed: both writers), over several chunk sizes (or only the default one).
 */
function expectSame(bytes: Uint8Array, chunkSizes: Array<number | undefined> = [256, 4096, undefined]): number {
  const reference = text(readRelocListing(bytes), { wasm: false });
  const s = sparse(bytes);
  for (const [input, load] of [[bytes], [placed(bytes)], [s.bytes, s.load]] as const) {
    const elf = readRelocListing(input);
    const sections = elf.relocSections.filter((r) => r.count > 0);
    expect(wasmWriter(elf, sections, 1 << 20, load)?.inPlace, 'the WebAssembly writer applies').toBe(input !== bytes);
    for (const chunkSize of chunkSizes) {
      for (const reuse of [true, false]) expect(text(elf, { chunkSize, reuse, load }).equals(reference)).toBe(true);
    }
  }
  const js = sparse(bytes);
  expect(text(readRelocListing(js.bytes), { wasm: false, load: js.load }).equals(reference), 'JavaScript, entries read as needed').toBe(true);
  return reference.length;
}

const strings = (parts: Array<number[] | string>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8'), 0] : p)));

/**
 * An ELF64 LE object of what the WebAssembly leaves to JavaScript or does in its own way:
 * names that are UTF-8, invalid UTF-8, control characters, longer than 255 bytes, running off
 * the table, outside it; section symbols (found, SHN_UNDEF, SHN_XINDEX); symbol 0; an index
 * past the table; types past 255 and unnamed; negative and extreme addends; a REL section.
 */
function oddModule(): Uint8Array {
  const long = 'x'.repeat(300);
  const str = strings(['', 'plain', 'café', [0x62, 0xff, 0xfe, 0x61, 0], [0x61, 0x01, 0x62, 0], long, [0x74, 0x61, 0x69, 0x6c]]);
  const at = (s: string): number => Buffer.from(str).indexOf(Buffer.from(s + '\0', 'utf8'));
  const syms: SymSpec[] = [
    { nameOffset: 0 },
    { nameOffset: at('plain'), type: 2, bind: 1, shndx: 1, value: 0xffffffff12345678n },
    { nameOffset: at('café'), shndx: 1, value: 16n },
    { nameOffset: Buffer.from(str).indexOf(0xff) - 1 },
    { nameOffset: Buffer.from(str).indexOf(0x01) - 1 },
    { nameOffset: at(long) },
    { nameOffset: str.length - 4 }, // "tail" without its NUL: runs to the end of the table
    { nameOffset: str.length + 10 }, // outside the table
    { nameOffset: 0, type: 3, shndx: 1 }, // section symbols: .text, none, an escape
    { nameOffset: at('plain'), type: 3, shndx: 0 },
    { nameOffset: 0, type: 3, shndx: 0xffff },
    { nameOffset: at('plain') + 2 }, // a suffix of another name
  ];
  const entries: RelocSpec[] = [];
  const addends = [0n, 1n, -4n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789n];
  for (let s = 0; s <= syms.length + 1; s++) {
    for (const [k, addend] of addends.entries()) {
      entries.push({
        offset: BigInt(s * 64 + k) + (s % 3 === 0 ? 0xabcd00000000n : 0n),
        sym: s === syms.length + 1 ? 5000 : s,
        type: [1, 2, 4, 42, 200, 0x1234][k],
        addend,
      });
    }
  }
  const rela = relocs(64, 'little', true, entries);
  const rel = relocs(64, 'little', false, entries.slice(0, 40));
  return buildElf({
    cls: 64,
    endian: 'little',
    machine: 62,
    sections: [
      { name: '.text', type: 1, flags: 6n, data: new Uint8Array(64), addralign: 16 },
      { name: '.rela.text', type: 4, flags: 0x40n, data: rela, link: 4, info: 1, addralign: 8, entsize: 24 },
      { name: '.rel.text', type: 9, flags: 0x40n, data: rel, link: 4, info: 1, addralign: 8, entsize: 16 },
      { name: '.symtab', type: 2, data: symbols(64, 'little', syms), link: 5, info: 1, addralign: 8, entsize: 24 },
      { name: '.strtab', type: 3, data: str, addralign: 1 },
    ],
  }).bytes;
}

describe('the WebAssembly relocation writer', () => {
  it('runs the module its source assembles to (else: node scripts/gen-reloc-wasm.mjs)', () => {
    expect(Buffer.from(RELOC_TEXT_WASM).equals(Buffer.from(assembleRelocText()))).toBe(true);
  });

  it('writes what the JavaScript writer writes for every odd case', () => {
    expect(expectSame(oddModule())).toBeGreaterThan(10_000);
  });

  it('leaves symbols to JavaScript when its memory is full (the file in place: no growing)', () => {
    // 1,200 symbols sharing one 4,000-byte invalid-UTF-8 name: 12 KB pieces each, past the room kept.
    const str = Uint8Array.from([0, ...new Array<number>(4000).fill(0xff), 0]);
    const syms: SymSpec[] = [{ nameOffset: 0 }, ...Array.from({ length: 1200 }, () => ({ nameOffset: 1 }))];
    const entries = syms.map((_, i) => ({ offset: BigInt(i), sym: i, type: 1, addend: -1n }));
    const bytes = buildElf({
      cls: 64,
      endian: 'little',
      machine: 62,
      sections: [
        { name: '.rela.data', type: 4, data: relocs(64, 'little', true, entries), link: 2, entsize: 24, addralign: 8 },
        { name: '.symtab', type: 2, data: symbols(64, 'little', syms), link: 3, info: 1, entsize: 24, addralign: 8 },
        { name: '.strtab', type: 3, data: str },
      ],
    }).bytes;
    expect(expectSame(bytes, [undefined])).toBeGreaterThan(12_000_000);
  });

  it('agrees on mutated files (or both refuse them)', () => {
    const good = oddModule();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 24 }), (edits) => {
        const bytes = good.slice();
        for (const [at, v] of edits) bytes[at] = v;
        let reference: Buffer;
        try {
          reference = text(readRelocListing(bytes), { wasm: false });
        } catch (e) {
          if (!isElfError(e)) throw e;
          return;
        }
        expect(text(readRelocListing(placed(bytes)), { reuse: true }).equals(reference)).toBe(true);
        expect(text(readRelocListing(bytes), { chunkSize: 300 }).equals(reference)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const corpus = join(
    process.env.MODSCOPE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'modscope'),
    'corpus/lib/modules/6.1.0-50-amd64/kernel',
  );
  const modules = ['net/ipv4/tcp_bbr.ko', 'fs/ext4/ext4.ko', 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko']
    .map((m) => join(corpus, m))
    .filter((f) => existsSync(f));
  it.skipIf(missing(CORPUS_WHAT, modules.length === 3))('writes what the JavaScript writer writes for real modules, amdgpu included', () => {
    for (const f of modules) expect(expectSame(new Uint8Array(readFileSync(f)), [undefined]), f).toBeGreaterThan(1000);
  });
});
