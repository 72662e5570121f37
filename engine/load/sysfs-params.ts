/**
 * /sys/module/NAME/parameters/P: param_attr_show() and param_attr_store() (kernel/params.c).
 * Files exist only for perm != 0; reading calls ops->get, writing calls ops->set with the written
 * text (echo's trailing newline included: the kstrto* parsers accept one).
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { StepRecorder } from './context';
import { EACCES, ENOENT } from './errno';
import { kernelParamMemory } from './param-memory';
import { paramGet, paramSet } from './params/index';
import { utf8Bytes } from './format';

export function readParam(k: ModelKernel, mod: LoadedModule, name: string): { ok: true; text: string } | { ok: false; errno: number } {
  const p = mod.params.find((x) => x.name === name && x.perm !== 0);
  if (!p || !p.resolved) return { ok: false, errno: -ENOENT };
  const r = paramGet(p.resolved, kernelParamMemory(k, k.timeline.position, mod.name));
  if (r.kind !== 'ok') return { ok: false, errno: -5 };
  return { ok: true, text: r.text };
}

export function writeParam(k: ModelKernel, mod: LoadedModule, name: string, value: string): { ok: true } | { ok: false; errno: number } {
  const p = mod.params.find((x) => x.name === name && x.perm !== 0);
  if (!p || !p.resolved) return { ok: false, errno: -ENOENT };
  // Root still needs a write bit: sysfs honours the file mode for everyone.
  if (!(p.perm & 0o222)) return { ok: false, errno: -EACCES };
  const op = k.timeline.beginOp(`echo ${value.replace(/\n$/, '')} > /sys/module/${mod.name}/parameters/${name}`);
  const rec = new StepRecorder(k, op);
  const log: { level: number; text: string }[] = [];
  const r = paramSet(p.resolved, utf8Bytes(value), { mem: kernelParamMemory(k, rec.pos, mod.name), kmalloced: k.kmallocedParams, log });
  for (const l of log) rec.printk(l.level, l.text);
  const errno = r.kind === 'done' ? r.errno : -22;
  rec.step({
    phase: 'sysfs',
    fn: 'param_attr_store',
    file: 'kernel/params.c',
    title: errno ? `Writing ${name} fails` : `${name} changed at run time`,
    text: errno
      ? `ops->set("${value.replace(/\n/g, '\\n')}") returned ${errno}; the value is unchanged.`
      : `ops->set() parses "${value.replace(/\n/g, '\\n')}" and stores it at 0x${p.resolved.arg.toString(16)} under kernel_param_lock.`,
    ...(errno ? { errno } : {}),
  });
  k.timeline.endOp(op, errno);
  return errno ? { ok: false, errno } : { ok: true };
}
