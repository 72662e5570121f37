/**
 * /sys/module/NAME/parameters/P: param_attr_show() and param_attr_store() (kernel/params.c).
 * Files exist only for perm != 0; reading calls ops->get, writing calls ops->set with the written
 * text (echo's trailing newline included: the kstrto* parsers accept one).
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { StepRecorder } from './context';
import { EACCES, ENOENT, EPERM } from './errno';
import { kernelParamMemory } from './param-memory';
import { paramGet, paramSet, type ResolvedParam } from '../params/index';
import { utf8Bytes } from '../base/utf8';
import { decodeUtf8 } from '../elf/strings';
import type { OperationInfo } from '../trace/types';

export function readParam(k: ModelKernel, mod: LoadedModule, name: string): { ok: true; text: string } | { ok: false; errno: number } {
  const p = mod.params.find((x) => x.name === name && x.perm !== 0);
  if (!p || !p.resolved) return { ok: false, errno: -ENOENT };
  if (p.resolved.type === 'custom') return readCustom(k, mod, p.resolved);
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
  if (p.resolved.type === 'custom') return writeCustom(k, mod, p.resolved, value, op, rec);
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

/**
 * struct kernel_param_ops { unsigned int flags; int (*set)(const char *, const struct kernel_param *);
 *   int (*get)(char *, const struct kernel_param *); void (*free)(void *); }
 */
function customOps(k: ModelKernel, kp: ResolvedParam): { set: bigint; get: bigint } | null {
  try {
    const b = k.memory.read(kp.opsPtr, 24);
    const v = new DataView(b.buffer, b.byteOffset, 24);
    return { set: v.getBigUint64(8, true), get: v.getBigUint64(16, true) };
  } catch {
    return null;
  }
}

/**
 * param_attr_store() for a module's own kernel_param_ops (module_param_cb): ->set(buf, kp) is module
 * code, run on the CPU model with the written text in a kernel buffer (sysfs hands the store a
 * NUL-terminated page; kernel_param_lock() is held around the call).
 */
function writeCustom(
  k: ModelKernel,
  mod: LoadedModule,
  kp: ResolvedParam,
  value: string,
  op: OperationInfo,
  rec: StepRecorder,
): { ok: true } | { ok: false; errno: number } {
  const ops = customOps(k, kp);
  const shown = value.replace(/\n/g, '\\n');
  let errno: number;
  let note: string;
  let block = null;
  if (!ops || ops.set === 0n || !k.runModuleCode) {
    errno = -EPERM;
    note =
      ops && ops.set === 0n
        ? 'The ops have no ->set(): -EPERM.'
        : "The module's own ->set() cannot run here (no CPU model attached): Modscope refuses the write.";
  } else {
    const text = utf8Bytes(value);
    const pos = rec.pos;
    const buf = k.kmalloc(Math.max(text.length + 1, 8), 'sysfs store buffer', null, pos);
    k.memory.write(buf, Uint8Array.from([...text, 0]), pos, 'the written text');
    const r = k.runModuleCode(mod, ops.set, [buf, kp.address], pos, 'sysfs-write');
    k.kfree(buf, pos);
    block = r.block ?? null;
    errno = r.ret === null ? -14 : r.ret < 0 ? r.ret : 0;
    note = r.note;
  }
  rec.step(
    {
      phase: 'sysfs',
      fn: 'param_attr_store',
      file: 'kernel/params.c',
      title: errno ? `Writing ${kp.name} fails` : `${mod.name}'s own ${kp.name} ->set() ran`,
      text:
        `${kp.name} uses the module's own kernel_param_ops (module_param_cb): param_attr_store() calls its ->set("${shown}", kp) under ` +
        `kernel_param_lock. ${note}`,
      ...(errno ? { errno } : {}),
    },
    block,
  );
  k.timeline.endOp(op, errno);
  return errno ? { ok: false, errno } : { ok: true };
}

/** param_attr_show() for module_param_cb: ->get(buf, kp) prints into a page; its return value is the length. */
function readCustom(k: ModelKernel, mod: LoadedModule, kp: ResolvedParam): { ok: true; text: string } | { ok: false; errno: number } {
  const ops = customOps(k, kp);
  if (!ops || ops.get === 0n) return { ok: false, errno: -EPERM };
  if (!k.runModuleCode) return { ok: false, errno: -5 };
  const pos = k.timeline.position;
  const buf = k.kmalloc(4096, 'sysfs show page', null, pos);
  const r = k.runModuleCode(mod, ops.get, [buf, kp.address], pos, 'sysfs-read');
  let out: { ok: true; text: string } | { ok: false; errno: number };
  if (r.ret === null) out = { ok: false, errno: -14 };
  else if (r.ret < 0) out = { ok: false, errno: r.ret };
  else {
    const bytes = k.memory.read(buf, Math.min(r.ret, 4096));
    out = { ok: true, text: decodeUtf8(bytes, 0, bytes.length) };
  }
  k.kfree(buf, pos);
  return out;
}
