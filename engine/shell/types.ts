/** What shell commands get: the kernel, the files, the host's hooks, and their stdio. */
import type { ModelKernel } from '../kernel/model';
import type { ParamAccess, Vfs } from './vfs';

export interface ShellDeps {
  /**
   * sysfs show/store of module parameters. Default: readParam/writeParam of
   * engine/load/sysfs-params.ts. readParam's text is what ->get() printed, trailing newline
   * included; writeParam's value is the bytes written, e.g. "5\n" for `echo 5 > …`.
   */
  params?: ParamAccess;
  /**
   * Module name → path of its .ko, for `modprobe NAME` and `modinfo NAME` (what depmod's
   * modules.dep gives kmod). Default: every in-tree module the kernel profile knows (those that
   * export symbols), at /lib/modules/<release>/kernel/<path>.ko, when `files` has that path.
   */
  moduleIndex?: ReadonlyMap<string, string>;
  /**
   * The tree's modules.dep and modules.softdep, when it has them (depmod's output): module name →
   * its dependencies in modules.dep line order, and its soft dependencies resolved to module names.
   * With them modprobe loads exactly what kmod 30 loads, in its order; without them the order is
   * worked out from the modules' own symbols.
   */
  depmod?: ModulesDep;
  /** Working directory (busybox under QEMU starts in /root). Relative paths resolve against it. */
  cwd?: string;
}

export interface ModulesDep {
  deps: ReadonlyMap<string, readonly string[]>;
  softdeps: ReadonlyMap<string, { pre: readonly string[]; post: readonly string[] }>;
}

export interface Io {
  /** Piped or redirected input; null when the command reads the terminal. */
  stdin: string | null;
  out(text: string): void;
  err(text: string): void;
}

export interface ShellContext {
  k: ModelKernel;
  vfs: Vfs;
  deps: ShellDeps;
  /** The command words as typed (after quote removal), for the timeline's operation names. */
  commandText: string;
}

export type CommandFn = (argv: string[], io: Io, ctx: ShellContext) => number;
