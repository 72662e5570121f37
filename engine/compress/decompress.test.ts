import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isElfError } from '../elf/errors';
import { decompress } from './decompress';
import { MAX_DECOMPRESSED } from './sink';
import { detectCompression } from './detect';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const HELLO = fileURLToPath(new URL('../../samples/hello/hello.ko', import.meta.url));
const VFAT = '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel/fs/fat/vfat.ko';
const BIG = '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel/fs/xfs/xfs.ko';
const dir = mkdtempSync(join(tmpdir(), 'modscope-compress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Compress `src` with a CLI the way kmod-style tooling does; returns the compressed bytes. */
function compress(src: string, tool: string, args: string[]): Uint8Array {
  const out = join(dir, `${tool}-${args.join('')}-${src.split('/').pop()}`);
  writeFileSync(out, execFileSync(tool, [...args, '-c', src], { maxBuffer: 1 << 30 }));
  return new Uint8Array(readFileSync(out));
}

const CASES: { name: string; tool: string; args: string[]; format: 'xz' | 'zstd' | 'gzip' }[] = [
  { name: 'xz -C crc32 (as kmod/Kbuild compress modules)', tool: 'xz', args: ['-C', 'crc32', '--lzma2=dict=1MiB'], format: 'xz' },
  { name: 'xz default (crc64)', tool: 'xz', args: [], format: 'xz' },
  { name: 'zstd', tool: 'zstd', args: ['--format=zstd', '-q'], format: 'zstd' },
  { name: 'gzip -9', tool: 'gzip', args: ['-9', '-n'], format: 'gzip' },
];

describe('detectCompression', () => {
  it('recognises magics and rejects ELF', () => {
    expect(detectCompression(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0]))).toBe('xz');
    expect(detectCompression(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd');
    expect(detectCompression(new Uint8Array([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBeNull();
    expect(detectCompression(new Uint8Array([0x1f]))).toBeNull();
  });
});

describe('decompress round-trips', () => {
  for (const c of CASES) {
    for (const src of [HELLO, VFAT, BIG]) {
      const skip = missing(`${c.tool}`, have(c.tool)) || missing(CORPUS_WHAT, existsSync(src));
      it.skipIf(skip)(`${c.name}: ${src.split('/').pop()}${skip ? ` (skipped: no ${c.tool} or no ${src})` : ''}`, async () => {
        const original = new Uint8Array(readFileSync(src));
        const packed = compress(src, c.tool, c.args);
        expect(detectCompression(packed)).toBe(c.format);
        const progress: [number, number][] = [];
        const out = await decompress(packed, (done, total) => progress.push([done, total]));
        expect(out.length).toBe(original.length);
        expect(Buffer.compare(Buffer.from(out), Buffer.from(original))).toBe(0);
        expect(progress.length).toBeGreaterThan(0);
        expect(progress[progress.length - 1]).toEqual([packed.length, packed.length]);
      });
    }
  }
});

describe('decompress failures are DECOMPRESS_FAILED', () => {
  async function failure(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      expect(isElfError(e)).toBe(true);
      return isElfError(e) ? e.code : 'not an ElfError';
    }
    return 'did not throw';
  }

  it('unknown format', async () => {
    expect(await failure(decompress(new Uint8Array([1, 2, 3])))).toBe('DECOMPRESS_FAILED');
  });

  for (const c of CASES) {
    it.skipIf(missing(c.tool, have(c.tool)))(`corrupt ${c.format} (${c.name})`, async () => {
      const packed = compress(HELLO, c.tool, c.args).slice();
      // Keep the magic, damage the body.
      for (let i = 12; i < packed.length - 8; i += 7) packed[i] ^= 0x5a;
      expect(await failure(decompress(packed))).toBe('DECOMPRESS_FAILED');
    });
    it.skipIf(missing(c.tool, have(c.tool)))(`truncated ${c.format}`, async () => {
      const packed = compress(HELLO, c.tool, c.args);
      expect(await failure(decompress(packed.subarray(0, packed.length >> 1)))).toBe('DECOMPRESS_FAILED');
    });
    it.skipIf(missing(c.tool, have(c.tool)))(`output cap (${c.format})`, async () => {
      const packed = compress(HELLO, c.tool, c.args);
      expect(await failure(decompress(packed, undefined, { maxOutput: 1000 }))).toBe('DECOMPRESS_TOO_LARGE');
    });
  }
});

/** `tool` compressing a stream of `prefix` followed by `zeros` zero bytes, without writing the plain file. */
function bomb(tool: string, args: string[], prefix: Uint8Array, zeros: number): Uint8Array {
  const out = join(dir, `bomb-${tool}-${zeros}`);
  const cmd = `{ head -c ${prefix.length} ${HELLO}; head -c ${zeros} /dev/zero; } | ${tool} ${args.join(' ')} -c > ${out}`;
  execFileSync('bash', ['-c', cmd]);
  return new Uint8Array(readFileSync(out));
}

/** The quickest settings of each tool: the bombs are large. */
const FAST: typeof CASES = [
  { name: 'xz -0', tool: 'xz', args: ['-0', '-T1'], format: 'xz' },
  { name: 'zstd -1', tool: 'zstd', args: ['-1', '-q'], format: 'zstd' },
  { name: 'gzip -1', tool: 'gzip', args: ['-1', '-n'], format: 'gzip' },
];

describe('decompression bombs are refused early, with a typed error naming the cap', () => {
  it('the cap is 256 MiB (the largest Debian module is 19 MB)', () => {
    expect(MAX_DECOMPRESSED).toBe(256 * 1024 * 1024);
  });
  for (const c of FAST) {
    it.skipIf(missing(c.tool, have(c.tool)))(`${c.format}: 64 MiB of zeros stop at the first bytes (not an ELF file)`, async () => {
      const packed = bomb(c.tool, c.args, new Uint8Array(0), 64 * 1024 * 1024);
      const progress: number[] = [];
      const e = await decompress(packed, (done) => progress.push(done)).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ code: 'BAD_MAGIC', field: 'e_ident[EI_MAG]' });
      expect(String((e as Error).message)).toMatch(/not an ELF file/);
      // Refused long before the end of the input: at most the first chunks were fed.
      expect(Math.max(0, ...progress)).toBeLessThan(packed.length + 1);
    });
    it.skipIf(missing(c.tool, have(c.tool)))(`${c.format}: an ELF header followed by 260 MiB of zeros is refused at the cap`, async () => {
      const packed = bomb(c.tool, c.args, new Uint8Array(64), 260 * 1024 * 1024);
      const e = await decompress(packed).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ code: 'DECOMPRESS_TOO_LARGE', field: 'decompressed size' });
      expect(String((e as Error).message)).toMatch(/256 MiB cap/);
    });
  }
});
