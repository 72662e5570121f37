/**
 * Questions on the init function as the modelled CPU ran it: a register after an instruction (read
 * from the registers recorded before the next one) and where a call lands (its target, symbolised).
 */
import type { ModelKernel } from '../kernel/model';
import type { Prng } from '../machine/prng';
import type { InstructionDetail, OperationInfo } from '../trace/types';
import type { KernelVersion } from '../trace/types';
import { sprintSymbol } from '../cpu/disasm-window';
import { shuffled } from './seed';
import { opSteps, shortHex, stepRef, symbolName, type Candidate } from './trace-walk';

/** 32-bit register names → the 64-bit register a write zero-extends into. */
const REG32: Record<string, string> = { eax: 'rax', ebx: 'rbx', ecx: 'rcx', edx: 'rdx', esi: 'rsi', edi: 'rdi', ebp: 'rbp', esp: 'rsp' };
const WRITES_LAST = /^(mov|movl|movq|movabs|lea|add|sub|xor|and|or|imul|shl|shr|sar|movz\w*|movs\w*|cmov\w*|inc|dec|neg|not)\s/;

function reg64(name: string): string | null {
  if (/^r(ax|bx|cx|dx|si|di|bp|sp|8|9|1[0-5])$/.test(name)) return name;
  if (REG32[name]) return REG32[name];
  const m = /^(r(?:8|9|1[0-5]))d$/.exec(name);
  return m ? m[1] : null;
}

export function cpuQuestions(k: ModelKernel, op: OperationInfo, rng: Prng, kernel: KernelVersion): Candidate[] {
  const out: Candidate[] = [];
  for (const s of opSteps(k, op)) {
    if (s.block !== 'instructions' || s.span < 2) continue;
    const order = shuffled(
      rng,
      Array.from({ length: Math.min(s.span - 1, 400) }, (_, i) => i),
    );
    for (const j of order.slice(0, 60)) {
      const d = k.timeline.at(s.pos + j)?.item as InstructionDetail | null;
      const next = k.timeline.at(s.pos + j + 1)?.item as InstructionDetail | null;
      if (d?.kind !== 'instruction' || next?.kind !== 'instruction') continue;
      const where = d.where ?? d.rip;
      const call = /^call\s+(0x[0-9a-f]+)/.exec(d.text);
      if (call) {
        const target = sprintSymbol(k, BigInt(call[1]), s.pos + j);
        if (!target) continue;
        const name = symbolName(target);
        out.push({
          kind: 'cpu',
          key: `cpu:call@${d.rip}`,
          kernel,
          pos: s.pos + j + 1,
          step: stepRef(k, s.pos + j + 1),
          prompt: `At ${where} the CPU runs \`${d.text.replace(/\s+/g, ' ')}\`. Which function does this call land in?`,
          data: { rip: d.rip, instruction: d.text, target: call[1] },
          parts: [{ label: 'function', format: 'text', answer: name }],
          explanation: `The call's target ${call[1]} is ${target}${d.call ? `; the kernel's model ran: ${d.call}` : ''}.`,
        });
        continue;
      }
      const dst = /%(\w+)\s*$/.exec(d.text);
      const r = dst ? reg64(dst[1]) : null;
      if (!r || r === 'rsp' || !WRITES_LAST.test(d.text)) continue;
      const value = next.registers[r];
      if (!value) continue;
      out.push({
        kind: 'cpu',
        key: `cpu:${r}@${d.rip}`,
        kernel,
        pos: s.pos + j + 1,
        step: stepRef(k, s.pos + j + 1),
        prompt: `At ${where} the CPU runs \`${d.text.replace(/\s+/g, ' ')}\` with ${r} = ${shortHex(d.registers[r])}. What is in %${r} after it (hex)?`,
        data: { rip: d.rip, instruction: d.text, register: r, before: d.registers[r] },
        parts: [{ label: `%${r}`, format: 'number', answer: shortHex(value) }],
        explanation: `After the instruction %${r} = ${value}${dst && dst[1] !== r ? ` (a write to %${dst[1]} zero-extends into %${r})` : ''}.`,
      });
    }
  }
  return out;
}
