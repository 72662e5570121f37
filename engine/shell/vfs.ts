/**
 * The files the shell can see: /proc and /sys/module generated from the modelled kernel,
 * /dev/kmsg, the host's module files (the `files` resolver) and a small in-memory store for
 * anything a script writes elsewhere (`echo x > /tmp/f`).
 *
 * /sys/module lists only the loaded modules: the real directory also has one entry per built-in
 * module with parameters (8250, acpi, …), which the model does not know.
 * /proc/kallsyms lists vmlinux's symbols (the profile's copy of the real table, 94,101 lines) and
 * then the modules'; the ftrace/BPF trampolines the real file may end with are not modelled.
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { procKallsymsVmlinux } from '../kernel/kallsyms-lookup';
import { EACCES, EINVAL, EIO, EISDIR, ENOENT, ENOTDIR } from './errno-extra';
import { holders } from '../kernel/kernfs';
import { moduleAttributes, procKallsymsModules, procModules, px, sysfsParams, sysfsSections, visibleModules } from './formats';

export type ReadResult = { ok: true; data: string } | { ok: false; errno: number };

export interface ParamAccess {
  readParam(k: ModelKernel, mod: LoadedModule, paramName: string): { ok: true; text: string } | { ok: false; errno: number };
  writeParam(k: ModelKernel, mod: LoadedModule, paramName: string, value: string): { ok: true } | { ok: false; errno: number };
}

export type FsNode =
  | { kind: 'dir'; list(): string[] }
  | {
      kind: 'file';
      /** Permission bits as ls would show them. */
      mode: number;
      read(): ReadResult;
      /** One write(2) of the data; 0 or a negative errno. Absent: opening for writing fails with EACCES. */
      write?: (data: string) => number;
    };

/** Collapse "." and ".." and make the path absolute against cwd. */
export function resolvePath(cwd: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

const file = (mode: number, read: () => string, write?: (data: string) => number): FsNode => ({
  kind: 'file',
  mode,
  read: () => ({ ok: true, data: read() }),
  write,
});
const dir = (list: () => string[]): FsNode => ({ kind: 'dir', list });

/** proc_dointvec for the four console_printk values: whitespace-separated integers, at most four. */
function writePrintk(k: ModelKernel, data: string): number {
  const words = data
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return 0;
  const vals: number[] = [];
  for (const w of words.slice(0, 4)) {
    if (!/^[-+]?\d+$/.test(w)) return vals.length ? 0 : -EINVAL;
    vals.push(Number(w));
  }
  vals.forEach((v, i) => {
    k.printk[i] = v | 0;
  });
  return 0;
}

/** proc_taint(): the bits written are added (never cleared), with LOCKDEP_STILL_OK. */
function writeTainted(k: ModelKernel, data: string): number {
  const w = data.trim();
  if (!/^\d+$/.test(w)) return -EINVAL;
  const v = Number(w);
  for (let bit = 0; bit < 19; bit++) if (v & (1 << bit)) k.taints |= 1 << bit;
  return 0;
}

/** devkmsg_write(): one record per write; "<N>" sets level and facility (facility 0 becomes 1, LOG_USER). */
function writeKmsg(k: ModelKernel, data: string): number {
  let text = data.endsWith('\n') ? data.slice(0, -1) : data;
  let level = k.printk[1];
  let facility = 1;
  const m = /^<(\d+)>/.exec(text);
  if (m) {
    const u = Number(m[1]);
    level = u & 7;
    if (u >> 3 !== 0) facility = u >> 3;
    text = text.slice(m[0].length);
  }
  k.log.append(level, text, k.tick(1000), k.timeline.position, facility);
  return 0;
}

export class Vfs {
  /** Files written by scripts outside /proc, /sys and /dev. */
  readonly userFiles = new Map<string, string>();

  constructor(
    private readonly k: ModelKernel,
    private readonly files: (path: string) => Uint8Array | null,
    private readonly params: ParamAccess | null,
    public cwd: string,
  ) {}

  abs(path: string): string {
    return resolvePath(this.cwd, path);
  }

  /** The host's bytes for a path: asked first by absolute path, then as typed. */
  hostFile(path: string): Uint8Array | null {
    return this.files(this.abs(path)) ?? (path.startsWith('/') ? null : this.files(path));
  }

  lookup(path: string): FsNode | null {
    const p = this.abs(path);
    if (p === '/proc' || p.startsWith('/proc/')) return this.proc(p);
    if (p === '/sys' || p.startsWith('/sys/')) return this.sys(p);
    if (p === '/dev/kmsg')
      return file(
        0o644,
        () => '',
        (d) => writeKmsg(this.k, d),
      );
    if (p === '/dev/null')
      return file(
        0o666,
        () => '',
        () => 0,
      );
    const user = this.userFiles.get(p);
    if (user !== undefined) return file(0o644, () => user);
    const host = this.hostFile(path);
    if (host) return file(0o644, () => latin1(host));
    if (p === '/' || p === '/root' || p === '/tmp' || p === this.cwd || p === '/dev') {
      const prefix = p === '/' ? '/' : `${p}/`;
      return dir(() =>
        [...this.userFiles.keys()].filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length)),
      );
    }
    return null;
  }

  read(path: string): ReadResult {
    const n = this.lookup(path);
    if (!n) return { ok: false, errno: -ENOENT };
    if (n.kind === 'dir') return { ok: false, errno: -EISDIR };
    if ((n.mode & 0o444) === 0) return { ok: false, errno: -EACCES };
    return n.read();
  }

  /**
   * open(O_WRONLY|O_CREAT|O_TRUNC or O_APPEND): a writer, or the errno busybox sh reports as
   * "can't create". Missing files: procfs lookups fail with ENOENT, kernfs (sysfs) has no
   * ->create and fails with EACCES; elsewhere the file is created in memory.
   */
  openWrite(path: string, append: boolean): { ok: true; write: (data: string) => number } | { ok: false; errno: number } {
    const p = this.abs(path);
    const n = this.lookup(path);
    if (n && n.kind === 'dir') return { ok: false, errno: -EISDIR };
    if (n && n.kind === 'file') {
      if (p.startsWith('/proc/') || p.startsWith('/sys/') || p.startsWith('/dev/')) {
        const w = n.write;
        if (!w || (n.mode & 0o222) === 0) return { ok: false, errno: -EACCES };
        return { ok: true, write: w };
      }
    }
    if (p.startsWith('/proc/')) return { ok: false, errno: -ENOENT };
    if (p.startsWith('/sys/')) return { ok: false, errno: this.lookup(p.slice(0, p.lastIndexOf('/')) || '/') ? -EACCES : -ENOENT };
    if (p.startsWith('/dev/')) return { ok: false, errno: -EACCES };
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    const pn = this.lookup(parent);
    if (!pn) return { ok: false, errno: -ENOENT };
    if (pn.kind !== 'dir') return { ok: false, errno: -ENOTDIR };
    if (!append) this.userFiles.set(p, '');
    else if (!this.userFiles.has(p)) this.userFiles.set(p, n?.kind === 'file' && n.read().ok ? (n.read() as { data: string }).data : '');
    return {
      ok: true,
      write: (d) => {
        this.userFiles.set(p, (this.userFiles.get(p) ?? '') + d);
        return 0;
      },
    };
  }

  private proc(p: string): FsNode | null {
    const k = this.k;
    switch (p) {
      case '/proc':
        return dir(() => ['kallsyms', 'modules', 'sys']);
      case '/proc/modules':
        return file(0o444, () => procModules(k));
      case '/proc/kallsyms':
        // s_show(): vmlinux first, then each module's; root with kptr_restrict 0 sees the addresses.
        return file(0o444, () => procKallsymsVmlinux(k, true) + procKallsymsModules(k));
      case '/proc/sys':
        return dir(() => ['kernel']);
      case '/proc/sys/kernel':
        return dir(() => ['dmesg_restrict', 'kptr_restrict', 'modules_disabled', 'osrelease', 'printk', 'tainted']);
      case '/proc/sys/kernel/printk':
        return file(
          0o644,
          () => `${k.printk.join('\t')}\n`,
          (d) => writePrintk(k, d),
        );
      case '/proc/sys/kernel/tainted':
        return file(
          0o644,
          () => `${k.taints}\n`,
          (d) => writeTainted(k, d),
        );
      case '/proc/sys/kernel/kptr_restrict':
        // Debian 12's default (observed under QEMU): root sees real addresses.
        return file(0o644, () => '0\n');
      case '/proc/sys/kernel/dmesg_restrict':
        return file(0o644, () => '1\n');
      case '/proc/sys/kernel/modules_disabled':
        return file(0o644, () => '0\n');
      case '/proc/sys/kernel/osrelease':
        return file(0o444, () => `${k.profile.release}\n`);
      default:
        return null;
    }
  }

  private sys(p: string): FsNode | null {
    const k = this.k;
    if (p === '/sys') return dir(() => ['module']);
    if (p === '/sys/module') return dir(() => visibleModules(k).map((m) => m.name));
    const rest = p.slice('/sys/module/'.length).split('/');
    if (!p.startsWith('/sys/module/')) return null;
    const mod = k.findModule(rest[0]);
    if (!mod || mod.state === 'UNFORMED') return null;
    const attrs = moduleAttributes(mod);
    const params = sysfsParams(mod);
    const sections = sysfsSections(mod);
    const notes = sections.filter((s) => s.name.startsWith('.note'));
    if (rest.length === 1) {
      const names = ['holders', 'notes', 'sections', 'uevent', ...attrs.keys()];
      if (params.length) names.push('parameters');
      return dir(() => names);
    }
    const sub = rest[1];
    if (rest.length === 2) {
      const a = attrs.get(sub);
      if (a !== undefined) return file(0o444, () => a);
      switch (sub) {
        case 'uevent':
          // 0200: writing "add"/"remove" re-sends the uevent; there is nothing to read.
          return file(
            0o200,
            () => '',
            () => 0,
          );
        case 'holders':
          return dir(() => holders(mod));
        case 'notes':
          return dir(() => notes.map((n) => n.name));
        case 'sections':
          return dir(() => sections.map((s) => s.name));
        case 'parameters':
          return params.length ? dir(() => params.map((x) => x.name)) : null;
        default:
          return null;
      }
    }
    if (rest.length !== 3) return null;
    const leaf = rest[2];
    if (sub === 'sections') {
      const s = sections.find((x) => x.name === leaf);
      return s ? file(0o400, () => `0x${px(s.address)}\n`) : null;
    }
    if (sub === 'notes') return notes.some((n) => n.name === leaf) ? file(0o444, () => '') : null;
    // holders/<m> is a symlink to ../../<m>.
    if (sub === 'holders') return holders(mod).includes(leaf) ? this.sys(`/sys/module/${leaf}`) : null;
    if (sub === 'parameters') {
      const prm = params.find((x) => x.name === leaf);
      if (!prm) return null;
      const access = this.params;
      // Without a store (perm & 0222 == 0) the attribute has no ->store: kernfs refuses a write open.
      const writable = (prm.perm & 0o222) !== 0;
      return {
        kind: 'file',
        mode: prm.perm & 0o777,
        read: (): ReadResult => {
          if (!access) return { ok: false, errno: -EIO };
          const r = access.readParam(k, mod, leaf);
          return r.ok ? { ok: true, data: r.text } : { ok: false, errno: r.errno };
        },
        write: writable
          ? (data: string): number => {
              if (!access) return -EIO;
              const r = access.writeParam(k, mod, leaf, data);
              return r.ok ? 0 : r.errno;
            }
          : undefined,
      };
    }
    return null;
  }
}
