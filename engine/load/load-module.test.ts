/**
 * The modelled 6.1 load path on the real samples/hello/hello.ko (built against Debian's
 * 6.1.0-50 headers) and deliberately broken copies of it: every check against numbers computed
 * independently here from the ELF file and the kernel profile.
 */
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/index';
import { splitSignature } from '../kmod/signature';
import { bootKernel, debianProfile, sample } from '../../scripts/test-support/kernel';
import { EEXIST, EINVAL, ENOENT, ENOEXEC, modStrerror } from './errno';
import { loadModule } from './load-module';
import { logAt, memoryAt, seek } from '../kernel-session';
import { unloadModule } from './unload';

const HELLO = sample('hello/hello.ko');

function load(args = '', image = HELLO, k = bootKernel()) {
  const r = loadModule(k, { fileName: 'hello.ko', image, args, syscall: 'finit_module' });
  return { k, r, log: k.log.records.map((l) => `<${l.level}>${l.text}`) };
}

/** A copy of hello.ko with `from` replaced by `to` (same length) at its first occurrence (in `section` if given). */
function patched(from: string, to: string, section?: string): Uint8Array {
  expect(to.length).toBe(from.length);
  const b = HELLO.slice();
  const text = Buffer.from(b).toString('latin1');
  const sec = section ? readElf(splitSignature(HELLO).elf).sections.find((x) => x.name === section) : undefined;
  const at = text.indexOf(from, sec?.offset ?? 0);
  expect(at).toBeGreaterThan(0);
  b.set(Buffer.from(to, 'latin1'), at);
  return b;
}

describe('insmod hello.ko on the modelled Debian 6.1.0-50 kernel', () => {
  const { k, r, log } = load('count=3 whom=there');
  const mod = r.module;

  it("loads, taints O and E with the kernel's messages, and goes LIVE", () => {
    expect(r.errno).toBe(0);
    expect(mod?.state).toBe('LIVE');
    expect(log).toEqual([
      '<4>hello: loading out-of-tree module taints kernel.',
      '<5>hello: module verification failed: signature and/or required key missing - tainting kernel',
    ]);
    expect(mod?.taints).toBe((1 << 12) | (1 << 13));
    expect(mod?.refcnt).toBe(1);
  });

  it('lays sections out by the kernel rules: masks, index order, alignment, page-aligned groups', () => {
    const elf = readElf(splitSignature(HELLO).elf);
    const core = mod?.core;
    expect(core?.base).toBe(0xffffffffc0201000n); // after the boot-time 2 MiB bpf_prog_pack + guard page
    let prevEnd = 0n;
    let lastGroup = '';
    for (const s of mod?.allSections.filter((x) => !x.init && x.group !== 'symtab') ?? []) {
      const sec = elf.sections[s.index];
      expect(s.address % BigInt(sec.addralign || 1)).toBe(0n);
      if (s.group !== lastGroup && lastGroup !== '') expect((s.address - (core?.base ?? 0n)) % 4096n).toBe(0n);
      expect(s.address).toBeGreaterThanOrEqual(prevEnd);
      prevEnd = s.address + BigInt(s.size);
      lastGroup = s.group;
      // the group follows from the flags alone
      const f = sec.flags;
      const expected = f & 4 ? 'text' : !(f & 1) ? 'rodata' : 'data';
      expect(s.group, s.name).toBe(expected);
    }
    expect(mod?.coreLayout).toEqual({ size: 0x4000, textSize: 0x1000, roSize: 0x2000, roAfterInitSize: 0x2000 });
  });

  it('resolves the five imports against vmlinux and applies every relocation as S + A (- P)', () => {
    // Without arguments: parse_args would overwrite whom's relocated default pointer.
    const { k, r } = load();
    const mod = r.module;
    const elf = readElf(splitSignature(HELLO).elf);
    const profile = debianProfile();
    const syms = elf.symtab?.symbols ?? [];
    const final = new Map(mod?.symbolTable.map((s) => [s.index, s.value]));
    for (const s of syms.filter((x) => x.rawShndx === 0 && x.name)) expect(final.get(s.index), s.name).toBe(profile.lookup(s.name)?.address);
    const place = new Map(mod?.allSections.map((s) => [s.index, s.address]));
    let checked = 0;
    for (const rs of elf.relocSections) {
      const base = place.get(rs.targetIndex);
      if (base === undefined) continue;
      for (let j = 0; j < rs.count; j++) {
        const P = base + (BigInt(rs.offsetHi[j]) << 32n) + BigInt(rs.offsetLo[j]);
        const A = (BigInt(rs.addendHi[j]) << 32n) + BigInt(rs.addendLo[j]);
        const S = final.get(rs.sym[j]) ?? 0n;
        const t = rs.type[j];
        const v = t === 2 || t === 4 || t === 24 ? S + A - P : S + A;
        const width = t === 1 || t === 24 ? 8 : 4;
        const a = k.memory.allocations.find((x) => P >= x.base && P < x.base + BigInt(x.size) && x.owner === 'hello');
        const got = Buffer.from(a?.bytes.subarray(Number(P - (a?.base ?? 0n)), Number(P - (a?.base ?? 0n)) + width) ?? []);
        const want = Buffer.alloc(8);
        want.writeBigUInt64LE(BigInt.asUintN(64, v));
        // ftrace_module_init() later made the `call __fentry__` (e8 at P - 1) a 5-byte NOP: 0f 1f 44 00 00.
        if (syms[rs.sym[j]]?.name === '__fentry__') want.set([0x1f, 0x44, 0x00, 0x00]);
        expect(got.equals(want.subarray(0, width)), `${rs.name}[${j}]`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(34);
  });

  it('writes the parameters into the module variables', () => {
    const count = mod?.params.find((p) => p.name === 'count')?.resolved;
    expect(count).toBeTruthy();
    expect(Buffer.from(k.memory.read(count?.arg ?? 0n, 4)).readInt32LE()).toBe(3);
    const whom = mod?.params.find((p) => p.name === 'whom')?.resolved;
    const ptr = Buffer.from(k.memory.read(whom?.arg ?? 0n, 8)).readBigUInt64LE();
    expect(k.memory.readCString(ptr)).toBe('there');
  });

  it('records init and exit from the relocated struct module (0x138, 0x350)', () => {
    expect(mod?.initFn).toBe(mod?.allSections.find((s) => s.name === '.init.text')?.address);
    expect(mod?.exitFn).toBe(mod?.allSections.find((s) => s.name === '.exit.text')?.address);
    expect(mod?.init).toBeNull(); // freed after init
  });

  it("can seek to every position and show each relocation's bytes before and after", () => {
    const len = k.timeline.length;
    let relocs = 0;
    for (let p = 0; p < len; p++) {
      const v = seek(k, p);
      expect(v.pos).toBe(p);
      if (v.item?.kind === 'relocation' && v.item.status === 'applied') {
        relocs++;
        const P = BigInt(v.item.P);
        const before = memoryAt(k, P, v.item.width, p - 1).bytes;
        const after = memoryAt(k, P, v.item.width, p).bytes;
        expect(before.map((b) => (b ?? 0).toString(16).padStart(2, '0')).join(' ')).toBe(v.item.before);
        expect(after.map((b) => (b ?? 0).toString(16).padStart(2, '0')).join(' ')).toBe(v.item.after);
      }
    }
    expect(relocs).toBe(34);
    // Before move_module the module's memory does not exist yet.
    const core = mod?.core?.base ?? 0n;
    expect(memoryAt(k, core, 4, 0).bytes).toEqual([null, null, null, null]);
  });
});

describe("failure paths print the kernel's lines and return its errno", () => {
  it('a relocation target that is not zero: "existing value is nonzero", -ENOEXEC; the item shows S, A, P, the value and the bytes', () => {
    const elf = readElf(splitSignature(HELLO).elf);
    const rs = elf.relocSections.find((r) => r.name === '.rela.init.text');
    const text = elf.sections.find((x) => x.name === '.init.text');
    if (!rs || !text) throw new Error('hello.ko has no .rela.init.text');
    const j = 3;
    const b = HELLO.slice();
    b[text.offset + rs.offsetLo[j]] = 0x5a;
    const { k, r, log } = load('', b);
    expect(r.errno).toBe(-ENOEXEC);
    let item = null;
    let after = null;
    for (let p = 0; p < k.timeline.length && !after; p++) {
      const v = seek(k, p).item;
      if (v?.kind !== 'relocation') continue;
      if (item) after = v;
      else if (v.status !== 'applied') item = v;
    }
    if (item?.kind !== 'relocation' || after?.kind !== 'relocation') throw new Error('no refused relocation item');
    expect([item.relaSection, item.entry, item.status, item.typeNumber]).toEqual(['.rela.init.text', j, 'nonzero-target', rs.type[j]]);
    expect(item.before.startsWith('5a ')).toBe(true);
    expect(item.after).toBe('');
    // S + A − P (PC-relative) or S + A, modulo 2^64, computed here from the item's own S, A and P.
    const A = item.A.startsWith('-') ? -BigInt(item.A.slice(1)) : BigInt(item.A);
    const val = BigInt.asUintN(64, BigInt(item.S) + A - (item.rule?.pcRelative ? BigInt(item.P) : 0n));
    expect(BigInt(item.value)).toBe(item.width === 4 ? val & 0xffffffffn : val);
    expect(item.targetSection).toBe('.init.text');
    expect(BigInt(item.P) >= 0xffffffffc0000000n).toBe(true); // in the modules area (the module is gone again: no address to compare)
    const line = `existing value is nonzero for type ${rs.type[j]}, loc ${item.P.slice(2)}, val ${val.toString(16)}`;
    expect(log.some((l) => l.includes(line))).toBe(true);
    // The next item was never reached: no S, P or value.
    expect([after.status, after.S, after.P, after.before]).toEqual(['not-reached', `0x${'0'.repeat(16)}`, `0x${'0'.repeat(16)}`, '']);
  });

  it('a second insmod: -EEXIST, nothing printed', () => {
    const { k } = load();
    const n = k.log.records.length;
    const r = loadModule(k, { fileName: 'hello.ko', image: HELLO, args: '', syscall: 'finit_module' });
    expect(r.errno).toBe(-EEXIST);
    expect(k.log.records.length).toBe(n);
    expect(modStrerror(r.errno ?? 0)).toBe('File exists');
    expect(k.modules).toHaveLength(1);
  });

  it('a bad value: -EINVAL, "invalid for parameter", the module is gone again', () => {
    const { k, r, log } = load('count=abc');
    expect(r.errno).toBe(-EINVAL);
    expect(log).toContain("<3>hello: `abc' invalid for parameter `count'");
    expect(k.modules).toHaveLength(0);
    expect(k.memory.allocations.filter((a) => a.owner === 'hello' && a.freedAt === null && a.kind !== 'kmalloc')).toHaveLength(0);
    expect(modStrerror(r.errno ?? 0)).toBe('Invalid parameters');
  });

  it('an unknown parameter is only a warning', () => {
    const { r, log } = load('bogus=1');
    expect(r.errno).toBe(0);
    expect(log).toContain("<4>hello: unknown parameter 'bogus' ignored");
  });

  it('a wrong vermagic (with __versions only the part after the release counts)', () => {
    const { r, log } = load('', patched('SMP preempt', 'SMP nopreem'));
    expect(r.errno).toBe(-ENOEXEC);
    expect(log).toContain(
      "<3>hello: version magic '6.1.0-50-amd64 SMP nopreem mod_unload modversions ' should be '6.1.0-50-amd64 SMP preempt mod_unload modversions '",
    );
    const other = load('', patched('6.1.0-50-amd64 SMP', '6.1.0-99-amd64 SMP'));
    expect(other.r.errno).toBe(0);
  });

  it('a CRC mismatch: two lines, err -22, insmod says "Invalid parameters"', () => {
    const elf = readElf(splitSignature(HELLO).elf);
    const vers = elf.sections.find((s) => s.name === '__versions');
    const b = HELLO.slice();
    const dv = new DataView(b.buffer);
    let at = -1;
    for (let o = vers?.offset ?? 0; o < (vers?.offset ?? 0) + (vers?.size ?? 0); o += 64)
      if (Buffer.from(b.subarray(o + 8, o + 15)).toString() === '_printk') at = o;
    dv.setUint32(at, dv.getUint32(at, true) ^ 1, true);
    const { r, log } = load('', b);
    expect(r.errno).toBe(-EINVAL);
    expect(log.slice(2)).toEqual(['<4>hello: disagrees about version of symbol _printk', '<4>hello: Unknown symbol _printk (err -22)']);
  });

  it('a non-GPL licence taints P and hides GPL-only exports', () => {
    const { r, log, k } = load('', patched('license=GPL\0', 'license=BSD\0'));
    expect(log[1]).toBe("<4>hello: module license 'BSD' taints kernel.");
    expect(log[2]).toBe('<4>Disabling lock debugging due to kernel taint');
    // hello only uses non-GPL exports (_printk, param_ops_*, __fentry__, __x86_return_thunk): it loads.
    expect(r.errno).toBe(0);
    expect(k.tainted('P')).toBe(true);
    const gplOnly = debianProfile().vmlinuxExports.find((e) => e.gpl && !e.percpu)?.name ?? '';
    expect(k.findSymbol(gplOnly, false)).toBeNull();
    expect(k.findSymbol(gplOnly, true)).not.toBeNull();
  });

  it('a truncated image: -ENOEXEC with a message, nothing allocated', () => {
    const { k, r, log } = load('', HELLO.subarray(0, 1000));
    expect(r.errno).toBe(-ENOEXEC);
    expect(log.join('\n')).toMatch(/Invalid ELF/);
    expect(k.memory.allocations.filter((a) => a.freedAt === null && a.kind !== 'reserved')).toHaveLength(0);
  });

  it('a missing provider: one "Unknown symbol" line per symbol, -ENOENT', () => {
    const { r, log } = load('', patched('_printk\0', '_prXntk\0', '.strtab'));
    expect(r.errno).toBe(-ENOENT);
    expect(log.filter((l) => l.includes('Unknown symbol'))).toEqual(['<4>hello: Unknown symbol _prXntk (err -2)']);
  });
});

describe('the log at a position (the printk buffer pane replays all of it)', () => {
  it("has every record printed up to pos, with facility and timestamp, beyond the seek view's 200", () => {
    const k = bootKernel({ quiet: true });
    for (let i = 0; i < 230; i++) k.printkAt(6, `line ${i}`, k.timeline.length);
    const { r } = load('', HELLO, k);
    expect(r.errno).toBe(0);
    const end = k.timeline.length - 1;
    const full = logAt(k, end);
    expect(full.rows.length).toBe(k.log.records.length);
    expect(full.rows.length).toBeGreaterThan(230);
    expect(seek(k, end).log.length).toBe(200);
    expect(full.rows.map((x) => x.seq)).toEqual(k.log.records.map((x) => x.seq));
    expect(full.rows.every((x, i) => i === 0 || x.tsNs >= full.rows[i - 1].tsNs)).toBe(true);
    expect(full.rows.at(-1)?.text).toContain('module verification failed');
    // quiet: console_loglevel 4 (kernel/printk/printk.c quiet_kernel()).
    expect(full.printk[0]).toBe(4);
    // Before the load only the lines printed so far.
    expect(logAt(k, 0).rows.length).toBeLessThan(full.rows.length);
  });
});

describe('KASLR and the module area', () => {
  it('the same seed gives the same addresses; the module offset is 4 KiB to 4 MiB', () => {
    const a = load('', HELLO, bootKernel({ kaslrSeed: 42 }));
    const b = load('', HELLO, bootKernel({ kaslrSeed: 42 }));
    const c = load('', HELLO, bootKernel({ kaslrSeed: 7 }));
    expect(a.r.module?.core?.base).toBe(b.r.module?.core?.base);
    expect(a.r.module?.core?.base).not.toBe(c.r.module?.core?.base);
    const off = a.k.as.moduleLoadOffset;
    expect(off >= 4096n && off <= 4n << 20n && off % 4096n === 0n).toBe(true);
    // vmlinux exports move with the kernel's slide; the PLT32 call to _printk still reaches it.
    expect(a.k.findSymbol('_printk', true)?.address).toBe((debianProfile().lookup('_printk')?.address ?? 0n) + a.k.as.kernelSlide);
  });
});

describe('rmmod', () => {
  it('unloads, frees the core region, and says ENOENT the second time', () => {
    const { k, r } = load();
    const core = r.module?.core;
    expect(unloadModule(k, { name: 'hello' }).errno).toBe(0);
    expect(core?.freedAt).not.toBeNull();
    expect(k.modules).toHaveLength(0);
    expect(unloadModule(k, { name: 'hello' }).errno).toBe(-ENOENT);
    // The freed hole is reused by the next load.
    const again = loadModule(k, { fileName: 'hello.ko', image: HELLO, args: '', syscall: 'finit_module' });
    expect(again.module?.core?.base).toBe(core?.base);
  });
});

describe('memory provenance', () => {
  it('names the step that last wrote each byte: the copy of .init.text, then a relocation', () => {
    const { k, r } = load();
    const mod = r.module;
    const init = mod?.allSections.find((s) => s.name === '.init.text');
    const end = k.timeline.length - 1;
    const v = memoryAt(k, init?.address ?? 0n, 32, end);
    expect(v.writers.some((w) => w.what === 'copy of .init.text')).toBe(true);
    expect(v.writers.some((w) => w.what.startsWith('relocation'))).toBe(true);
    for (const w of v.writers) expect(w.pos).toBeLessThanOrEqual(end);
  });
});
