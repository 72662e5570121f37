/**
 * `modscope quiz`: the relocation answers checked against GNU ld (the module linked at the addresses
 * `modscope load --dump` reports, as ld-crosscheck.test.ts does, and the bytes at each question's
 * section+offset compared), determinism of --json per seed, and the sheet and key files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf } from '../../engine/elf/index';
import { splitSignature } from '../../engine/kmod/index';
import type { Quiz } from '../../engine/quiz/index';
import { CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { run, type Io } from './modscope';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const hasLd = spawnSync('ld', ['--version']).status === 0;
const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'modscope-quiz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function modscope(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s) };
  const code = await run(args, io);
  return { code, out, err };
}

/** The module linked by ld at the modelled addresses: section name → its bytes. */
async function linkedSections(file: string): Promise<Map<string, Uint8Array>> {
  const dir = join(work, file.replace(/[^a-z0-9]+/gi, '_'));
  const r = await modscope(['load', file, '--no-exec', '--dump', dir]);
  expect(r.code, r.err).toBe(0);
  const layout = JSON.parse(readFileSync(join(dir, 'layout.json'), 'utf8')) as {
    percpu: { base: string } | null;
    sections: { name: string; address: string }[];
    symbols: { name: string; value: string }[];
  };
  const { elf: bytes } = splitSignature(new Uint8Array(readFileSync(file)));
  const elf = readElf(bytes);
  // ld would merge SHF_MERGE|SHF_STRINGS sections; the kernel copies them as they are.
  const copy = bytes.slice();
  const dv = new DataView(copy.buffer);
  for (const s of elf.sections) {
    const at = elf.header.shoff + s.index * elf.header.shentsize + 8;
    dv.setUint32(at, dv.getUint32(at, true) & ~0x30, true);
  }
  writeFileSync(join(dir, 'input.o'), copy);
  const placed = layout.sections.filter((s) => s.name !== '.symtab' && s.name !== '.strtab');
  const names = new Set(placed.map((s) => s.name));
  const lines = ['SECTIONS {', ...placed.map((s) => `  "${s.name}" ${s.address} : { *("${s.name}") }`)];
  if (layout.percpu) {
    lines.push(`  ".data..percpu" ${layout.percpu.base} : { *(".data..percpu") }`);
    names.add('.data..percpu');
  }
  const discard = elf.sections.filter((s) => s.flags & 2 && !names.has(s.name)).map((s) => `*("${s.name}")`);
  if (discard.length) lines.push(`  /DISCARD/ : { ${discard.join(' ')} }`);
  lines.push('}');
  const undef = new Set((elf.symtab?.symbols ?? []).filter((s) => s.rawShndx === 0 && s.name).map((s) => s.name));
  for (const s of layout.symbols) if (undef.has(s.name)) lines.push(`${s.name} = ${s.value};`);
  writeFileSync(join(dir, 'link.ld'), lines.join('\n') + '\n');
  const out = join(dir, 'linked.elf');
  execFileSync(
    'ld',
    ['-m', 'elf_x86_64', '--no-relax', '-static', '-nostdlib', '-e', '0', '-T', join(dir, 'link.ld'), '-o', out, join(dir, 'input.o')],
    { stdio: 'pipe' },
  );
  const linked = readElf(new Uint8Array(readFileSync(out)));
  return new Map(linked.sections.map((s) => [s.name, linked.bytes.slice(s.offset, s.offset + s.size)]));
}

async function quizJson(args: string[]): Promise<Quiz> {
  const r = await modscope(['quiz', ...args, '--json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Quiz;
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe.skipIf(missing('GNU ld (apt-get install binutils)', hasLd))('relocation answers agree with GNU ld', () => {
  const cases = [join(ROOT, 'samples/hello/hello.ko'), join(CORPUS, 'drivers/block/brd.ko'), join(CORPUS, 'net/netfilter/x_tables.ko')];
  for (const file of cases) {
    it.skipIf(missing(CORPUS_WHAT, existsSync(file)))(
      file.replace(ROOT + '/', '').replace(CORPUS + '/', 'corpus: '),
      async () => {
        const ld = await linkedSections(file);
        let checked = 0;
        for (const seed of [1, 2, 3]) {
          const q = await quizJson([file, '--seed', String(seed), '--count', '100', '--kinds', 'relocation']);
          for (const x of q.questions) {
            const bytes = x.parts.find((p) => p.format === 'hex-bytes');
            if (!bytes) continue;
            const sec = ld.get(String(x.data.section));
            expect(sec, `ld output has ${x.data.section}`).toBeDefined();
            const at = Number(BigInt(String(x.data.offset)));
            expect(hex((sec as Uint8Array).subarray(at, at + Number(x.data.width))), `${x.key}`).toBe(bytes.answer);
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(20);
      },
      120_000,
    );
  }
});

describe('modscope quiz', () => {
  const hello = join(ROOT, 'samples/hello/hello.ko');
  it('--json: one object per question (kind, step, data, answer); the same seed gives the same questions', async () => {
    const a = await quizJson([hello, 'count=3', '--seed', '17', '--student', 'alice']);
    const b = await quizJson([hello, 'count=3', '--seed', '17', '--student', 'alice']);
    const c = await quizJson([hello, 'count=3', '--seed', '18', '--student', 'alice']);
    expect(JSON.stringify(b.questions)).toBe(JSON.stringify(a.questions));
    expect(c.questions.map((x) => x.key)).not.toEqual(a.questions.map((x) => x.key));
    expect(a.questions).toHaveLength(10);
    for (const x of a.questions) {
      expect(typeof x.kind).toBe('string');
      expect(x.step.fn.length).toBeGreaterThan(0);
      expect(Number.isInteger(x.pos)).toBe(true);
      expect(x.parts[0].answer).not.toBe('');
    }
    const reloc = (await quizJson([hello, '--seed', '5', '--count', '1', '--kinds', 'relocation'])).questions[0];
    expect(Object.keys(reloc.data)).toEqual(expect.arrayContaining(['section', 'offset', 'type', 'S', 'A', 'P']));
  }, 60_000);

  it('--sheet writes the sheet and its key, as Markdown and as PDF', async () => {
    const md = join(work, 'ex.md');
    const r = await modscope(['quiz', hello, '--seed', '17', '--sheet', md]);
    expect(r.code, r.err).toBe(0);
    const sheet = readFileSync(md, 'utf8');
    const key = readFileSync(join(work, 'ex.key.md'), 'utf8');
    expect(sheet).toMatch(/^# Exercise: hello\.ko/);
    expect(key).toMatch(/^# Answer key: hello\.ko/);
    expect(sheet).toContain('____________');
    expect(key).toContain('Step ');
    const pdf = join(work, 'ex.pdf');
    expect((await modscope(['quiz', hello, '--seed', '17', '--sheet', pdf])).code).toBe(0);
    for (const f of [pdf, join(work, 'ex.key.pdf')]) expect(readFileSync(f).subarray(0, 5).toString()).toBe('%PDF-');
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', ['-layout', join(work, 'ex.key.pdf'), '-']).toString();
      expect(text).toContain('Answer key: hello.ko');
      const json = await quizJson([hello, '--seed', '17']);
      expect(text).toContain(json.questions[0].parts[0].answer.split('\n')[0]);
    }
  }, 60_000);

  it('bad options are usage errors', async () => {
    expect((await modscope(['quiz', hello, '--kinds', 'nope'])).err).toMatch(/unknown question kind "nope"/);
    expect((await modscope(['quiz', hello, '--count', '0'])).code).toBe(1);
    expect((await modscope(['quiz', hello, '--sheet', 'x.txt'])).err).toMatch(/\.pdf or \.md/);
    expect((await modscope(['quiz', hello, '--sheet', '/nonexistent/dir/x.md'])).err).toMatch(/cannot write/);
  });
});
