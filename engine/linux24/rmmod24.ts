/**
 * modutils 2.4's rmmod (insmod/rmmod.c): delete_module(name) for each name ("module %s is not
 * loaded" on ENOENT, perror(name) otherwise), and rmmod -a = delete_module(NULL), autoclean reaping.
 */
import { strerror } from '../load/errno';
import type { OperationInfo } from '../trace/types';
import type { Kernel24 } from './kernel24';
import { sysDeleteModule } from './sys-module';

export interface Rmmod24Result {
  exit: number;
  /** delete_module's return: 0 or -errno. */
  errno: number;
  op: OperationInfo;
}

/** One rmmod NAME (or rmmod -a when name is null). */
export function rmmod24(K: Kernel24, name: string | null, command?: string): Rmmod24Result {
  const op = K.beginOp(command ?? (name === null ? 'rmmod -a' : `rmmod ${name}`));
  K.step({
    stage: 'unload',
    side: 'user',
    fn: 'rmmod_main',
    file: 'modutils insmod/rmmod.c',
    title: name === null ? 'rmmod -a: reap autoclean modules' : `rmmod asks to delete ${name}`,
    text:
      name === null
        ? 'delete_module(NULL): the kernel removes every unused autoclean module (kmod ran this periodically).'
        : `delete_module("${name}"): rmmod checks nothing itself; the kernel decides.`,
  });
  const errno = sysDeleteModule(K, name);
  if (errno !== 0)
    op.output.push(
      name === null ? `rmmod: ${strerror(errno)}` : errno === -2 ? `rmmod: module ${name} is not loaded` : `${name}: ${strerror(errno)}`,
    );
  K.step({
    stage: 'result',
    side: 'user',
    fn: 'rmmod_main',
    file: 'modutils insmod/rmmod.c',
    title: errno ? 'rmmod exits 1' : 'rmmod exits 0',
    text: errno ? `delete_module returned ${errno}: ${op.output.join(' ')}` : 'delete_module returned 0.',
    ...(errno ? { errno } : {}),
  });
  K.timeline.endOp(op, errno);
  return { exit: errno ? 1 : 0, errno, op };
}
