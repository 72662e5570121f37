/**
 * Independent check of the modelled load: GNU ld links the same module at the addresses Modscope
 * chose (every allocated section placed where `modscope load --dump` says, every undefined symbol
 * given the value simplify_symbols found) and must produce byte-identical sections.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf } from '../../engine/elf/index';
import { splitSignature } from '../../engine/kmod/index';
import { KERNEL_WRITTEN_RANGES } from '../../engine/load/index';
import { CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { run, type Io } from './modscope';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const hasLd = spawnSync('ld', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'modscope-ld-'));
afterAll(() => {
  if (!process.env.MODSCOPE_KEEP) rmSync(work, { recursive: true, force: true });
});

interface Layout {
  percpu: { base: string; size: number } | null;
  sections: { index: number; name: string; address: string; size: number }[];
  symbols: { index: number; name: string; value: string }[];
}

async function modscope(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s) };
  const code = await run(args, io);
  return { code, out, err };
}

/** Link `file` with ld at the dumped addresses; return how many sections were compared. */
async function crossCheck(file: string, withDeps: string[], params: string[] = []): Promise<number> {
  const dir = join(work, file.replace(/[^a-z0-9]+/gi, '_'));
  // --no-exec: init is recorded, not run, so every module loads however far its init gets on the model.
  const r = await modscope(['load', file, '--no-exec', ...params, ...withDeps.flatMap((d) => ['--with', d]), '--dump', dir]);
  expect(r.code, r.err + r.out.slice(-2000)).toBe(0);
  const layout = JSON.parse(readFileSync(join(dir, 'layout.json'), 'utf8')) as Layout;
  const { elf: bytes } = splitSignature(new Uint8Array(readFileSync(file)));
  const elf = readElf(bytes);
  const input = join(dir, 'input.o');
  writeFileSync(input, withoutMergeFlags(bytes, elf));
  const placed = layout.sections.filter((s) => s.name !== '.symtab' && s.name !== '.strtab');
  const placedNames = new Set(placed.map((s) => s.name));
  const lines = ['SECTIONS {'];
  for (const s of placed) lines.push(`  "${s.name}" ${s.address} : { *("${s.name}") }`);
  // Per-CPU data: its symbols are offsets from the module's per-CPU base (the kernel never relocates its bytes).
  if (layout.percpu) {
    lines.push(`  ".data..percpu" ${layout.percpu.base} : { *(".data..percpu") }`);
    placedNames.add('.data..percpu');
  }
  // Sections the kernel does not copy: .data..percpu (per-CPU memory), __versions and .modinfo (ALLOC cleared).
  const discard = elf.sections.filter((s) => s.flags & 2 && !placedNames.has(s.name)).map((s) => `*("${s.name}")`);
  if (discard.length) lines.push(`  /DISCARD/ : { ${discard.join(' ')} }`);
  lines.push('}');
  const undef = new Set((elf.symtab?.symbols ?? []).filter((s) => s.rawShndx === 0 && s.name).map((s) => s.name));
  for (const s of layout.symbols) if (undef.has(s.name)) lines.push(`${s.name} = ${s.value};`);
  writeFileSync(join(dir, 'link.ld'), lines.join('\n') + '\n');
  const out = join(dir, 'linked.elf');
  execFileSync('ld', ['-m', 'elf_x86_64', '--no-relax', '-static', '-nostdlib', '-e', '0', '-T', join(dir, 'link.ld'), '-o', out, input], {
    stdio: 'pipe',
  });
  const linked = readElf(new Uint8Array(readFileSync(out)));
  const ftraceSites = mcountSites(linked);
  let compared = 0;
  for (const s of placed) {
    if (s.size === 0) continue;
    const ls = linked.sections.find((x) => x.name === s.name);
    const src = elf.sections[s.index];
    if (!ls) {
      // ld keeps .note.gnu.build-id only with --build-id; nothing relocates it, so compare with the file.
      expect(
        elf.relocSections.some((r) => r.targetIndex === s.index),
        `${s.name} missing from ld's output`,
      ).toBe(false);
      const ours = new Uint8Array(readFileSync(join(dir, 'sections', `${s.index}.bin`)));
      expect(Buffer.compare(ours, bytes.subarray(src.offset, src.offset + src.size))).toBe(0);
      compared++;
      continue;
    }
    if (ls.type === 8) continue; // NOBITS: zero in both
    expect(`0x${ls.addr.toString(16).padStart(16, '0')}`).toBe(s.address);
    const ours = new Uint8Array(readFileSync(join(dir, 'sections', `${s.index}.bin`)));
    const theirs = linked.bytes.slice(ls.offset, ls.offset + ls.size);
    // load_module() fills some struct module fields itself (state, layouts, taints, args, refcnt).
    if (s.name === '.gnu.linkonce.this_module')
      for (const [at, n] of KERNEL_WRITTEN_RANGES) {
        ours.fill(0, at, at + n);
        theirs.fill(0, at, at + n);
      }
    // ftrace_module_init() then makes every `call __fentry__` listed in __mcount_loc a 5-byte NOP (ftrace.ts).
    for (const ip of ftraceSites) {
      const off = Number(ip - ls.addr);
      if (off < 0 || off >= theirs.length) continue;
      expect(theirs[off], `${s.name}+0x${off.toString(16)}: ld wrote no call at an __mcount_loc site`).toBe(0xe8);
      theirs.set(NOP5, off);
    }
    const diff = ours.findIndex((b, i) => b !== theirs[i]);
    expect(diff, `${file} ${s.name}: first differing byte at +0x${diff.toString(16)}`).toBe(-1);
    expect(ours.length).toBe(theirs.length);
    compared++;
  }
  return compared;
}

const corpus = (p: string): string => join(CORPUS, p);

const NOP5 = Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00);
/** The call sites ld wrote into the linked __mcount_loc (absolute 64-bit addresses; 0 for a discarded function). */
function mcountSites(linked: ReturnType<typeof readElf>): bigint[] {
  const loc = linked.sections.find((x) => x.name === '__mcount_loc');
  if (!loc) return [];
  const dv = new DataView(linked.bytes.buffer, linked.bytes.byteOffset + loc.offset, loc.size);
  const out: bigint[] = [];
  for (let i = 0; i + 8 <= loc.size; i += 8) {
    const ip = dv.getBigUint64(i, true);
    if (ip !== 0n) out.push(ip);
  }
  return out;
}

/**
 * The kernel copies .rodata.str1.* as they are; ld would merge duplicate strings (SHF_MERGE|SHF_STRINGS)
 * and move them. Clear those two flags in ld's input so it lays strings out as the kernel does.
 */
function withoutMergeFlags(bytes: Uint8Array, elf: ReturnType<typeof readElf>): Uint8Array {
  const copy = bytes.slice();
  const dv = new DataView(copy.buffer);
  for (const s of elf.sections) {
    const at = elf.header.shoff + s.index * elf.header.shentsize + 8;
    dv.setUint32(at, dv.getUint32(at, true) & ~0x30, true);
  }
  return copy;
}

describe.skipIf(missing('GNU ld (binutils)', hasLd))('GNU ld links each module at the modelled addresses to the same bytes', () => {
  it('samples/hello/hello.ko', async () => {
    // No parameters: parse_args() writes into .data, which ld cannot know about.
    expect(await crossCheck(join(ROOT, 'samples/hello/hello.ko'), [])).toBeGreaterThan(10);
  });

  const cases: [string, string[]][] = [
    ['fs/fat/vfat.ko', ['fs/fat/fat.ko']],
    ['net/netfilter/x_tables.ko', []],
    ['net/ieee802154/ieee802154.ko', []],
    ['fs/xfs/xfs.ko', ['lib/libcrc32c.ko']],
  ];
  for (const [mod, deps] of cases) {
    it.skipIf(missing(CORPUS_WHAT, existsSync(corpus(mod))))(
      `${mod} (Debian 6.1 corpus)`,
      async () => {
        expect(await crossCheck(corpus(mod), deps.map(corpus))).toBeGreaterThan(10);
      },
      60_000,
    );
  }
});
