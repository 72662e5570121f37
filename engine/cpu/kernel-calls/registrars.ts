/**
 * The shapes most models in registry.ts are made from: "register something, record it, return 0"
 * (registrar), its undo (unregistrar), a new opaque kernel object (handleMaker) and its release,
 * and the ways a model reads the registered thing's name (a struct field, a string, a format).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { bytesToText, s32, tryCString, tryFieldString } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';
import { formatAt, formatEnvFrom, registerArgs } from './vsnprintf';

/** Opaque kernel objects we hand out are zeroed blocks this big (struct device is ~ 760 bytes in 6.1). */
export const HANDLE_SIZE = 1024;

export type NameOf = (ctx: KernelCallContext) => string | null;

/** const char * at a struct offset: the name field of the struct passed as argument n. */
export const field =
  (n: number, offset: number): NameOf =>
  (ctx) =>
    tryFieldString(ctx, ctx.arg(n), offset);
/** A plain `const char *name` argument. */
export const str =
  (n: number): NameOf =>
  (ctx) =>
    tryCString(ctx, ctx.arg(n));
/** A printf-style name: format argument n, its variadic arguments from argument first (default n + 1). */
export const fmt =
  (n: number, state: KernelCallState, first = n + 1): NameOf =>
  (ctx) => {
    try {
      return bytesToText(formatAt(formatEnvFrom(ctx, state.formatOptions()), ctx.arg(n), registerArgs(ctx, first)).bytes);
    } catch {
      return null;
    }
  };

export const quoted = (name: string | null): string => (name === null ? '' : ` '${name}'`);

export function registrar(
  state: KernelCallState,
  kind: string,
  what: string,
  nameOf: NameOf | null,
  structArg: number | null,
  result: bigint = 0n,
): KernelFunction {
  return (ctx) => {
    const name = nameOf ? nameOf(ctx) : null;
    state.registrations.push({ kind, name, address: structArg === null ? 0n : ctx.arg(structArg) });
    ctx.note(`${what}${quoted(name)}: recorded, returns ${s32(result)}`);
    return result;
  };
}

export function unregistrar(what: string, nameOf: NameOf | null): KernelFunction {
  return (ctx) => {
    ctx.note(`${what}${quoted(nameOf ? nameOf(ctx) : null)}: recorded`);
    return 0n;
  };
}

/** A function returning a pointer to a new kernel object: a zeroed block from ctx.kmalloc. */
export function handleMaker(state: KernelCallState, kind: string, what: string, nameOf: NameOf | null, extra = ''): KernelFunction {
  return (ctx) => {
    const name = nameOf ? nameOf(ctx) : null;
    const h = ctx.kmalloc(HANDLE_SIZE, true, `${kind}${quoted(name)}`);
    state.handles.set(h, `${kind}${quoted(name)}`);
    state.registrations.push({ kind, name, address: h });
    ctx.note(`${what}${quoted(name)}: returns a new ${kind} ${hexU64(h)}${extra}`);
    return h;
  };
}

export function freeHandle(state: KernelCallState, what: string, arg = 0): KernelFunction {
  return (ctx) => {
    const h = ctx.arg(arg);
    const known = state.handles.get(h);
    if (known !== undefined) {
      state.handles.delete(h);
      ctx.kfree(h);
    }
    ctx.note(`${what}: ${known ?? hexU64(h)} released`);
    return 0n;
  };
}

export const quiet =
  (value: bigint): KernelFunction =>
  () =>
    value;
export const noted =
  (text: string, value = 0n): KernelFunction =>
  (ctx) => {
    ctx.note(text);
    return value;
  };
