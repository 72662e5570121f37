/**
 * The busybox 1.35 applets lesson scripts use around the module tools: echo, cat, ls, grep, head,
 * tail, wc, uname, sleep, true, false, pwd. Messages use busybox's wording
 * ("cat: can't open 'X': No such file or directory").
 */
import { ENOENT, strerror } from './errno-extra';
import { getopt } from './getopt';
import type { CommandFn, Io, ShellContext } from './types';

export const echo: CommandFn = (argv, io) => {
  let args = argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length && /^-[neE]+$/.test(args[0])) {
    for (const c of args[0].slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const cut = text.indexOf('\\c');
    if (cut >= 0) {
      text = text.slice(0, cut);
      newline = false;
    }
    text = text.replace(/\\([\\abfnrtv]|0[0-7]{0,3})/g, (_m, e: string) => {
      const map: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      return e[0] === '0' ? String.fromCharCode(parseInt(e.slice(1) || '0', 8)) : map[e];
    });
  }
  io.out(text + (newline ? '\n' : ''));
  return 0;
};

/** Read a file for a text tool; reports busybox's "can't open" and returns null on failure. */
function readForTool(ctx: ShellContext, io: Io, prog: string, path: string, style: 'quoted' | 'plain'): string | null {
  const n = ctx.vfs.lookup(path);
  if (!n) {
    io.err(style === 'quoted' ? `${prog}: can't open '${path}': ${strerror(ENOENT)}\n` : `${prog}: ${path}: ${strerror(ENOENT)}\n`);
    return null;
  }
  if (n.kind === 'dir') {
    io.err(`${prog}: read error: Is a directory\n`);
    return null;
  }
  if ((n.mode & 0o444) === 0) {
    io.err(style === 'quoted' ? `${prog}: can't open '${path}': Permission denied\n` : `${prog}: ${path}: Permission denied\n`);
    return null;
  }
  const r = n.read();
  if (!r.ok) {
    io.err(`${prog}: read error: ${strerror(r.errno)}\n`);
    return null;
  }
  return r.data;
}

export const cat: CommandFn = (argv, io, ctx) => {
  const files = argv.slice(1).filter((a) => a !== '-u');
  if (files.length === 0) {
    io.out(io.stdin ?? '');
    return 0;
  }
  let status = 0;
  for (const f of files) {
    if (f === '-') {
      io.out(io.stdin ?? '');
      continue;
    }
    const data = readForTool(ctx, io, 'cat', f, 'quoted');
    if (data === null) status = 1;
    else io.out(data);
  }
  return status;
};

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const ls: CommandFn = (argv, io, ctx) => {
  const o = getopt('ls', argv.slice(1), { short: '1aAldF' });
  if (o.error) {
    io.err(`${o.error}\n`);
    return 1;
  }
  const all = o.opts.has('a');
  const almost = o.opts.has('A');
  const paths = o.operands.length ? o.operands : ['.'];
  let status = 0;
  const files: string[] = [];
  const dirs: { path: string; names: string[] }[] = [];
  for (const p of paths) {
    const n = ctx.vfs.lookup(p);
    if (!n) {
      io.err(`ls: ${p}: No such file or directory\n`);
      status = 1;
      continue;
    }
    if (n.kind === 'file' || o.opts.has('d')) {
      files.push(p);
      continue;
    }
    let names = n.list().filter((x) => all || almost || !x.startsWith('.'));
    if (all) names = ['.', '..', ...names];
    dirs.push({ path: p, names: names.sort(byName) });
  }
  let out = files
    .sort(byName)
    .map((f) => f + '\n')
    .join('');
  const heading = paths.length > 1;
  dirs.forEach((d, i) => {
    if (heading) out += `${out === '' && i === 0 ? '' : '\n'}${d.path}:\n`;
    out += d.names.map((x) => x + '\n').join('');
  });
  io.out(out);
  return status;
};

/** POSIX basic regular expression → JavaScript (enough for grep patterns in lessons). */
export function breToRegExp(bre: string, ignoreCase: boolean): RegExp {
  let src = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i];
    if (c === '\\' && i + 1 < bre.length) {
      const d = bre[++i];
      // GNU BRE extensions: \( \) \{ \} \| \+ \? are the operators.
      if ('(){}|+?'.includes(d)) src += d;
      else if (d === '<' || d === '>') src += '\\b';
      else src += '\\' + d;
      continue;
    }
    if ('(){}|+?'.includes(c)) src += '\\' + c;
    else if (c === '*' && (i === 0 || bre[i - 1] === '^')) src += '\\*';
    else src += c;
  }
  return new RegExp(src, ignoreCase ? 'i' : '');
}

export const grep: CommandFn = (argv, io, ctx) => {
  const o = getopt('grep', argv.slice(1), { short: 'cvinlqhHFEwe:s' });
  if (o.error) {
    io.err(`${o.error}\n`);
    return 2;
  }
  const operands = [...o.operands];
  const patterns = o.list.filter((x) => x.opt === 'e' && typeof x.arg === 'string').map((x) => x.arg as string);
  if (patterns.length === 0 && operands.length) patterns.push(operands.shift() as string);
  const pattern = patterns.length ? patterns.join('\n') : undefined;
  if (pattern === undefined) {
    io.err('Usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
    return 2;
  }
  const icase = o.opts.has('i');
  let test: (line: string) => boolean;
  try {
    const one = (pat: string): ((line: string) => boolean) => {
      if (o.opts.has('F')) {
        const p = icase ? pat.toLowerCase() : pat;
        return (l) => (icase ? l.toLowerCase() : l).includes(p);
      }
      let re = o.opts.has('E') ? new RegExp(pat, icase ? 'i' : '') : breToRegExp(pat, icase);
      // -w: the match must be a whole word (neither side touching a word character).
      if (o.opts.has('w')) re = new RegExp(`(?:^|[^\\w])(?:${re.source})(?:[^\\w]|$)`, re.flags);
      return (l) => re.test(l);
    };
    // Several -e patterns (or one with newlines): a line matches if any does.
    const tests = pattern.split('\n').map(one);
    test = (l) => tests.some((t) => t(l));
  } catch {
    io.err(`grep: bad regex '${pattern}'\n`);
    return 2;
  }
  const invert = o.opts.has('v');
  const sources = operands.length ? operands : ['-'];
  const prefixNames = (sources.length > 1 && !o.opts.has('h')) || o.opts.has('H');
  let matched = false;
  let trouble = false;
  for (const src of sources) {
    const data = src === '-' ? (io.stdin ?? '') : readForTool(ctx, o.opts.has('s') ? { ...io, err: () => undefined } : io, 'grep', src, 'plain');
    if (data === null) {
      trouble = true;
      continue;
    }
    const lines = data.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let count = 0;
    const name = src === '-' ? '(standard input)' : src;
    lines.forEach((l, i) => {
      if (test(l) === invert) return;
      count++;
      matched = true;
      if (o.opts.has('q') || o.opts.has('c') || o.opts.has('l')) return;
      io.out(`${prefixNames ? name + ':' : ''}${o.opts.has('n') ? `${i + 1}:` : ''}${l}\n`);
    });
    if (o.opts.has('q')) continue;
    if (o.opts.has('c')) io.out(`${prefixNames ? name + ':' : ''}${count}\n`);
    else if (o.opts.has('l') && count) io.out(name + '\n');
  }
  if (o.opts.has('q') && matched) return 0;
  return trouble ? 2 : matched ? 0 : 1;
};

function lineCountArg(argv: string[], prog: string, io: Io): { n: number; fromStart: boolean; files: string[] } | null {
  let n = 10;
  let fromStart = false;
  const files: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    let v: string | null = null;
    if (a === '-n') v = argv[++i] ?? '';
    else if (a.startsWith('-n')) v = a.slice(2);
    else if (/^-\d+$/.test(a)) v = a.slice(1);
    else if (a.startsWith('-') && a !== '-') {
      io.err(`${prog}: invalid option -- '${a[1]}'\n`);
      return null;
    } else files.push(a);
    if (v !== null) {
      if (v.startsWith('+')) {
        fromStart = true;
        v = v.slice(1);
      }
      if (!/^\d+$/.test(v)) {
        io.err(`${prog}: invalid number '${v}'\n`);
        return null;
      }
      n = Number(v);
    }
  }
  return { n, fromStart, files };
}

function headTail(which: 'head' | 'tail'): CommandFn {
  return (argv, io, ctx) => {
    const a = lineCountArg(argv, which, io);
    if (!a) return 1;
    const sources = a.files.length ? a.files : ['-'];
    let status = 0;
    sources.forEach((src, i) => {
      const data = src === '-' ? (io.stdin ?? '') : readForTool(ctx, io, which, src, 'quoted');
      if (data === null) {
        status = 1;
        return;
      }
      if (sources.length > 1) io.out(`${i ? '\n' : ''}==> ${src} <==\n`);
      const lines = data.split('\n');
      const trailing = lines[lines.length - 1] === '';
      if (trailing) lines.pop();
      let pick: string[];
      if (which === 'head') pick = lines.slice(0, a.n);
      else if (a.fromStart) pick = lines.slice(Math.max(0, a.n - 1));
      else pick = a.n === 0 ? [] : lines.slice(-a.n);
      const lastIncluded = pick.length > 0 && (which === 'tail' || pick.length === lines.length);
      io.out(pick.join('\n') + (pick.length && (trailing || !lastIncluded) ? '\n' : ''));
    });
    return status;
  };
}

export const head = headTail('head');
export const tail = headTail('tail');

export const wc: CommandFn = (argv, io, ctx) => {
  const o = getopt('wc', argv.slice(1), { short: 'lwcmL' });
  if (o.error) {
    io.err(`${o.error}\n`);
    return 1;
  }
  const want = ['l', 'w', 'c'].filter((c) => o.opts.has(c) || (o.opts.has('m') && c === 'c'));
  const cols = want.length ? want : ['l', 'w', 'c'];
  const sources = o.operands.length ? o.operands : ['-'];
  let status = 0;
  const totals = [0, 0, 0];
  const fmt = (vals: number[], name: string): string => {
    const shown = cols.map((c) => vals[['l', 'w', 'c'].indexOf(c)]);
    // busybox: one column from stdin is printed bare; otherwise "%7u" columns separated by spaces.
    const body = shown.length === 1 && name === '' ? String(shown[0]) : shown.map((v) => String(v).padStart(7)).join(' ');
    return `${body}${name ? ' ' + name : ''}\n`;
  };
  for (const src of sources) {
    const data = src === '-' ? (io.stdin ?? '') : readForTool(ctx, io, 'wc', src, 'quoted');
    if (data === null) {
      status = 1;
      continue;
    }
    const vals = [(data.match(/\n/g) ?? []).length, data.split(/\s+/).filter((w) => w !== '').length, data.length];
    vals.forEach((v, i) => (totals[i] += v));
    io.out(fmt(vals, src === '-' ? '' : src));
  }
  if (sources.length > 1) io.out(fmt(totals, 'total'));
  return status;
};

export const uname: CommandFn = (argv, io, ctx) => {
  const r = ctx.k.profile.release;
  const flags = argv.slice(1).join('');
  if (flags.includes('a')) io.out(`Linux (none) ${r} #1 SMP PREEMPT_DYNAMIC Debian x86_64 GNU/Linux\n`);
  else if (flags.includes('r')) io.out(`${r}\n`);
  else if (flags.includes('m')) io.out('x86_64\n');
  else io.out('Linux\n');
  return 0;
};

/** sleep: the modelled clock moves on (dmesg timestamps show it). */
export const sleep: CommandFn = (argv, io, ctx) => {
  const s = Number(argv[1]);
  if (argv.length < 2 || !Number.isFinite(s) || s < 0) {
    io.err(`sleep: invalid number '${argv[1] ?? ''}'\n`);
    return 1;
  }
  ctx.k.tick(Math.round(s * 1e9));
  return 0;
};

export const trueCmd: CommandFn = () => 0;
export const falseCmd: CommandFn = () => 1;
export const cd: CommandFn = (argv, io, ctx) => {
  const target = argv[1] ?? '/root';
  const n = ctx.vfs.lookup(target);
  if (!n || n.kind !== 'dir') {
    io.err(`sh: cd: can't cd to ${target}: ${n ? 'Not a directory' : 'No such file or directory'}\n`);
    return 2;
  }
  ctx.vfs.cwd = ctx.vfs.abs(target);
  return 0;
};

export const pwd: CommandFn = (_argv, io, ctx) => {
  io.out(ctx.vfs.cwd + '\n');
  return 0;
};
