/** parser.ts: lib/parser.c's match_token() and match_*() helpers, and target_core_mod's use of them on the real module. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchOne, simpleStrtol } from './parser';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64, writeU64 } from './mem';
import { bootKernel, CORPUS } from '../../../scripts/test-support/kernel';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { attachCpu } from '../attach';
import { moduleIndex } from '../../../main/cli/shell';
import { Shell } from '../../shell/index';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const args = (s: string, p: string): [string, string][] | null => {
  const m = matchOne(b(s), b(p));
  if (!m.ok) return null;
  const out: [number, number][] = [];
  for (const w of m.writes) (out[w.index] ??= [0, 0])[w.field === 0 ? 0 : 1] = w.offset;
  return out.map(([f, t]) => [s.slice(0, f), s.slice(f, t)]);
};

describe('match_one()', () => {
  it('literal patterns match the whole string only', () => {
    expect(matchOne(b('rd_nullio'), b('rd_nullio')).ok).toBe(true);
    expect(matchOne(b('rd_nullio=1'), b('rd_nullio')).ok).toBe(false);
    expect(matchOne(b('rd'), b('rd_nullio')).ok).toBe(false);
  });
  it('%d takes what simple_strtol() reads (sign, base 0 prefixes), and at least one byte', () => {
    expect(args('rd_pages=8', 'rd_pages=%d')).toEqual([['rd_pages=', '8']]);
    expect(args('rd_pages=-0x1fz', 'rd_pages=%d')).toBeNull(); // "z" left over: the final strcmp("", "z") fails
    expect(args('rd_pages=-0x1f', 'rd_pages=%d')).toEqual([['rd_pages=', '-0x1f']]);
    expect(args('rd_pages=', 'rd_pages=%d')).toBeNull();
    expect(args('rd_pages=-', 'rd_pages=%d')).toEqual([['rd_pages=', '-']]); // the '-' alone is one byte used
    expect(args('n=0x', 'n=%x')).toEqual([['n=', '0x']]); // base 16 skips "0x" even with no digit after it
    expect(args('n=089', 'n=%o')).toBeNull();
    expect(args('n=07', 'n=%o')).toEqual([['n=', '07']]);
  });
  it('%s takes the rest (at most len bytes); an empty rest fails; %% is a literal percent', () => {
    expect(args('udev_path=/dev/sda', 'udev_path=%s')).toEqual([['udev_path=', '/dev/sda']]);
    expect(args('udev_path=', 'udev_path=%s')).toBeNull();
    expect(args('name=abcdef', 'name=%3s')).toBeNull(); // "def" is left for the final strcmp
    expect(args('name=abc', 'name=%3s')).toEqual([['name=', 'abc']]);
    expect(args('50%=x', '%d%%=%s')).toEqual([['', '50'], ['50%=', 'x']]);
  });
  it('at most MAX_OPT_ARGS (3) conversions', () => {
    expect(args('1,2,3', '%d,%d,%d')).toEqual([['', '1'], ['1,', '2'], ['1,2,', '3']]);
    expect(matchOne(b('1,2,3,4'), b('%d,%d,%d,%d')).ok).toBe(false);
  });
  it('simple_strtol(): "-" negates, no whitespace skipped', () => {
    expect(simpleStrtol(b('-12'), 0, 0)).toEqual({ value: -12n, used: 3 });
    expect(simpleStrtol(b(' 12'), 0, 0)).toEqual({ value: 0n, used: 0 });
    expect(simpleStrtol(b('0x10'), 0, 0)).toEqual({ value: 16n, used: 4 });
  });
});

describe('match_token() and match_int() on module memory', () => {
  it('walks the table to the first match (or the NULL-pattern entry) and fills args[] with pointers into s', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    // target_core_rd.c's tokens: { Opt_rd_pages, "rd_pages=%d" }, { Opt_rd_nullio, "rd_nullio=%d" }, { Opt_rd_dummy, ... },
    // { Opt_err, NULL }.
    const table = ctx.kmalloc(64, true, 'a match_table_t');
    const entries: [number, bigint][] = [
      [0, ctx.str('rd_pages=%d')],
      [1, ctx.str('rd_nullio=%d')],
      [2, ctx.str('rd_dummy=%d')],
      [3, 0n],
    ];
    entries.forEach(([tok, pat], i) => {
      ctx.poke(table + BigInt(16 * i), Uint8Array.of(tok, 0, 0, 0, 0, 0, 0, 0));
      writeU64(ctx.mem, table + BigInt(16 * i + 8), pat);
    });
    const argv = ctx.kmalloc(48, true, 'substring_t args[MAX_OPT_ARGS]');
    const s = ctx.str('rd_nullio=1');
    expect(call('match_token', s, table, argv)).toBe(1n);
    expect(readU64(ctx.mem, argv)).toBe(s + 10n);
    expect(readU64(ctx.mem, argv + 8n)).toBe(s + 11n);
    const out = ctx.kmalloc(4, true, 'int');
    expect(call('match_int', argv, out)).toBe(0n);
    expect(readU32(ctx.mem, out)).toBe(1);
    expect(call('match_token', ctx.str('bogus'), table, argv)).toBe(3n);
    const big = ctx.str('rd_pages=4294967296');
    expect(call('match_token', big, table, argv)).toBe(0n);
    expect(call('match_int', argv, out)).toBe(BigInt.asUintN(64, -34n)); // -ERANGE
    const m = ctx.kmalloc(16, true, 'char buf[16]');
    const dup = call('match_strdup', argv) as bigint;
    expect(ctx.peekString(dup)).toBe('4294967296');
    expect(call('match_strlcpy', m, argv, 5n)).toBe(10n);
    expect(ctx.peekString(m)).toBe('4294');
  });
});

const TARGET = join(CORPUS, 'drivers', 'target', 'target_core_mod.ko');
describe.skipIf(!process.env.CI && !existsSync(TARGET))('target_core_mod on the modelled machine', () => {
  it('core_dev_setup_virtual_lun0() parses "rd_pages=8" with match_token(); no /etc/target: as the real kernel logs', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const files = (p: string): Uint8Array | null => (p.startsWith(CORPUS) && existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
    const sh = new Shell(k, files, { moduleIndex: moduleIndex(CORPUS) });
    const from = k.log.records.length;
    const r = sh.run('modprobe target_core_mod');
    expect(r.output).toBe('');
    expect(r.exit).toBe(0);
    // The real kernel (scripts/qemu/recordings/modprobe-sample.json.gz, target iscsi_target_mod) logs these two.
    expect(k.log.records.slice(from).map((m) => `<${m.level}>${m.text}`)).toEqual([
      '<6>Rounding down aligned max_sectors from 4294967295 to 4294967288',
      '<3>db_root: cannot open: /etc/target',
    ]);
    expect(sh.run('cat /proc/modules').output).toMatch(/^target_core_mod \d+ 0 - Live/);
    expect(sh.run('rmmod target_core_mod').exit).toBe(0);
  });
});
