/**
 * 2.4 against 6.1: which syscall insmod makes next on each path, and who (user space or the kernel)
 * does a stage — read from the lanes (side, stage) both load paths tag their steps with.
 */
import type { ModelKernel } from '../kernel/model';
import type { OperationInfo, Stage, StepInfo } from '../trace/types';
import type { KernelVersion } from '../trace/types';
import { opSteps, stepRef, type Candidate } from './trace-walk';

const SYSCALL_CHOICES = ['query_module', 'get_kernel_syms', 'create_module', 'init_module', 'finit_module', 'delete_module'];

/** The syscalls of a load, in order (consecutive repeats merged), with the step each starts at. */
function syscalls(k: ModelKernel, op: OperationInfo): { name: string; step: StepInfo }[] {
  const out: { name: string; step: StepInfo }[] = [];
  for (const s of opSteps(k, op)) {
    let name: string | null = null;
    if (s.side === 'syscall' && s.fn.startsWith('sys_')) name = s.fn.slice(4);
    // 6.1's user step names the syscall insmod makes: "insmod: open() + finit_module()".
    else if (s.side === 'user' && s.phase === 'user') name = /(\w+_module)\(\)/.exec(s.fn + ' ' + s.title)?.[1] ?? null;
    if (name && out[out.length - 1]?.name !== name) out.push({ name, step: s });
  }
  return out;
}

const STAGE_WORDS: Partial<Record<Stage, string>> = {
  symbols: 'resolves the undefined symbols',
  relocate: 'applies the relocations',
  params: 'writes the parameters into the module',
};

/** The step doing most of a stage (the widest; a syscall boundary step only if nothing else does it). */
function stageStep(k: ModelKernel, op: OperationInfo, stage: Stage): StepInfo | null {
  const steps = opSteps(k, op).filter((s) => s.stage === stage);
  const real = steps.filter((s) => s.side !== 'syscall');
  const pool = real.length ? real : steps;
  return pool.reduce<StepInfo | null>((best, s) => (!best || s.span > best.span ? s : best), null);
}

export function compareQuestions(runs: { kernel: KernelVersion; k: ModelKernel; op: OperationInfo }[]): Candidate[] {
  const out: Candidate[] = [];
  for (const { kernel, k, op } of runs) {
    const calls = syscalls(k, op);
    for (let i = 0; i < calls.length; i++) {
      const prev = calls[i - 1]?.name;
      out.push({
        kind: 'compare',
        key: `compare:${kernel}:syscall${i}`,
        kernel,
        pos: calls[i].step.pos,
        step: stepRef(k, calls[i].step.pos),
        prompt: prev
          ? `On the Linux ${kernel} path, \`${op.command}\` has just made ${prev}(). Which syscall comes next?`
          : `On the Linux ${kernel} path, which syscall does \`${op.command}\` make first?`,
        data: { kernel, after: prev ?? null },
        parts: [{ label: 'syscall', format: 'choice', answer: calls[i].name, choices: SYSCALL_CHOICES }],
        explanation: `Linux ${kernel}: ${calls.map((c) => `${c.name}()`).join(' → ')}. ${calls[i].step.title}.`,
      });
    }
    for (const stage of Object.keys(STAGE_WORDS) as Stage[]) {
      const s = stageStep(k, op, stage);
      if (!s) continue;
      const who = s.side === 'user' ? 'user space' : 'kernel';
      out.push({
        kind: 'compare',
        key: `compare:${kernel}:${stage}`,
        kernel,
        pos: s.pos,
        step: stepRef(k, s.pos),
        prompt: `On Linux ${kernel}, who ${STAGE_WORDS[stage]}: user space (insmod) or the kernel?`,
        data: { kernel, stage },
        parts: [{ label: 'who', format: 'choice', answer: who, choices: ['user space', 'kernel'] }],
        explanation: `${s.fn}() (${s.file}) does it, in ${who}: ${s.title}.`,
      });
    }
  }
  return out;
}
