/**
 * A root shell on the modelled 2.4 kernel: modutils 2.4's insmod, rmmod and lsmod, dmesg (the classic
 * ring, read with syslog), cat of /proc/modules, /proc/ksyms and /proc/sys/kernel/tainted, uname -r,
 * echo, and pipes into grep/head/tail/wc. `run(line)` → `{ output, exit }`.
 */
import { parseLine, type SimpleCommand } from '../shell/parse';
import { insmod24 } from './insmod24';
import type { Kernel24 } from './kernel24';
import { lsmod24, procKsyms24, procModules24 } from './procfs24';
import { rmmod24 } from './rmmod24';
import { transcript } from '../shell/shell';

export interface Shell24Result {
  output: string;
  exit: number;
}

type Cmd = (argv: string[], stdin: string | null) => { out: string; err: string; exit: number };

export class Shell24 {
  constructor(
    readonly K: Kernel24,
    /** A module file by the path typed (e.g. "hello.ko"), or null when there is none. */
    private readonly files: (path: string) => Uint8Array | null,
  ) {}

  private readonly commands: Record<string, Cmd> = {
    insmod: (argv) => this.insmod(argv),
    rmmod: (argv) => this.rmmod(argv),
    lsmod: () => ({ out: lsmod24(this.K), err: '', exit: 0 }),
    dmesg: (argv) => this.dmesg(argv),
    cat: (argv, stdin) => this.cat(argv, stdin),
    uname: (argv) => ({ out: argv.includes('-r') ? `${this.K.release}\n` : 'Linux\n', err: '', exit: 0 }),
    echo: (argv) => ({ out: argv.slice(1).join(' ') + '\n', err: '', exit: 0 }),
    grep: (argv, stdin) => this.grep(argv, stdin),
    ls: (argv) => {
      const paths = argv.slice(1).filter((a) => !a.startsWith('-'));
      let out = '';
      let err = '';
      for (const p of paths.length ? paths : ['.']) {
        const q = p.replace(/\/+$/, '');
        if (q === '/proc') out += 'ksyms\nmodules\nsys\n';
        else if (this.read(q) !== null) out += q + '\n';
        // No sysfs in 2.4 (it came with 2.5/2.6): /sys/module/… does not exist.
        else err += `ls: ${p}: No such file or directory\n`;
      }
      return { out, err, exit: err ? 1 : 0 };
    },
    head: (argv, stdin) => ({
      out: (stdin ?? '')
        .split('\n')
        .slice(0, Number(argv[argv.indexOf('-n') + 1] ?? 10) || 10)
        .filter((l) => l)
        .map((l) => l + '\n')
        .join(''),
      err: '',
      exit: 0,
    }),
    wc: (argv, stdin) => ({ out: `${(stdin ?? '').split('\n').filter((l) => l).length}\n`, err: '', exit: 0 }),
  };

  private read(path: string): string | null {
    if (path === '/proc/modules') return procModules24(this.K);
    if (path === '/proc/ksyms') return procKsyms24(this.K);
    if (path === '/proc/sys/kernel/tainted') return `${this.K.tainted}\n`;
    if (path === '/proc/sys/kernel/printk') {
      const r = this.K.ring;
      return `${r.consoleLoglevel}\t${r.defaultMessageLoglevel}\t${r.minimumConsoleLoglevel}\t${r.defaultConsoleLoglevel}\n`;
    }
    return null;
  }

  /** grep [-w] [-v] [-e PAT]… [PAT] [FILE]. */
  private grep(argv: string[], stdin: string | null): { out: string; err: string; exit: number } {
    const pats: string[] = [];
    const rest: string[] = [];
    let word = false;
    let invert = false;
    for (let i = 1; i < argv.length; i++) {
      if (argv[i] === '-e') pats.push(argv[++i] ?? '');
      else if (argv[i] === '-w') word = true;
      else if (argv[i] === '-v') invert = true;
      else rest.push(argv[i]);
    }
    if (!pats.length && rest.length) pats.push(rest.shift() ?? '');
    const path = rest[0];
    const text = path ? this.read(path) : stdin;
    if (text === null) return { out: '', err: `grep: ${path}: No such file or directory\n`, exit: 2 };
    const esc = (p: string): string => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(pats.map((p) => (word ? `(?<![\\w])${esc(p)}(?![\\w])` : esc(p))).join('|'));
    const lines = text.split('\n').filter((l) => l && re.test(l) !== invert);
    return { out: lines.map((l) => l + '\n').join(''), err: '', exit: lines.length ? 0 : 1 };
  }

  private cat(argv: string[], stdin: string | null): { out: string; err: string; exit: number } {
    if (argv.length < 2) return { out: stdin ?? '', err: '', exit: 0 };
    let out = '';
    let err = '';
    for (const p of argv.slice(1)) {
      const t = this.read(p);
      if (t === null) err += `cat: ${p}: No such file or directory\n`;
      else out += t;
    }
    return { out, err, exit: err ? 1 : 0 };
  }

  private insmod(argv: string[]): { out: string; err: string; exit: number } {
    let force = false;
    let autoclean = false;
    let noload = false;
    let i = 1;
    for (; i < argv.length && argv[i].startsWith('-'); i++) {
      for (const c of argv[i].slice(1)) {
        if (c === 'f') force = true;
        else if (c === 'k') autoclean = true;
        else if (c === 'n') noload = true;
      }
    }
    const file = argv[i];
    if (!file) return { out: '', err: 'Usage: insmod [-fkn] module [symbol=value ...]\n', exit: 1 };
    const bytes = this.files(file);
    if (!bytes) return { out: '', err: `insmod: ${file}: No such file or directory\n`, exit: 1 };
    const r = insmod24(this.K, { fileName: file, image: bytes, args: argv.slice(i + 1), force, autoclean, noload, command: argv.join(' ') });
    return { out: '', err: r.op.output.map((l) => l + '\n').join(''), exit: r.exit };
  }

  private rmmod(argv: string[]): { out: string; err: string; exit: number } {
    const names = argv.slice(1).filter((a) => !a.startsWith('-'));
    if (argv.includes('-a')) {
      const r = rmmod24(this.K, null, argv.join(' '));
      return { out: '', err: r.op.output.map((l) => l + '\n').join(''), exit: r.exit };
    }
    if (!names.length) return { out: '', err: 'Usage: rmmod [-a] module ...\n', exit: 1 };
    let err = '';
    let exit = 0;
    for (const n of names) {
      const r = rmmod24(this.K, n, `rmmod ${n}`);
      err += r.op.output.map((l) => l + '\n').join('');
      if (r.exit) exit = 1;
    }
    return { out: '', err, exit };
  }

  /** dmesg: syslog(3) READ_ALL of the classic ring; levels stripped unless -r; -c clears afterwards. */
  private dmesg(argv: string[]): { out: string; err: string; exit: number } {
    const raw = argv.includes('-r');
    const r = this.K.ring.syslog(3, this.K.ring.len);
    let text = r.text ?? '';
    if (!raw) text = text.replace(/(^|\n)<[0-7]>/g, '$1');
    if (argv.includes('-c')) this.K.ring.syslog(5);
    return { out: text, err: '', exit: 0 };
  }

  run(line: string): Shell24Result {
    const parsed = parseLine(line);
    if (!parsed.ok) return { output: `sh: ${parsed.error}\n`, exit: 2 };
    let output = '';
    let exit = 0;
    for (const pipe of parsed.list) {
      if ((pipe.joiner === '&&' && exit !== 0) || (pipe.joiner === '||' && exit === 0)) continue;
      let stdin: string | null = null;
      pipe.commands.forEach((c: SimpleCommand, i: number) => {
        const fn = this.commands[c.argv[0] ?? ''];
        const r = fn ? fn(c.argv, stdin) : { out: '', err: `sh: ${c.argv[0]}: not found\n`, exit: 127 };
        output += r.err;
        if (i === pipe.commands.length - 1) output += r.out;
        stdin = r.out;
        exit = r.exit;
      });
    }
    return { output, exit };
  }
}

/** Run a lesson script: "# line" then what the terminal shows, for each non-empty, non-comment line. */
export function runScript24(K: Kernel24, text: string, files: (path: string) => Uint8Array | null): string {
  return transcript(new Shell24(K, files), text);
}
