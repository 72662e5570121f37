/**
 * A root shell on the modelled kernel, answering like a Debian 12 machine: kmod 30's module tools,
 * util-linux's dmesg, busybox sh and its applets for the rest. One line at a time:
 * `run("insmod hello.ko count=3")` → `{ output, exit }`, where output is what the terminal shows
 * (stdout and stderr in the order written).
 */
import type { ModelKernel } from '../kernel/model';
import { readParam, writeParam } from '../load/sysfs-params';
import { cat, cd, echo, falseCmd, grep, head, ls, pwd, sleep, tail, trueCmd, uname, wc } from './coreutils';
import { dmesg } from './dmesg';
import { EACCES, ENOENT, ENOTDIR, strerror } from './errno-extra';
import { depmod, insmod, lsmod, modinfo, modprobe, rmmod } from './kmod';
import { parseLine, type SimpleCommand } from './parse';
import type { CommandFn, Io, ShellContext, ShellDeps } from './types';
import { Vfs } from './vfs';

export type { ShellDeps } from './types';

export interface RunResult {
  output: string;
  exit: number;
}

const COMMANDS: Record<string, CommandFn> = {
  insmod,
  rmmod,
  lsmod,
  modinfo,
  modprobe,
  depmod,
  dmesg,
  echo,
  cat,
  ls,
  grep,
  head,
  tail,
  wc,
  uname,
  sleep,
  true: trueCmd,
  false: falseCmd,
  pwd,
  cd,
  ':': trueCmd,
};

/** Commands that are shell builtins in busybox ash: their write errors are reported as "sh: …". */
const BUILTINS = new Set(['echo', 'true', 'false', 'pwd', 'cd', ':']);

/** ash's errmsg(): ENOENT and ENOTDIR get the caller's words, others strerror(). */
function ashErrmsg(errno: number, enoentText: string): string {
  const e = Math.abs(errno);
  return e === ENOENT || e === ENOTDIR ? enoentText : strerror(errno);
}

export class Shell {
  readonly vfs: Vfs;
  private readonly deps: ShellDeps;
  /** $? of the last line. */
  lastExit = 0;

  constructor(
    readonly k: ModelKernel,
    files: (path: string) => Uint8Array | null,
    deps: ShellDeps = {},
  ) {
    this.deps = deps;
    this.vfs = new Vfs(k, files, deps.params ?? { readParam, writeParam }, deps.cwd ?? '/root');
  }

  /** The names the shell knows, for completion. */
  static commands(): string[] {
    return Object.keys(COMMANDS).filter((c) => c !== ':');
  }

  run(line: string): RunResult {
    let output = '';
    const parsed = parseLine(line);
    if (!parsed.ok) {
      this.lastExit = 2;
      return { output: `sh: ${parsed.error}\n`, exit: 2 };
    }
    let exit = this.lastExit;
    for (const pipeline of parsed.list) {
      if (pipeline.joiner === '&&' && exit !== 0) continue;
      if (pipeline.joiner === '||' && exit === 0) continue;
      let stdin: string | null = null;
      pipeline.commands.forEach((cmd, i) => {
        const last = i === pipeline.commands.length - 1;
        const r = this.runCommand(cmd, stdin, (t) => (output += t));
        if (last) output += r.stdout;
        stdin = r.stdout;
        exit = r.exit;
      });
    }
    // The command is over: do_free_init() has run for the init areas it queued (see ModelKernel.deferInitFree).
    this.k.runDeferredFrees();
    this.lastExit = exit;
    return { output, exit };
  }

  /** Run one simple command: stderr goes straight to the terminal, stdout is returned. */
  private runCommand(cmd: SimpleCommand, pipedIn: string | null, terminal: (text: string) => void): { stdout: string; exit: number } {
    let stdin = pipedIn;
    let outWriter: ((d: string) => number) | null = null;
    let errWriter: ((d: string) => number) | null = null;
    let errToOut = false;
    // Redirections are opened before the command runs, left to right.
    for (const r of cmd.redirects) {
      if (r.toFd === 1) {
        errToOut = true;
        continue;
      }
      const path = r.path ?? '';
      if (r.fd === 0) {
        const data = this.vfs.read(path);
        if (!data.ok) {
          terminal(`sh: can't open ${path}: ${ashErrmsg(data.errno, 'no such file')}\n`);
          return { stdout: '', exit: 1 };
        }
        stdin = data.data;
        continue;
      }
      const w = this.vfs.openWrite(path, r.append);
      if (!w.ok) {
        terminal(`sh: can't create ${path}: ${ashErrmsg(w.errno === -EACCES ? -EACCES : w.errno, 'nonexistent directory')}\n`);
        return { stdout: '', exit: 1 };
      }
      if (r.fd === 1) outWriter = w.write;
      else errWriter = w.write;
    }
    if (cmd.argv.length === 0) return { stdout: '', exit: 0 };
    const name = cmd.argv[0];
    // /sbin/insmod and friends: the same tools.
    const base = name.startsWith('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
    const fn = COMMANDS[base];
    let stdout = '';
    let stderr = '';
    const io: Io = {
      stdin,
      out: (t) => (stdout += t),
      err: (t) => {
        if (errWriter) stderr += t;
        else if (errToOut) stdout += t;
        else terminal(t);
      },
    };
    if (!fn) {
      io.err(`sh: ${name}: not found\n`);
      return { stdout, exit: 127 };
    }
    const ctx: ShellContext = { k: this.k, vfs: this.vfs, deps: this.deps, commandText: cmd.argv.join(' ') };
    let exit = fn(cmd.argv, io, ctx);
    if (errWriter && stderr) errWriter(stderr);
    if (outWriter) {
      if (stdout !== '') {
        const e = outWriter(stdout);
        if (e !== 0) {
          terminal(`${BUILTINS.has(base) ? 'sh' : base}: write error: ${strerror(e)}\n`);
          exit = 1;
        }
      }
      stdout = '';
    }
    return { stdout, exit };
  }
}

/**
 * A lesson transcript: each line shown after the root prompt ("# "), then what it printed.
 * Blank lines and comment lines are skipped.
 */
export function runScript(k: ModelKernel, text: string, files: (path: string) => Uint8Array | null, deps: ShellDeps = {}): string {
  return transcript(new Shell(k, files, deps), text);
}

/** The transcript loop, for any shell (6.1's, the 2.4 model's). */
export function transcript(sh: { run(line: string): { output: string } }, text: string): string {
  let out = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out += `# ${line}\n${sh.run(line).output}`;
  }
  return out;
}
