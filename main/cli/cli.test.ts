import { describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fakeOverview } from './fixture.test-support';
import { formatInfo, humanSize, toJson } from './format';
import { formatError } from './errors';
import { parseArgs } from './args';
import { missing } from '../../scripts/test-support/prereq';

// The engine as the CLI sees it, faked: one module with 3 symbols and 2 relocations, paged 2 at a time.
vi.mock('../../engine/engine', () => ({
  createEngine: () => ({
    async call(method: string, arg: Record<string, unknown>) {
      const o = fakeOverview();
      const page = <T>(all: T[]) => {
        const offset = arg.offset as number;
        return { ok: true, value: { total: all.length, offset, rows: all.slice(offset, offset + Math.min(2, arg.limit as number)) } };
      };
      switch (method) {
        case 'open': {
          const bytes = arg.bytes as Uint8Array;
          if (bytes[0] !== 0x7f) return { ok: false, error: { code: 'BAD_MAGIC', message: 'not an ELF file', offset: 0 } };
          return { ok: true, value: o };
        }
        case 'symbols':
          return page(
            ['a', 'b', 'c'].map((name, index) => ({
              index,
              name,
              value: '0xffffffffc0000000',
              size: '0',
              type: 'FUNC',
              bind: 'GLOBAL',
              visibility: 'DEFAULT',
              ndx: '1',
              section: '.text',
            })),
          );
        case 'relocations':
          return page(
            [0, 1].map((index) => ({
              index,
              offset: '0x10',
              type: 'R_X86_64_PLT32',
              typeNumber: 4,
              symbolIndex: 1,
              symbolName: '_printk',
              symbolValue: '0x0',
              addend: '-0x4',
            })),
          );
        case 'close':
          return { ok: true, value: true };
        default:
          return { ok: false, error: { code: 'BAD_REQUEST', message: method } };
      }
    },
  }),
}));

const { run } = await import('./modscope');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

const root = join(import.meta.dirname, '..', '..');
const hello = join(root, 'samples', 'hello', 'hello.ko');

describe('formatting', () => {
  it('formats errors the documented way', () => {
    expect(formatError('BAD_MAGIC', 'not an ELF file', 0)).toBe('modscope: error BAD_MAGIC at offset 0x0: not an ELF file');
    expect(formatError('TRUNCATED', 'section table past end', 0x1a40)).toBe('modscope: error TRUNCATED at offset 0x1a40: section table past end');
    expect(formatError('ENOENT', 'cannot read x.ko')).toBe('modscope: error ENOENT: cannot read x.ko');
  });

  it('sizes in plain words', () => {
    expect(humanSize(12)).toBe('12 bytes');
    expect(humanSize(2048)).toBe('2.0 KiB (2048 bytes)');
  });

  it('explains a module like readelf -h + modinfo would', () => {
    const t = formatInfo(fakeOverview());
    expect(t).toContain('File: hello.ko');
    expect(t).toContain('compression: none');
    expect(t).toContain('signature:   none');
    expect(t).toMatch(/e_machine\s+Advanced Micro Devices X86-64\s+— x86-64/);
    expect(t).toMatch(/Sections: 5 \(3 loaded into memory/);
    expect(t).toMatch(/\[1\]\s+\.text\s+PROGBITS\s+AX\s+32\s+code, 2 relocations patch it/);
    expect(t).toMatch(/\[3\]\s+\.bss\s+NOBITS.*zeroed at load/);
    expect(t).toMatch(/license:\s+GPL/);
    expect(t).toMatch(/who\s+charp\s+0644\s+whom to greet/);
    expect(t).toContain('Depends on: no other modules');
    expect(t).toContain('Imports: 2 symbols');
    expect(t).toMatch(/hello_count\s+GPL-only/);
    expect(t).toContain('init init_module');
  });

  it('writes bigints as 0x strings in JSON', () => {
    expect(JSON.parse(toJson({ a: 0xffffffffc0000000n, b: -4n }))).toEqual({ a: '0xffffffffc0000000', b: '-0x4' });
  });

  it('parses arguments', () => {
    const a = parseArgs(['info', 'x.ko', '--json']);
    expect(a.command).toBe('info');
    expect(a.positional).toEqual(['x.ko']);
    expect(a.flags.has('--json')).toBe(true);
    expect(parseArgs(['-h']).flags.has('--help')).toBe(true);
    expect(parseArgs(['info', '--', '-weird.ko']).positional).toEqual(['-weird.ko']);
  });
});

describe('run() over a faked engine', () => {
  it('--help exits 0', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('modscope info');
  });

  it('usage errors exit 1', async () => {
    const c = capture();
    expect(await run(['frobnicate'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/^modscope: error USAGE: unknown command/);
    expect(await run(['info', '--bogus', 'x.ko'], c.io)).toBe(1);
  });

  it('a missing file is error ENOENT, exit 2, no stack', async () => {
    const c = capture();
    expect(await run(['info', '/nonexistent/x.ko'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/^modscope: error ENOENT: cannot read \/nonexistent\/x.ko/);
    expect(c.err.join('')).not.toMatch(/\n\s+at /);
  });

  it('an engine error prints CODE and offset, exit 2', async () => {
    const c = capture();
    expect(await run(['info', join(root, 'package.json')], c.io)).toBe(2);
    expect(c.err.join('')).toBe('modscope: error BAD_MAGIC at offset 0x0: not an ELF file\n');
  });

  it('--json pages through all symbols and relocations', async () => {
    const c = capture();
    expect(await run(['info', hello, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(''));
    expect(j.symbols.map((s: { name: string }) => s.name)).toEqual(['a', 'b', 'c']);
    expect(j.relocations[0].rows).toHaveLength(2);
    expect(j.relocations[0].name).toBe('.rela.text');
    expect(j.symbols[0].value).toBe('0xffffffffc0000000');
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['file', 'header', 'sections', 'symbols', 'relocations', 'notes', 'module']));
  });

  // relocs does not open an engine session (the fake above): it lists the file's own relocation
  // entries (engine/elf/readelf-relocs.ts), so this is the real hello.ko against the real readelf.
  it('relocs prints readelf -r -W text from the file itself', async () => {
    const c = capture();
    expect(await run(['relocs', hello], c.io)).toBe(0);
    const readelf = spawnSync('readelf', ['-r', '-W', hello], { encoding: 'utf8' });
    if (readelf.status !== 0) throw new Error('readelf (GNU binutils) is required for this test');
    expect(c.out.join('')).toBe(readelf.stdout);
    expect(c.out.join('')).toContain("Relocation section '.rela.init.text' at offset 0xeb0 contains 11 entries:");
  });

  it('relocs needs exactly one file', async () => {
    const c = capture();
    expect(await run(['relocs'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/^modscope: error USAGE: relocs needs exactly one module file/);
  });
});

// The real bundle over the real engine: runs once out/cli/modscope.mjs builds and the engine answers.
const bundle = join(root, 'out', 'cli', 'modscope.mjs');
function bundleWorks(): boolean {
  if (!existsSync(hello)) return false;
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--quiet'], { encoding: 'utf8' });
  if (b.status !== 0 || !existsSync(bundle)) return false;
  const r = spawnSync(process.execPath, [bundle, 'info', hello], { encoding: 'utf8' });
  return !/not ready yet/.test(r.stderr);
}
const real = bundleWorks();

describe.skipIf(missing('the built CLI (npm run build:cli)', real))('built CLI on samples/hello/hello.ko', () => {
  it('info prints the header, sections and modinfo', () => {
    const r = spawnSync(process.execPath, [join(root, 'main', 'cli', 'bin.mjs'), 'info', hello], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('File: hello.ko');
    expect(r.stdout).toContain('.text');
    expect(r.stdout).toContain('.modinfo');
    expect(r.stdout).toMatch(/license:\s+GPL/);
  });

  it('--json is valid JSON with 0x strings for 64-bit values', () => {
    const r = spawnSync(process.execPath, [bundle, 'info', hello, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.symbols.length).toBeGreaterThan(0);
    for (const s of j.symbols) expect(s.value).toMatch(/^0x[0-9a-f]+$/);
    const total = j.relocations.reduce((n: number, rs: { rows: unknown[] }) => n + rs.rows.length, 0);
    expect(total).toBe(j.relocations.reduce((n: number, rs: { count: number }) => n + rs.count, 0));
  });

  // bin.cjs runs `load` from out/cli/load.cjs through V8's code cache (made by the first run, used by the next), not
  // through modscope.mjs's run(): both must print the same bytes and exit alike, for a load and for an error.
  it('load through bin.cjs (load.cjs, code cache written then used) prints what run() prints', () => {
    const bin = join(root, 'main', 'cli', 'bin.cjs');
    for (const args of [['load', hello, 'who=x'], ['load', join(root, 'package.json')], ['load', '--paging', '3', hello]]) {
      const viaRun = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });
      const first = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      const second = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      for (const r of [first, second]) {
        expect(r.stdout).toBe(viaRun.stdout);
        expect(r.stderr).toBe(viaRun.stderr);
        expect(r.status).toBe(viaRun.status);
      }
    }
    expect(readdirSync(join(root, 'out', 'cli')).some((f) => /^load-\d+-\d+\.cache$/.test(f))).toBe(true);
  });

  it('a corrupt file is a typed error, exit 2, no stack trace', () => {
    const r = spawnSync(process.execPath, [bundle, 'info', join(root, 'package.json')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^modscope: error [A-Z_]+( at offset 0x[0-9a-f]+)?: .+\n$/);
  });
});
