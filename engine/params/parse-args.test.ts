import { describe, expect, it } from 'vitest';
import { buildParams, type ParamDecl } from './fixture';
import { paramGet } from './get';
import { KmallocedParams } from './kmalloced';
import { EINVAL, ENOENT, ENOSPC, EPERM, ERANGE, KERN_ERR, KERN_NOTICE, KERN_WARNING } from './log';
import { KERNEL_PARAM_FL_HWPARAM, KERNEL_PARAM_FL_UNSAFE } from './memory';
import { parseModuleArgs } from './module-args';
import { parseArgs } from './parse-args';
import { SimpleParamMemory } from './simple-memory';

const HELLO: ParamDecl[] = [
  { name: 'count', type: 'int', init: Uint8Array.of(1, 0, 0, 0) },
  { name: 'whom', type: 'charp', perm: 0o444, initString: 'world' },
];

function setup(decls: ParamDecl[] = HELLO) {
  const mem = new SimpleParamMemory();
  const built = buildParams(mem, decls);
  const show = (name: string): string => {
    const p = built.params.find((x) => x.name === name);
    if (!p) throw new Error(name);
    const r = paramGet(p, mem);
    return r.kind === 'ok' ? r.text : r.kind;
  };
  return { mem, params: built.params, show };
}

describe('parse_args for a module', () => {
  it('sets hello parameters, quotes and all', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'count=3 whom="big world"', t.params, t.mem);
    expect(r.errno).toBe(0);
    expect(r.log).toEqual([]);
    expect(r.events.map((e) => [e.kind, e.name, e.value])).toEqual([
      ['set', 'count', '3'],
      ['set', 'whom', 'big world'],
    ]);
    expect(r.events[1].arg.rawSpan).toEqual({ start: 8, end: 24 });
    expect(r.events[1].arg.valueSpan).toEqual({ start: 14, end: 23 });
    expect(r.events[0].effects).toEqual([{ kind: 'write', address: t.params[0].arg, bytes: Uint8Array.of(3, 0, 0, 0) }]);
    expect(r.events[1].effects.map((e) => e.kind)).toEqual(['kmalloc', 'write', 'write']);
    expect(t.show('count')).toBe('3\n');
    expect(t.show('whom')).toBe('big world\n');
  });

  it('prints the kernel messages for bad values, verbatim', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'count=abc', t.params, t.mem);
    expect(r.errno).toBe(-EINVAL);
    expect(r.loadError).toBe(-EINVAL);
    expect(r.log).toEqual([{ level: KERN_ERR, text: "hello: `abc' invalid for parameter `count'" }]);
    // -ERANGE takes the default branch too.
    expect(parseModuleArgs('hello', 'count=2147483648', t.params, t.mem)).toMatchObject({
      errno: -ERANGE,
      log: [{ level: KERN_ERR, text: "hello: `2147483648' invalid for parameter `count'" }],
    });
    // A missing value for a non-bool prints an empty value.
    expect(parseModuleArgs('hello', 'count', t.params, t.mem).log).toEqual([{ level: KERN_ERR, text: "hello: `' invalid for parameter `count'" }]);
    // -ENOSPC: the setter's own line, then parse_args' "too large".
    const long = 'x'.repeat(1025);
    expect(parseModuleArgs('hello', `whom=${long}`, t.params, t.mem).log).toEqual([
      { level: KERN_ERR, text: 'whom: string parameter too long' },
      { level: KERN_ERR, text: `hello: \`${long}' too large for parameter \`whom'` },
    ]);
  });

  it('goes on after an error and returns the last one', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'count=x whom=ok count=07 whom', t.params, t.mem);
    expect(r.events.map((e) => [e.kind, e.errno])).toEqual([
      ['error', -EINVAL],
      ['set', 0],
      ['set', 0],
      ['error', -EINVAL],
    ]);
    expect(r.errno).toBe(-EINVAL);
    expect(t.show('count')).toBe('7\n');
    expect(t.show('whom')).toBe('ok\n');
  });

  it('matches names with - and _ interchangeably, but prints the name as typed', () => {
    const t = setup([{ name: 'max_count', type: 'int' }]);
    const r = parseModuleArgs('m', 'max-count=5 max-count=z', t.params, t.mem);
    expect(t.show('max_count')).toBe('5\n');
    expect(r.log).toEqual([{ level: KERN_ERR, text: "m: `z' invalid for parameter `max-count'" }]);
  });

  it('warns about and ignores unknown parameters', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'verbosity=3 Count=2', t.params, t.mem);
    expect(r.errno).toBe(0);
    expect(r.events.map((e) => e.kind)).toEqual(['unknown-ignored', 'unknown-ignored']);
    expect(r.log).toEqual([
      { level: KERN_WARNING, text: "hello: unknown parameter 'verbosity' ignored" },
      { level: KERN_WARNING, text: "hello: unknown parameter 'Count' ignored" },
    ]);
  });

  it('takes async_probe and dyndbg; a dotted name is cut at the dot in the warning', () => {
    const t = setup();
    expect(parseModuleArgs('hello', 'async_probe', t.params, t.mem)).toMatchObject({ asyncProbeRequested: true, log: [] });
    expect(parseModuleArgs('hello', 'async_probe=0', t.params, t.mem, { asyncProbeDefault: true }).asyncProbeRequested).toBe(false);
    expect(parseModuleArgs('hello', 'async_probe=maybe', t.params, t.mem).asyncProbeRequested).toBe(true);
    // No dash folding for async_probe: strcmp().
    expect(parseModuleArgs('hello', 'async-probe', t.params, t.mem).log).toEqual([
      { level: KERN_WARNING, text: "hello: unknown parameter 'async-probe' ignored" },
    ]);
    const d = parseModuleArgs('hello', 'dyndbg="+p" hello.dyndbg foo.bar=1', t.params, t.mem);
    expect(d.events.map((e) => e.kind)).toEqual(['dyndbg', 'dyndbg', 'unknown-ignored']);
    expect(d.log).toEqual([{ level: KERN_WARNING, text: "hello: unknown parameter 'foo' ignored" }]);
  });

  it('bare names: bool, bint and bool_enable_only mean true; invbool and others are -EINVAL', () => {
    const t = setup([
      { name: 'b', type: 'bool' },
      { name: 'n', type: 'bint' },
      { name: 'e', type: 'bool_enable_only' },
      { name: 'i', type: 'invbool' },
    ]);
    const r = parseModuleArgs('m', 'b n e i', t.params, t.mem);
    expect(r.events.map((e) => e.kind)).toEqual(['set', 'set', 'set', 'error']);
    expect([t.show('b'), t.show('n'), t.show('e'), t.show('i')]).toEqual(['Y\n', '1\n', 'Y\n', 'Y\n']);
    expect(r.log).toEqual([{ level: KERN_ERR, text: "m: `' invalid for parameter `i'" }]);
  });

  it('stops at --, and load_module warns about the rest', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'count=2 --  count=9 whom=x ', t.params, t.mem);
    expect(r.events.map((e) => e.kind)).toEqual(['set', 'after-dashdash']);
    expect(r.afterDashes?.text).toBe('count=9 whom=x ');
    expect(r.afterDashes?.span).toEqual({ start: 12, end: 27 });
    expect(r.log).toEqual([{ level: KERN_WARNING, text: "hello: parameters 'count=9 whom=x ' after `--' ignored" }]);
    expect(t.show('count')).toBe('2\n');
    // Nothing after it: still warned, with an empty string.
    expect(parseModuleArgs('hello', 'count=2 --', t.params, t.mem).log).toEqual([
      { level: KERN_WARNING, text: "hello: parameters '' after `--' ignored" },
    ]);
    // "--" with a value is an ordinary (unknown) name; a quoted "--" still stops.
    expect(parseModuleArgs('hello', '--=1', t.params, t.mem).events[0].kind).toBe('unknown-ignored');
    expect(parseModuleArgs('hello', '"--" x', t.params, t.mem).afterDashes?.text).toBe('x');
  });

  it('after an error, -- returns the error and nothing is said about the rest', () => {
    const t = setup();
    const r = parseModuleArgs('hello', 'count=x -- count=9', t.params, t.mem);
    expect(r.errno).toBe(-EINVAL);
    expect(r.afterDashes).toBeNull();
    expect(r.log).toEqual([{ level: KERN_ERR, text: "hello: `x' invalid for parameter `count'" }]);
  });

  it('unsafe parameters taint U; hardware parameters are -EPERM under lockdown', () => {
    const t = setup([
      { name: 'danger', type: 'int', flags: KERNEL_PARAM_FL_UNSAFE },
      { name: 'io', type: 'ulong', flags: KERNEL_PARAM_FL_HWPARAM },
    ]);
    const r = parseModuleArgs('m', 'danger=1 io=0x300', t.params, t.mem);
    expect(r.taint).toEqual(['U']);
    expect(r.events[0]).toMatchObject({ kind: 'set', dangerous: true, taint: 'U' });
    expect(r.log).toEqual([{ level: KERN_NOTICE, text: 'Setting dangerous option danger - tainting kernel' }]);
    expect(t.show('io')).toBe('768\n');
    const l = parseModuleArgs('m', 'io=0x200 danger=x', t.params, t.mem, { lockedDown: true });
    expect(l.errno).toBe(-EINVAL);
    expect(l.events.map((e) => e.errno)).toEqual([-EPERM, -EINVAL]);
    expect(l.log).toEqual([
      { level: KERN_NOTICE, text: 'Lockdown: insmod: unsafe module parameters is restricted; see man kernel_lockdown.7' },
      { level: KERN_ERR, text: "m: `0x200' invalid for parameter `io'" },
      { level: KERN_NOTICE, text: 'Setting dangerous option danger - tainting kernel' },
      { level: KERN_ERR, text: "m: `x' invalid for parameter `danger'" },
    ]);
    expect(l.taint).toEqual(['U']);
    expect(t.show('io')).toBe('768\n');
  });

  it('arrays over max', () => {
    const t = setup([{ name: 'ports', type: 'array', array: { max: 2, elementType: 'ushort', withNum: true } }]);
    const r = parseModuleArgs('m', 'ports=1,2,3', t.params, t.mem);
    expect(r.log).toEqual([
      { level: KERN_ERR, text: 'ports: can only take 2 arguments' },
      { level: KERN_ERR, text: "m: `1' invalid for parameter `ports'" },
    ]);
    expect(parseModuleArgs('m', 'ports=80,443', t.params, t.mem).errno).toBe(0);
    expect(t.show('ports')).toBe('80,443\n');
  });

  it('custom ops are reported, not run; a host may run them', () => {
    const t = setup([{ name: 'x', type: 'custom' }]);
    const r = parseModuleArgs('m', 'x=1', t.params, t.mem);
    expect(r.modelled).toBe(false);
    expect(r.events[0].kind).toBe('not-modelled');
    const h = parseModuleArgs('m', 'x=1', t.params, t.mem, { custom: () => ({ kind: 'done', errno: -ENOSPC }) });
    expect(h.log).toEqual([{ level: KERN_ERR, text: "m: `1' too large for parameter `x'" }]);
  });

  it('charp copies persist across loads of the same kernel through one KmallocedParams', () => {
    const t = setup();
    const kmalloced = new KmallocedParams();
    parseModuleArgs('hello', 'whom=a whom=b whom=c', t.params, t.mem, { kmalloced });
    expect(t.mem.liveAllocations().length).toBe(1);
    expect(kmalloced.values().length).toBe(1);
  });
});

describe('parse_args without an unknown callback (the kernel command line kind)', () => {
  it('unknown names are -ENOENT with "Unknown parameter"', () => {
    const t = setup();
    const r = parseArgs('Booting kernel', 'nosuch=1 count=4', t.params, t.mem);
    expect(r.errno).toBe(-ENOENT);
    expect(r.log).toEqual([{ level: KERN_ERR, text: "Booting kernel: Unknown parameter `nosuch'" }]);
    expect(t.show('count')).toBe('4\n');
  });

  it('skips parameters outside the level range', () => {
    const t = setup([{ name: 'early', type: 'int', level: 1 }]);
    const r = parseArgs('early options', 'early=5', t.params, t.mem, { minLevel: 2, maxLevel: 7 });
    expect(r.events[0].kind).toBe('level-skipped');
    expect(t.show('early')).toBe('0\n');
  });
});
