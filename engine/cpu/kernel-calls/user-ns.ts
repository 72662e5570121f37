/**
 * make_kuid()/make_kgid() (kernel/user_namespace.c, 6.1): map_id_down(&ns->uid_map / gid_map, id). init_user_ns
 * (kernel/user.c) maps with one extent {first 0, lower_first 0, count 4294967295}: every id but (u32)-1 is itself, and
 * (u32)-1 (outside the extent) is INVALID_UID/INVALID_GID. Other namespaces (none exists on the machine) are not modelled.
 * Pernet inits pass net->user_ns (init_net.user_ns = &init_user_ns: setup_net(&init_net, &init_user_ns)).
 */
import type { KernelFunction } from '../types';
import type { KernelCallState } from './state';

const COUNT = 4294967295n;

export function userNsFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const make =
    (fn: string): KernelFunction =>
    (ctx) => {
      const init = s.options.lookupSymbol?.('init_user_ns') ?? null;
      if (init === null || ctx.arg(0) !== init) return 'not-modelled';
      const id = ctx.arg(1) & 0xffffffffn;
      const mapped = id < COUNT ? id : 0xffffffffn;
      ctx.note(`${fn}(&init_user_ns, ${id}): ${mapped}`);
      return mapped;
    };
  return { make_kuid: make('make_kuid'), make_kgid: make('make_kgid') };
}
