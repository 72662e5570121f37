/**
 * delete_module() of Linux 6.1 (kernel/module/main.c) as recorded steps: find the module, refuse
 * while others depend on it (-EWOULDBLOCK) or while it is not LIVE or has init but no exit (-EBUSY),
 * drop the base reference (try_stop_module; O_TRUNC forces it with taint R), call exit, free_module().
 * 6.1 prints nothing on unload; only the module's own exit messages appear.
 */
import type { ModelKernel } from '../kernel/model';
import { hex64 } from '../base/hex';
import type { Effect, OperationInfo } from '../trace/types';
import { StepRecorder } from './context';
import { EBUSY, ENOENT, EWOULDBLOCK } from './errno';
import { freeModule } from './free-module';

const MAIN = 'kernel/module/main.c';

export interface UnloadRequest {
  name: string;
  /** rmmod -f: O_TRUNC (MODULE_FORCE_UNLOAD=y on Debian). */
  force?: boolean;
  command?: string;
}

export function unloadModule(k: ModelKernel, req: UnloadRequest): { errno: number; op: OperationInfo } {
  const op = k.timeline.beginOp(req.command ?? `rmmod ${req.force ? '-f ' : ''}${req.name}`);
  const rec = new StepRecorder(k, op);
  const done = (errno: number): { errno: number; op: OperationInfo } => {
    k.timeline.endOp(op, errno);
    return { errno, op };
  };
  const flags = req.force ? 'O_NONBLOCK|O_TRUNC' : 'O_NONBLOCK';
  rec.step({
    phase: 'user',
    fn: 'rmmod: delete_module()',
    file: 'kmod tools/rmmod.c',
    title: `rmmod asks to remove ${req.name}`,
    text: `rmmod checks /sys/module/${req.name} and calls delete_module("${req.name}", ${flags}).`,
  });
  const name = req.name;
  if (name.length === 0 || name.length >= 56) {
    rec.step({
      phase: 'unload',
      fn: 'delete_module',
      file: MAIN,
      title: 'Bad name',
      text: 'An empty name or one of 56 bytes or more: -ENOENT.',
      errno: -ENOENT,
    });
    return done(-ENOENT);
  }
  const mod = k.findModule(name);
  if (!mod || mod.state === 'UNFORMED') {
    rec.step({
      phase: 'unload',
      fn: 'find_module',
      file: MAIN,
      title: 'Not loaded',
      text: `No module called ${name} is on the list: -ENOENT.`,
      errno: -ENOENT,
    });
    return done(-ENOENT);
  }
  if (mod.usedBy.length) {
    rec.step({
      phase: 'unload',
      fn: 'delete_module',
      file: MAIN,
      title: 'Others depend on it',
      text: `${mod.usedBy.join(', ')} use${mod.usedBy.length === 1 ? 's' : ''} its symbols (source_list is not empty): -EWOULDBLOCK, even with --force.`,
      errno: -EWOULDBLOCK,
    });
    return done(-EWOULDBLOCK);
  }
  if (mod.state !== 'LIVE') {
    rec.step({
      phase: 'unload',
      fn: 'delete_module',
      file: MAIN,
      title: 'Not live',
      text: `${name} is ${mod.state}, not LIVE: -EBUSY.`,
      errno: -EBUSY,
    });
    return done(-EBUSY);
  }
  let forced = false;
  if (mod.initFn !== null && mod.exitFn === null) {
    if (!req.force) {
      rec.step({
        phase: 'unload',
        fn: 'delete_module',
        file: MAIN,
        title: 'Permanent',
        text: `${name} has an init function but no exit function, so it can only be removed by force: -EBUSY.`,
        errno: -EBUSY,
      });
      return done(-EBUSY);
    }
    // try_force_unload(): O_TRUNC with MODULE_FORCE_UNLOAD=y taints R and goes on.
    k.addTaint('R', rec.pos);
    mod.taints |= 1 << 3;
    forced = true;
  }
  // try_stop_module(): drop the base reference; others holding references make it fail.
  const others = mod.refcnt - 1;
  if (others > 0) {
    if (!req.force) {
      rec.step({
        phase: 'unload',
        fn: 'try_stop_module',
        file: MAIN,
        title: 'Still referenced',
        text: `${others} reference${others === 1 ? '' : 's'} held besides the base one: -EWOULDBLOCK.`,
        errno: -EWOULDBLOCK,
      });
      return done(-EWOULDBLOCK);
    }
    k.addTaint('R', rec.pos);
    mod.taints |= 1 << 3;
    forced = true;
  }
  mod.state = 'GOING';
  rec.step({
    phase: 'unload',
    fn: 'try_stop_module',
    file: MAIN,
    title: 'MODULE_STATE_GOING',
    text: `The base reference is dropped${forced ? ' by force (taint R)' : ''}; state becomes GOING.`,
    effects: [
      { kind: 'state', module: name, from: 'LIVE', to: 'GOING' },
      ...(forced ? [{ kind: 'taint', letter: 'R', module: name } as Effect] : []),
    ],
  });
  const exitSym = mod.exitName !== null ? { name: mod.exitName } : undefined;
  const result = k.runExit ? k.runExit(mod, rec.pos) : { note: "Modscope records the call; executing the code is the CPU model's part." };
  rec.step(
    {
      phase: 'unload',
      fn: 'delete_module',
      file: MAIN,
      title: mod.exitFn ? `exit is called: ${exitSym?.name ?? 'cleanup_module'}()` : 'No exit function',
      text: mod.exitFn ? `mod->exit at ${'0x' + mod.exitFn.toString(16)}${exitSym ? ` (${exitSym.name})` : ''}. ${result.note}` : 'Nothing to call.',
      effects: mod.exitFn ? [{ kind: 'call', fn: exitSym?.name ?? 'exit', address: hex64(mod.exitFn), result: 'void' }] : [],
    },
    'block' in result && result.block ? result.block : null,
  );
  // free_module()
  const used = [...mod.uses];
  const effects: Effect[] = freeModule(k, mod, rec.pos);
  k.lastUnloaded = name;
  rec.step({
    phase: 'unload',
    fn: 'free_module',
    file: MAIN,
    title: `${name} is gone`,
    text:
      `sysfs entries removed, references to ${used.length ? used.join(', ') : 'no other module'} dropped, parameters freed, taken off the ` +
      `list, and finally the core region (${mod.core ? `0x${mod.core.size.toString(16)} bytes at 0x${mod.core.base.toString(16)}` : 'none'}) is freed ` +
      `— struct module lived inside it, so it goes last.`,
    effects,
  });
  return done(0);
}
