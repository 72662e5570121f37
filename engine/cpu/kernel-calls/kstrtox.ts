/**
 * lib/kstrtox.c for module code: kstrtobool(), kstrto{int,uint,long,ulong,ll,ull,u8,u16,s16}() and
 * their _from_user twins are the parsers a module's own kernel_param_ops ->set() and its proc/sysfs
 * store handlers call. The parsing is engine/params/kstrtox.ts (the same code parse_args() uses);
 * here only the C calling convention: (const char *s, [unsigned int base,] T *res) → 0 or -errno,
 * *res written only on success.
 */
import {
  kstrtobool,
  kstrtoint,
  kstrtoll,
  kstrtos16,
  kstrtou16,
  kstrtou8,
  kstrtouint,
  kstrtoull,
  type KstrtoxResult,
} from '../../params/kstrtox';
import type { KernelCallContext, KernelFunction } from '../types';
import { readCStringBytes, ret } from './mem';

function store(ctx: KernelCallContext, address: bigint, value: bigint, bytes: number): void {
  const b = new Uint8Array(bytes);
  let v = BigInt.asUintN(bytes * 8, value);
  for (let i = 0; i < bytes; i++, v >>= 8n) b[i] = Number(v & 0xffn);
  ctx.mem.write(address, b);
}

function integer(parse: (s: Uint8Array, base: number) => KstrtoxResult, bytes: number): KernelFunction {
  return (ctx) => {
    const r = parse(readCStringBytes(ctx.mem, ctx.arg(0), 4096), Number(ctx.arg(1) & 0xffffffffn));
    if (!r.ok) return ret(r.errno);
    store(ctx, ctx.arg(2), r.value, bytes);
    return 0n;
  };
}

export function kstrtoxFunctions(): Record<string, KernelFunction> {
  return {
    // int kstrtobool(const char *s, bool *res)
    kstrtobool: (ctx) => {
      const r = kstrtobool(readCStringBytes(ctx.mem, ctx.arg(0), 4096));
      if (!r.ok) return ret(r.errno);
      store(ctx, ctx.arg(1), r.value ? 1n : 0n, 1);
      return 0n;
    },
    kstrtoint: integer(kstrtoint, 4),
    kstrtouint: integer(kstrtouint, 4),
    kstrtoll: integer(kstrtoll, 8),
    kstrtoull: integer(kstrtoull, 8),
    // long and unsigned long are 64-bit on x86-64: kstrtol()/kstrtoul() are inline wrappers that
    // call _kstrtol()/_kstrtoul(), which the kernel exports.
    _kstrtol: integer(kstrtoll, 8),
    _kstrtoul: integer(kstrtoull, 8),
    kstrtos16: integer(kstrtos16, 2),
    kstrtou16: integer(kstrtou16, 2),
    kstrtou8: integer(kstrtou8, 1),
    kstrtos8: integer((s, b) => {
      const r = kstrtoll(s, b);
      return r.ok && (r.value < -128n || r.value > 127n) ? { ok: false, errno: -34 } : r;
    }, 1),
  };
}
