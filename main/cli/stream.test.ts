// info --json streaming and `relocs` over the real engine (no mocks): the streamed JSON must be
// the same text the old one-object implementation printed, and `relocs` must match readelf -r -W
// byte for byte.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createEngine } from '../../engine/engine';
import { collectJson, must, streamJson } from './collect';
import { toJson } from './format';
import { run } from './modscope';
import { BufferedWriter } from './out';
import { relocLine } from './relocs';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const root = join(import.meta.dirname, '..', '..');
const hello = join(root, 'samples', 'hello', 'hello.ko');
const haveReadelf = spawnSync('readelf', ['--version'], { stdio: 'ignore' }).status === 0;
const haveAs = spawnSync('as', ['--version'], { stdio: 'ignore' }).status === 0;
const corpus = join(
  process.env.MODSCOPE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'modscope'),
  'corpus',
  'lib',
  'modules',
  '6.1.0-50-amd64',
  'kernel',
);
const corpusModules = ['net/ipv4/tcp_bbr.ko', 'sound/core/snd.ko', 'fs/ext4/ext4.ko'].map((m) => join(corpus, m)).filter((f) => existsSync(f));

async function runOut(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // An asynchronous sink, like stdout under backpressure.
  const code = await run(argv, {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    outStream: async (s) => {
      await new Promise((r) => setImmediate(r));
      out.push(s);
    },
  });
  return { code, out: out.join(''), err: err.join('') };
}

async function oldJson(file: string): Promise<string> {
  const engine = createEngine();
  const buf = readFileSync(file);
  const o = await must(engine, 'open', { name: basename(file), bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
  return toJson(await collectJson(engine, o)) + '\n';
}

const readelf = (file: string) => spawnSync('readelf', ['-r', '-W', file], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout;

describe('info --json streams the same JSON', () => {
  it('hello.ko: parses, equals the one-object structure, and is the same text', async () => {
    const r = await runOut(['info', hello, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const old = await oldJson(hello);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(old));
    expect(r.out).toBe(old);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual([
      'file',
      'header',
      'headerSummary',
      'sections',
      'symbols',
      'relocations',
      'notes',
      'module',
      'fileMap',
      'warnings',
    ]);
    expect(j.relocations[0].rows.length).toBe(j.relocations[0].count);
  });

  it('stays identical with tiny chunks (many flushes)', async () => {
    const engine = createEngine();
    const buf = readFileSync(hello);
    const o = await must(engine, 'open', { name: 'hello.ko', bytes: new Uint8Array(buf) });
    const parts: string[] = [];
    await streamJson(engine, o, new BufferedWriter(async (s) => void parts.push(s), 64));
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.join('')).toBe(await oldJson(hello));
  });

  it.skipIf(missing(CORPUS_WHAT, corpusModules.length > 0))('real corpus modules: same text as before', async () => {
    for (const f of corpusModules.slice(0, 2)) {
      const r = await runOut(['info', f, '--json']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(await oldJson(f));
    }
  });
});

describe.skipIf(missing('readelf (binutils)', haveReadelf))('relocs prints exactly what readelf -r -W prints', () => {
  it('samples/hello/hello.ko', async () => {
    const r = await runOut(['relocs', hello]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readelf(hello));
  });

  it.skipIf(missing(CORPUS_WHAT, corpusModules.length > 0))('real corpus modules', async () => {
    for (const f of corpusModules) {
      const r = await runOut(['relocs', f]);
      expect(r.code).toBe(0);
      expect(r.out, f).toBe(readelf(f));
    }
  });

  // Assembled objects cover what modules rarely have: relocations without a symbol, REL
  // sections and 32-bit ELF.
  it.skipIf(missing('GNU as (binutils)', haveAs))('symbol-less, REL and 32-bit relocations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-relocs-'));
    try {
      const src64 = '.text\n.globl f\nf: .quad 0\n.quad 0\n.reloc 0, R_X86_64_64, 0x10\n.reloc 8, R_X86_64_NONE\ncall ext\n.data\n.long ext\n';
      const src32 = '.text\n.globl f\nf: .long 0\n.reloc 0, R_386_32, 0x10\ncall ext\n.data\n.long ext\n.long f\n';
      for (const [name, src, flags] of [
        ['t64', src64, []],
        ['t32', src32, ['--32']],
      ] as const) {
        writeFileSync(join(dir, `${name}.s`), src);
        const a = spawnSync('as', [...flags, join(dir, `${name}.s`), '-o', join(dir, `${name}.o`)], { encoding: 'utf8' });
        if (a.status !== 0) continue; // an assembler without that target
        const r = await runOut(['relocs', join(dir, `${name}.o`)]);
        expect(r.code).toBe(0);
        expect(r.out, name).toBe(readelf(join(dir, `${name}.o`)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('relocLine', () => {
  const row = {
    index: 0,
    offset: '0x0000000000000011',
    type: 'R_X86_64_PLT32',
    typeNumber: 4,
    symbolIndex: 3,
    symbolName: 'ext',
    symbolValue: '0x0000000000000000',
    addend: '-0x4',
  } as const;
  it('formats like readelf -W', () => {
    expect(relocLine(row, true, false)).toBe('0000000000000011  0000000300000004 R_X86_64_PLT32         0000000000000000 ext - 4');
    expect(relocLine({ ...row, addend: '+0x1e' }, true, false)).toBe(
      '0000000000000011  0000000300000004 R_X86_64_PLT32         0000000000000000 ext + 1e',
    );
    expect(relocLine({ ...row, addend: '' }, false, false)).toBe('0000000000000011  0000000300000004 R_X86_64_PLT32         0000000000000000 ext');
  });
});

// The package bin sends `relocs FILE` to the lean bundle (out/cli/relocs.cjs): same bytes, same errors.
describe.skipIf(!haveReadelf)('bin.mjs relocs (the lean entry)', () => {
  const bin = join(root, 'main', 'cli', 'bin.mjs');
  it('prints what readelf -r -W prints, and reports a missing file like the full CLI', () => {
    for (const f of [hello, ...corpusModules.slice(0, 1)]) {
      const r = spawnSync(process.execPath, [bin, 'relocs', f], { encoding: 'utf8', maxBuffer: 256 << 20 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, f).toBe(readelf(f));
    }
    const missing = spawnSync(process.execPath, [bin, 'relocs', join(root, 'no-such.ko')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^modscope: error ENOENT: cannot read .*no-such\.ko/);
    const notElf = spawnSync(process.execPath, [bin, 'relocs', join(root, 'package.json')], { encoding: 'utf8' });
    expect(notElf.status).toBe(2);
    expect(notElf.stderr).toMatch(/^modscope: error [A-Z_]+ at offset 0x0: /);
  });
});
