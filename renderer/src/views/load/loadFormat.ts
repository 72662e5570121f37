/** Small, pure helpers for the Load view: errno names, effects in words, address maths on "0x…" strings. */
import type { Effect, OperationInfo, Phase, StepInfo } from '../../../../engine/api-types';
import { opEnd } from '../../../../engine/trace/index';
import { bytesHuman } from '../../lib/format';

/** Linux errno names for the values module loading returns (include/uapi/asm-generic/errno-base.h, errno.h). */
const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  7: 'E2BIG',
  8: 'ENOEXEC',
  9: 'EBADF',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  17: 'EEXIST',
  22: 'EINVAL',
  27: 'EFBIG',
  34: 'ERANGE',
  38: 'ENOSYS',
  61: 'ENODATA',
  74: 'EBADMSG',
  95: 'EOPNOTSUPP',
  105: 'ENOBUFS',
  110: 'ETIMEDOUT',
  126: 'ENOKEY',
  127: 'EKEYEXPIRED',
  129: 'EKEYREJECTED',
};

export function errnoText(errno: number): string {
  const n = Math.abs(errno);
  return `${errno < 0 ? '-' : ''}${ERRNO[n] ?? `errno ${n}`} (${errno})`;
}

/** An operation's end for its header row: "0", "-ENOENT (-2)", "Killed (SIGKILL)", "unknown (not modelled)". */
export function opResultText(op: OperationInfo): { text: string; failed: boolean; title: string } {
  const end = opEnd(op);
  if (end.kind === 'killed')
    return { text: 'Killed (SIGKILL, exit 137)', failed: true, title: 'An oops killed the task inside the syscall: it never returned.' };
  if (end.kind === 'unknown') return { text: 'unknown (not modelled)', failed: true, title: `${end.reason}.` };
  const r = op.result ?? 0;
  return { text: r ? errnoText(r) : '0', failed: r !== 0, title: r ? `The syscall returned ${r}.` : 'The syscall returned 0.' };
}

export const PHASE_LABEL: Record<Phase, string> = {
  user: 'user space',
  syscall: 'syscall',
  signature: 'signature',
  elf: 'ELF checks',
  modinfo: 'modinfo',
  layout: 'layout',
  allocate: 'allocate',
  symbols: 'symbols',
  relocate: 'relocations',
  finalize: 'finalize',
  formation: 'formation',
  params: 'parameters',
  sysfs: 'sysfs',
  init: 'init',
  unload: 'unload',
  result: 'result',
};

/** One sentence per effect, with the real numbers. */
export function effectText(e: Effect): string {
  switch (e.kind) {
    case 'alloc':
      return `allocates ${bytesHuman(e.size)} at ${e.base} — ${e.label}`;
    case 'free':
      return `frees ${bytesHuman(e.size)} at ${e.base} — ${e.label}`;
    case 'write':
      return `writes ${e.length.toLocaleString('en-US')} bytes at ${e.address} (${e.what})`;
    case 'state':
      return `${e.module}: ${e.from} → ${e.to}`;
    case 'taint':
      return `taints the kernel with ${e.letter}${e.module ? ` (because of ${e.module})` : ''}`;
    case 'place':
      return `places ${e.name} in ${e.region} ${e.group} at +0x${e.offset.toString(16)} (${e.size} bytes, align ${e.align})`;
    case 'address':
      return `${e.name} now lives at ${e.address}`;
    case 'list':
      return `${e.action === 'add' ? 'adds' : 'removes'} ${e.module} ${e.action === 'add' ? 'to' : 'from'} the module list`;
    case 'ref':
      return `${e.from} ${e.action === 'get' ? 'takes' : 'drops'} a reference on ${e.to}`;
    case 'param':
      return `parameter ${e.name} = ${e.value}`;
    case 'call':
      // A killed or stopped init has no return value: its result is words, not a number.
      return /^-?\d+$|^void$/.test(e.result) ? `calls ${e.fn} at ${e.address} → returns ${e.result}` : `calls ${e.fn} at ${e.address} → ${e.result}`;
  }
}

/**
 * A position in the trace as every pane and footer writes it: counted from 1, like steps ("step 5 / 30"),
 * so the last of 1,000 positions reads "position 1,000 / 1,000". (Links and the engine count from 0.)
 */
/** One formatter for every position: Number.toLocaleString() builds one a call (the scrubber formats a few a render). */
const EN_US = new Intl.NumberFormat('en-US');

/** n with thousands separators (1,234), by the shared formatter: a pane that renders on every seek calls this. */
export function countText(n: number): string {
  return EN_US.format(n);
}

export function positionText(pos: number, length?: number): string {
  const n = EN_US.format(pos + 1);
  return length === undefined ? `position ${n}` : `position ${n} / ${EN_US.format(length)}`;
}

/** Index of the step covering pos (steps sorted by pos; last one starting at or before it). */
export function stepIndexAt(steps: StepInfo[], pos: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].pos <= pos) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** "0x…" + delta (may be negative) → "0x…" (64-bit wrap). */
export function addrAdd(a: string, delta: number): `0x${string}` {
  const v = (BigInt(a) + BigInt(delta)) & 0xffff_ffff_ffff_ffffn;
  return `0x${v.toString(16).padStart(16, '0')}`;
}

/** a - b for "0x…" strings, as a Number (callers only use it on nearby addresses). */
export function addrDiff(a: string, b: string): number {
  return Number(BigInt(a) - BigInt(b));
}
