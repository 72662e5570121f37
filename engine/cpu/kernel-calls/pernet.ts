/**
 * Pernet registration (net/core/net_namespace.c of 6.1) for init_net, the only network namespace on the modelled
 * machine (no task there creates one):
 * - register_pernet_subsys()/register_pernet_device() → register_pernet_operations(): an ops with an id pointer gets
 *   ida_alloc_min(&net_generic_ids, MIN_PERNET_OPS_ID) in *ops->id and max_gen_ptrs grows to cover it; then
 *   __register_pernet_operations() runs ops_init(ops, net) for each net when ops->init or (ops->id && ops->size):
 *   kzalloc(ops->size), net_assign_generic() puts it in net->gen->ptr[id] (a longer struct net_generic, of
 *   max_gen_ptrs slots, replaces net->gen when id is past its length), then ops->init(net) runs (on the modelled CPU).
 *   A failing init: ptr[id] cleared, the data freed, exit_batch run on the empty list, the id freed.
 * - unregister_pernet_subsys()/unregister_pernet_device(): free_exit_list() for init_net: pre_exit(net),
 *   exit_batch_rtnl(list, dev_kill_list) under rtnl, exit(net), exit_batch(list), kfree(net_generic(net, id)); then
 *   ida_free() of the id.
 * What the boot left (recorded under QEMU, scripts/qemu/kernel-data.mjs): net_generic_ids holding 3..8, max_gen_ptrs 13,
 * init_net.gen a net_generic of length 13 whose ptr[3..8] hold the built-in subsystems' data (heap pointers the model
 * does not have: they read as unknown data, recorded-kernel-data.ts) and ptr[9..12] NULL.
 * Not modelled: the ops' place on pernet_list (ops->list is not written: only the kernel walks it, for a new net).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';
import { hexU64 } from '../../base/hex';
import { readU32, readU64, ret, s32, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const P = KERNEL_DATA.pernet;
const OPS = P.ops;
/** (sizeof(struct net_generic) + sizeof(void *) - 1) / sizeof(void *): the s header (len, rcu_head) is 24 bytes. */
export const MIN_PERNET_OPS_ID = 3;

/** net_generic_ids after boot: every id below init_net.gen's length but those the recorded probes were handed. */
export function bootPernetIds(): Set<number> {
  const free = new Set<number>(P.probes.map(([id]): number => id).filter((id) => id < P.genLen));
  const used = new Set<number>();
  for (let id = MIN_PERNET_OPS_ID; id < P.genLen; id++) if (!free.has(id)) used.add(id);
  return used;
}

interface PernetState {
  /** net_generic_ids. */
  ids: Set<number>;
  maxGenPtrs: number;
  /** Registered ops (struct pernet_operations address) → the id it holds (null without ops->id). */
  ops: Map<bigint, number | null>;
  /** net_generic blocks net_assign_generic() allocated (kzalloc'd here), so kfree_rcu() can free them. */
  gens: Set<bigint>;
  /** Slots of init_net.gen the modules' registrations filled: id → data. */
  slots: Map<number, bigint>;
}

const states = new WeakMap<KernelCallState, PernetState>();

function stateOf(s: KernelCallState): PernetState {
  let p = states.get(s);
  if (!p) {
    p = { ids: bootPernetIds(), maxGenPtrs: P.maxGenPtrs ?? P.genLen, ops: new Map(), gens: new Set(), slots: new Map() };
    states.set(s, p);
  }
  return p;
}

/** The kernel image's mapping (vmlinux data): what a model writes there lasts past the run only through s.vmlinuxWrites. */
const IMAGE = [0xffffffff80000000n, 0xffffffffc0000000n] as const;

/** Write a word the way the kernel does, and keep it for later runs when it is vmlinux data (init_net.gen, the boot net_generic). */
function put(ctx: KernelCallContext, s: KernelCallState, address: bigint, value: bigint): void {
  writeU64(ctx.mem, address, value);
  if (address < IMAGE[0] || address >= IMAGE[1]) return;
  for (let i = 0; i < 8; i++) s.vmlinuxWrites.set(address + BigInt(i), Number((value >> BigInt(8 * i)) & 0xffn));
}

/** net_assign_generic(net, id, data): in place while id < net->gen->s.len, else a longer copy replaces net->gen. */
function assignGeneric(ctx: KernelCallContext, s: KernelCallState, p: PernetState, net: bigint, id: number, data: bigint): boolean {
  const old = readU64(ctx.mem, net + BigInt(P.netGen));
  if (old === 0n) return false;
  const len = readU32(ctx.mem, old);
  if (len > id) {
    put(ctx, s, old + 8n * BigInt(id), data);
    p.slots.set(id, data);
    return true;
  }
  // net_alloc_generic(): kzalloc(offsetof(struct net_generic, ptr[max_gen_ptrs])), s.len = max_gen_ptrs; then the
  // old slots from MIN_PERNET_OPS_ID are copied. The model copies the slots modules filled; the built-in ones (heap
  // pointers it does not have) stay 0 in the copy, which only built-in code reads (no vmlinux export names a pernet id).
  const n = p.maxGenPtrs;
  const ng = ctx.kmalloc(8 * n, true, `struct net_generic (${n} slots)`);
  writeU32(ctx.mem, ng, n);
  for (const [i, d] of p.slots) if (i < len) writeU64(ctx.mem, ng + 8n * BigInt(i), d);
  writeU64(ctx.mem, ng + 8n * BigInt(id), data);
  p.slots.set(id, data);
  put(ctx, s, net + BigInt(P.netGen), ng);
  // kfree_rcu(old_ng, s.rcu): freed after a grace period (at once in the model); the boot one is not the model's block.
  if (p.gens.delete(old)) ctx.kfree(old);
  p.gens.add(ng);
  ctx.note(`net_assign_generic: init_net.gen grows from ${len} to ${n} slots (a new net_generic ${hexU64(ng)}), ptr[${id}] = ${hexU64(data)}`);
  return true;
}

/** A struct list_head net_exit_list holding init_net (its exit_list), as __unregister_pernet_operations() builds it. */
function exitList(ctx: KernelCallContext, net: bigint | null): bigint {
  const head = ctx.kmalloc(16, false, 'net_exit_list (a LIST_HEAD on the kernel stack)');
  if (net === null) {
    writeU64(ctx.mem, head, head);
    writeU64(ctx.mem, head + 8n, head);
    return head;
  }
  const e = net + BigInt(P.netExitList);
  writeU64(ctx.mem, head, e);
  writeU64(ctx.mem, head + 8n, e);
  writeU64(ctx.mem, e, head);
  writeU64(ctx.mem, e + 8n, head);
  return head;
}

function opsField(ctx: KernelCallContext, ops: bigint, off: number): bigint {
  return readU64(ctx.mem, ops + BigInt(off));
}

export function pernetFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const register =
    (fn: string, kind: string): KernelFunction =>
    (ctx) => {
      const p = stateOf(s);
      const ops = ctx.arg(0);
      const net = s.options.lookupSymbol?.('init_net') ?? null;
      if (net === null) return 'not-modelled';
      const idPtr = opsField(ctx, ops, OPS.id);
      const size = opsField(ctx, ops, OPS.size);
      const init = opsField(ctx, ops, OPS.init);
      let id: number | null = null;
      if (idPtr !== 0n) {
        id = MIN_PERNET_OPS_ID;
        while (p.ids.has(id)) id++;
        p.ids.add(id);
        writeU32(ctx.mem, idPtr, id);
        p.maxGenPtrs = Math.max(p.maxGenPtrs, id + 1);
      }
      s.registrations.push({ kind, name: null, address: ops });
      let err = 0;
      let data = 0n;
      if (init !== 0n || (id !== null && size !== 0n)) {
        // ops_init(ops, &init_net)
        if (id !== null && size !== 0n) {
          data = ctx.kmalloc(Number(size), true, `pernet data (id ${id}, ${size} bytes)`);
          if (!assignGeneric(ctx, s, p, net, id, data)) return 'not-modelled';
        }
        ctx.note(
          `${fn} ${hexU64(ops)}: ${id === null ? 'no id' : `pernet id ${id}`}` +
            `${data ? `, ${size} zeroed bytes at init_net.gen->ptr[${id}]` : ''}` +
            `${init ? `; ops->init(&init_net) runs (${ctx.symbolize(init) ?? hexU64(init)})` : ''}`,
        );
        if (init !== 0n) err = s32(ctx.callModule(init, net));
        if (err !== 0) {
          if (data !== 0n && id !== null) {
            const ng = readU64(ctx.mem, net + BigInt(P.netGen));
            put(ctx, s, ng + 8n * BigInt(id), 0n);
            p.slots.delete(id);
            ctx.kfree(data);
          }
          // out_undo: list_del(&ops->list), free_exit_list() on an empty net_exit_list: only exit_batch has work.
          const batch = opsField(ctx, ops, OPS.exit_batch);
          if (opsField(ctx, ops, OPS.exit_batch_rtnl) !== 0n) return 'not-modelled';
          if (batch !== 0n) {
            const head = exitList(ctx, null);
            ctx.callModule(batch, head);
            ctx.kfree(head);
          }
          if (id !== null) p.ids.delete(id);
          s.registrations.pop();
          ctx.note(`${fn}: ops->init(&init_net) returned ${err}; the registration is undone`);
          return ret(err);
        }
      } else {
        ctx.note(`${fn} ${hexU64(ops)}: ${id === null ? 'no id' : `pernet id ${id}`}, nothing to run for init_net`);
      }
      p.ops.set(ops, id);
      return 0n;
    };
  const unregister =
    (fn: string): KernelFunction =>
    (ctx) => {
      const p = stateOf(s);
      const ops = ctx.arg(0);
      const net = s.options.lookupSymbol?.('init_net') ?? null;
      if (net === null || !p.ops.has(ops)) return 'not-modelled';
      const id = p.ops.get(ops) ?? null;
      const preExit = opsField(ctx, ops, OPS.pre_exit);
      const exit = opsField(ctx, ops, OPS.exit);
      const batch = opsField(ctx, ops, OPS.exit_batch);
      const batchRtnl = opsField(ctx, ops, OPS.exit_batch_rtnl);
      const head = exitList(ctx, net);
      if (preExit !== 0n) ctx.callModule(preExit, net);
      if (batchRtnl !== 0n) {
        // rtnl_lock(); ops->exit_batch_rtnl(net_exit_list, &dev_kill_list); unregister_netdevice_many(&dev_kill_list)
        const kill = exitList(ctx, null);
        const held = s.rtnlHeld;
        s.rtnlHeld = true;
        ctx.callModule(batchRtnl, head, kill);
        s.rtnlHeld = held;
        const queued = readU64(ctx.mem, kill) !== kill;
        ctx.kfree(kill);
        if (queued) {
          ctx.kfree(head);
          ctx.note(`${fn}: exit_batch_rtnl queued net devices on dev_kill_list; unregister_netdevice_many() is not modelled`);
          return 'not-modelled';
        }
      }
      if (exit !== 0n) ctx.callModule(exit, net);
      if (batch !== 0n) ctx.callModule(batch, head);
      ctx.kfree(head);
      // ops_free_list(): kfree(net_generic(net, *ops->id)); the slot keeps its (now freed) pointer, as in the kernel.
      if (id !== null && opsField(ctx, ops, OPS.size) !== 0n) {
        const ng = readU64(ctx.mem, net + BigInt(P.netGen));
        ctx.kfree(readU64(ctx.mem, ng + 8n * BigInt(id)));
      }
      if (id !== null) p.ids.delete(id);
      p.ops.delete(ops);
      ctx.note(`${fn} ${hexU64(ops)}: exit methods run for init_net${id === null ? '' : `, pernet id ${id} freed`}`);
      return 0n;
    };
  return {
    register_pernet_subsys: register('register_pernet_subsys', 'pernet subsys'),
    register_pernet_device: register('register_pernet_device', 'pernet device'),
    unregister_pernet_subsys: unregister('unregister_pernet_subsys'),
    unregister_pernet_device: unregister('unregister_pernet_device'),
  };
}
