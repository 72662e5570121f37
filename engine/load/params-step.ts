/**
 * parse_args() for a forming module (kernel/params.c via load_module()): placeholder until the
 * params engine lands; records the module's parameters so sysfs can list them.
 */
import type { LoadContext } from './context';

export function applyModuleParams(ctx: LoadContext, name: string): number {
  const mod = ctx.mod;
  if (!mod) return 0;
  mod.params = ctx.facts.params.map((p) => ({ name: p.name, perm: p.perm, type: p.type, kernelParam: 0n }));
  ctx.rec.step({ phase: 'params', fn: 'parse_args', file: 'kernel/params.c', title: 'Parameters', text: `${name}: arguments "${ctx.args}".` });
  return 0;
}
