import { describe, expect, it } from 'vitest';
import { cstr, text } from './cstr';
import { nextArg, skipSpaces, splitArgs } from './next-arg';
import { parameq } from './parameq';

/** [name, value] pairs as parse_args() would see them. */
function pairs(args: string): [string, string | null][] {
  return splitArgs(args).map((t) => [t.nameText, t.valueText]);
}

describe('next_arg', () => {
  it('splits on whitespace and the first =', () => {
    expect(pairs('  a=1   b=x=y\tc\n')).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', null],
    ]);
  });

  it('keeps spaces inside quotes and drops the quotes around a value', () => {
    expect(pairs('whom="a b" count=2')).toEqual([
      ['whom', 'a b'],
      ['count', '2'],
    ]);
  });

  it('drops a quote opening the whole argument and the closing one', () => {
    expect(pairs('"whom=a b" x')).toEqual([
      ['whom', 'a b'],
      ['x', null],
    ]);
    expect(pairs('"foo bar"')).toEqual([['foo bar', null]]);
  });

  it('keeps quotes that are not at the start of the value or the end of the argument', () => {
    expect(pairs('a="b c"d')).toEqual([['a', 'b c"d']]);
    expect(pairs('a=b"c d"')).toEqual([['a', 'b"c d"']]);
    expect(pairs('a"b=c"')).toEqual([['a"b', 'c"']]);
  });

  it('handles empty and lone quotes', () => {
    expect(pairs('a= b=""')).toEqual([
      ['a', ''],
      ['b', ''],
    ]);
    expect(pairs('a="')).toEqual([['a', '']]);
    // An unterminated quote swallows the rest of the line.
    expect(pairs('a="x y z')).toEqual([['a', 'x y z']]);
    // A lone '"' at the end: empty name (the i > 0 guard keeps it from reading args[-1]).
    expect(pairs('"')).toEqual([['', null]]);
  });

  it('treats an = at offset 0 as "no = yet"', () => {
    expect(pairs('=a=b =x')).toEqual([
      ['=a', 'b'],
      ['=x', null],
    ]);
  });

  it('splits at byte 0xA0 (isspace in the kernel ctype table), even inside UTF-8', () => {
    // "à" is C3 A0: the kernel splits after C3.
    const t = splitArgs('whom=voilà x=1');
    expect(t.map((a) => a.nameText)).toEqual(['whom', 'x']);
    expect(Array.from(t[0].val ?? [])).toEqual([...cstr('voil'), 0xc3]);
    // U+00A0 is C2 A0: the value keeps the C2.
    expect(pairs('a=1\u00a0b=2')).toEqual([
      ['a', '1\ufffd'],
      ['b', '2'],
    ]);
    expect(t[0].valueSpan).toEqual({ start: 5, end: 10 });
  });

  it('stops at a NUL like strndup_user', () => {
    expect(splitArgs(Uint8Array.from([...cstr('a=1 b=2'), 0, ...cstr(' c=3')])).map((t) => t.nameText)).toEqual(['a', 'b']);
  });

  it('returns byte spans and caller spans', () => {
    const [w, c] = splitArgs('whom="a b"  count=2');
    expect(w.rawSpan).toEqual({ start: 0, end: 10 });
    expect(w.nameSpan).toEqual({ start: 0, end: 4 });
    expect(w.valueSpan).toEqual({ start: 6, end: 9 });
    expect(c.rawSpan).toEqual({ start: 12, end: 19 });
    expect(c.valueSpan).toEqual({ start: 18, end: 19 });
    expect(w.next).toBe(12);
    // Non-ASCII: spans are UTF-16 indices of the string, bytes for byte input.
    const [e] = splitArgs('msg=héllo');
    expect(e.valueSpan).toEqual({ start: 4, end: 9 });
    expect(e.value).toEqual({ start: 4, end: 10 });
  });

  it('works on the raw buffer: nextArg and skipSpaces', () => {
    const b = cstr('  x=1 ');
    const at = skipSpaces(b, 0);
    expect(at).toBe(2);
    const a = nextArg(b, at);
    expect(text(a.param)).toBe('x');
    expect(a.next).toBe(6);
  });
});

describe('parameq', () => {
  it('treats - and _ as equal, and nothing else', () => {
    expect(parameq(cstr('max-count'), cstr('max_count'))).toBe(true);
    expect(parameq(cstr('max_count'), cstr('max-count'))).toBe(true);
    expect(parameq(cstr('Max_count'), cstr('max_count'))).toBe(false);
    expect(parameq(cstr('max'), cstr('max_count'))).toBe(false);
    expect(parameq(cstr('max_count_'), cstr('max_count'))).toBe(false);
  });
});
