/**
 * load_module() → parse_args(mod->name, mod->args, mod->kp, …, unknown_module_param_cb)
 * (kernel/module/main.c, kernel/params.c): the module is already COMING; parameters are written
 * into its relocated variables before init runs. A bad value fails the load (coming_cleanup).
 */
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { taintBit } from '../kernel/taint';
import type { LoadInfo } from './context';
import { kernelParamMemory } from './param-memory';
import { parseModuleArgs, resolveParam, type ResolvedParam } from '../params/index';

/** parse_args(mod->name, mod->args, mod->kp, …): 0, or the negative errno that fails the load. */
export function parseArgs(info: LoadInfo): number {
  const { k, rec, elf, facts } = info;
  const mod = info.module;
  const name = mod.name;
  const pos = rec.pos;
  const fault = info.fault.call('parse_args');
  const mem = kernelParamMemory(k, pos, name);
  const sec = elf.sections.find((s) => s.name === '__param');
  const base = sec ? info.secs[sec.index].addr : 0n;
  const resolved: ResolvedParam[] = [];
  mod.params = facts.params.map((p) => {
    const at = sec ? base + BigInt(p.offset - sec.offset) : 0n;
    let r: ResolvedParam | null = null;
    try {
      r = resolveParam(p, at, mem);
      resolved.push(r);
    } catch {
      r = null;
    }
    return { name: p.name, perm: p.perm, type: p.type, kernelParam: at, resolved: r };
  });
  if (fault) {
    // What if…: parse_args() returns ERR_PTR(err) (e.g. a charp value's kmalloc_parameter() fails) before setting anything.
    rec.step({
      phase: 'params',
      fn: 'parse_args',
      file: 'kernel/params.c',
      title: 'parse_args() fails',
      text: `parse_args() returns ERR_PTR(${fault}) (what if…: a fault put here); load_module() jumps to coming_cleanup.`,
      errno: fault,
    });
    return fault;
  }
  const res = parseModuleArgs(name, info.args, resolved, mem, { kmalloced: k.kmallocedParams, comm: 'insmod' });
  for (const line of res.log) k.printkAt(line.level, line.text, pos);
  for (const t of res.taint) {
    k.addTaint(t, pos);
    mod.taints |= taintBit(t);
  }
  const effects: Effect[] = [];
  const said: string[] = [];
  for (const ev of res.events) {
    if (ev.kind === 'set') {
      effects.push({ kind: 'param', name: ev.param?.name ?? ev.name, value: ev.value ?? '(no value)' });
      for (const m of ev.effects)
        if (m.kind === 'write')
          effects.push({ kind: 'write', address: hex64(m.address), length: m.bytes.length, what: `${ev.name} = ${ev.value ?? '1'}` });
      said.push(`${ev.name} = ${ev.value ?? '(bare: true)'} written at ${ev.param ? '0x' + ev.param.arg.toString(16) : '?'}`);
    } else if (ev.kind === 'unknown-ignored') said.push(`${ev.name}: no such parameter, ignored with a warning`);
    else if (ev.kind === 'error') said.push(`${ev.name}=${ev.value ?? ''}: rejected (${ev.errno})`);
    else if (ev.kind === 'not-modelled') said.push(`${ev.name}: handled by the module's own code (${ev.note ?? 'not modelled'})`);
    else if (ev.kind === 'after-dashdash') said.push('"--": the rest is ignored');
    else said.push(`${ev.name}: ${ev.kind}`);
  }
  const failed = res.loadError !== 0;
  rec.step({
    phase: 'params',
    fn: 'parse_args',
    file: 'kernel/params.c',
    title: failed ? 'A parameter value is rejected' : info.args.trim() ? 'Parameters written into the module' : 'No parameters given',
    text: info.args.trim()
      ? `"${info.args}" is split by next_arg() and matched against ${resolved.length} parameter${resolved.length === 1 ? '' : 's'} ` +
        `(${resolved.map((r) => r.name).join(', ') || 'none'}): ` +
        `${said.join('; ')}.${failed ? ' The load is undone (coming_cleanup) and the syscall returns ' + res.loadError + '.' : ''}`
      : `The argument string is empty; ` +
        (resolved.length
          ? `${resolved.map((r) => r.name).join(', ')} keep${resolved.length === 1 ? 's' : ''} the default compiled into the module`
          : 'the module has no parameters') +
        '.',
    effects,
    ...(failed ? { errno: res.loadError } : {}),
  });
  return res.loadError;
}
