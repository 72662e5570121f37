/**
 * IP fragment reassembly's per-net state (net/ipv4/inet_fragment.c of 6.1), which the fragment pernet inits create for
 * init_net (nf_defrag_ipv6's nf_ct_net_init, 6lowpan's lowpan_frags_init_net, …), with the struct layouts recorded under
 * QEMU (kernel-data-qemu-pc.json):
 * - inet_frags_init(f): f->frags_cachep = kmem_cache_create(f->frags_cache_name, f->qsize, 0, 0, NULL), refcnt 1.
 * - fqdir_init(fqdirp, f, net): a zeroed struct fqdir with f and net, rhashtable_init(&fqdir->rhashtable, &f->rhash_params),
 *   refcount_inc(&f->refcnt), *fqdirp = fqdir.
 * - fqdir_exit(fqdir): queues fqdir_work_fn on inet_frag_wq, which frees the (empty) table and queues fqdir_free_fn, which
 *   drops f->refcnt (completing f->completion at 0) and kfrees the fqdir; the model does both works at the call.
 * - inet_frags_fini(f): drops the refcount; wait_for_completion() returns once every fqdir's work has run (at once here);
 *   kmem_cache_destroy(f->frags_cachep), frags_cachep = NULL.
 * struct completion's own fields are not written (only inet_frags_fini() waits on it, modelled here).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';
import { hexU64 } from '../../base/hex';
import { readU32, readU64, ret, s32, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const FQ = KERNEL_DATA.pernet.fqdir;
const F = KERNEL_DATA.pernet.inetFrags;
const ENOMEM = 12;

/** A kernel function through its model, as the kernel calls it (kmem_cache_create from inet_frags_init()). */
function callKernel(ctx: KernelCallContext, s: KernelCallState, name: string, ...args: bigint[]): bigint | null {
  const a = s.options.lookupSymbol?.(name) ?? null;
  return a === null ? null : ctx.callModule(a, ...args);
}

export function inetFragFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    inet_frags_init: (ctx) => {
      const f = ctx.arg(0);
      const name = readU64(ctx.mem, f + BigInt(F.frags_cache_name));
      const cache = callKernel(ctx, s, 'kmem_cache_create', name, BigInt(readU32(ctx.mem, f + BigInt(F.qsize))), 0n, 0n, 0n);
      if (cache === null) return 'not-modelled';
      writeU64(ctx.mem, f + BigInt(F.frags_cachep), cache);
      if (cache === 0n) return ret(-ENOMEM);
      writeU32(ctx.mem, f + BigInt(F.refcnt), 1);
      ctx.note(`inet_frags_init: frags_cachep ${hexU64(cache)}, refcnt 1`);
      return 0n;
    },
    inet_frags_fini: (ctx) => {
      const f = ctx.arg(0);
      const refcnt = readU32(ctx.mem, f + BigInt(F.refcnt)) - 1;
      writeU32(ctx.mem, f + BigInt(F.refcnt), refcnt);
      // wait_for_completion(&f->completion): complete() comes when the refcount reaches 0; a fqdir still holding one
      // would have its work queued (fqdir_exit), which the model has already run, so a count left here never drops.
      if (refcnt !== 0) return 'not-modelled';
      const cache = readU64(ctx.mem, f + BigInt(F.frags_cachep));
      if (callKernel(ctx, s, 'kmem_cache_destroy', cache) === null) return 'not-modelled';
      writeU64(ctx.mem, f + BigInt(F.frags_cachep), 0n);
      return 0n;
    },
    // int fqdir_init(struct fqdir **fqdirp, struct inet_frags *f, struct net *net)
    fqdir_init: (ctx) => {
      const [fqdirp, f, net] = [ctx.arg(0), ctx.arg(1), ctx.arg(2)];
      const fq = ctx.kmalloc(FQ.size, true, 'struct fqdir');
      writeU64(ctx.mem, fq + BigInt(FQ.f), f);
      writeU64(ctx.mem, fq + BigInt(FQ.net), net);
      const res = callKernel(ctx, s, 'rhashtable_init', fq + BigInt(FQ.rhashtable), f + BigInt(F.rhash_params));
      if (res === null) return 'not-modelled';
      if (s32(res) < 0) {
        ctx.kfree(fq);
        return ret(s32(res));
      }
      writeU32(ctx.mem, f + BigInt(F.refcnt), readU32(ctx.mem, f + BigInt(F.refcnt)) + 1);
      writeU64(ctx.mem, fqdirp, fq);
      ctx.note(`fqdir_init: struct fqdir ${hexU64(fq)} for net ${hexU64(net)}`);
      return 0n;
    },
    // void fqdir_exit(struct fqdir *fqdir): fqdir_work_fn() on inet_frag_wq, then fqdir_free_fn(), done here at the call.
    fqdir_exit: (ctx) => {
      const fq = ctx.arg(0);
      const f = readU64(ctx.mem, fq + BigInt(FQ.f));
      if (callKernel(ctx, s, 'rhashtable_free_and_destroy', fq + BigInt(FQ.rhashtable), 0n, 0n) === null) return 'not-modelled';
      writeU32(ctx.mem, f + BigInt(F.refcnt), readU32(ctx.mem, f + BigInt(F.refcnt)) - 1);
      ctx.kfree(fq);
      ctx.note(`fqdir_exit: fqdir_work_fn() and fqdir_free_fn() (queued works) free ${hexU64(fq)}; the model runs them at once`);
      return 0n;
    },
  };
}
