/**
 * The disassembly around an instruction, as `objdump -d` shows it: decoded from the modelled memory at
 * a timeline position (relocations applied, init memory alive while init runs), starting at the
 * start of the function that contains rip so instruction boundaries are the real ones, with call/jmp
 * targets and rip-relative operands named (`call 0xffffffff81… <_printk>`).
 */
import { sprintModuleSymbol } from '../kernel/module-symbol';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule, PlacedSection } from '../kernel/module-record';
import { KERNEL_IMAGE_BASE } from '../kernel/profile';
import { hex64 } from '../base/hex';
import type { DisasmRow } from '../trace/types';
import type { Decoder, Instruction } from './types';
import { kallsymsHolding, symtabAround } from './module-symbol-index';

/** Bytes decoded before rip when the function is larger (then decoding starts at rip). */
const MAX_LEAD = 8192;
const MAX_INSN = 15;

interface Placed {
  mod: LoadedModule;
  section: PlacedSection;
}

/** The section of a module loaded at pos (or, without pos, loaded now or before) that holds a. */
function placedAt(k: ModelKernel, a: bigint, pos?: number): Placed | null {
  const mods = pos === undefined ? [...k.modules, ...k.formerModules.map((f) => f.mod).reverse()] : k.modulesAt(pos);
  for (const mod of mods) {
    for (const section of mod.allSections) {
      if (section.size > 0 && a >= section.address && a < section.address + BigInt(section.size)) return { mod, section };
    }
  }
  return null;
}

/** The named symbol of the module covering a, within a's section: kallsyms (with sizes) first, then .symtab. */
function moduleSymbol(p: Placed, a: bigint): { name: string; start: bigint; end: bigint } | null {
  const sEnd = p.section.address + BigInt(p.section.size);
  const s = kallsymsHolding(p.mod.kallsyms, a, p.section.address);
  if (s) return { name: s.name, start: s.address, end: s.size > 0n && s.address + s.size <= sEnd ? s.address + s.size : sEnd };
  const { best, next } = symtabAround(p.mod.symbolTable, a, p.section.address, sEnd);
  return best ? { name: best.name, start: best.value, end: next } : null;
}

/** The function containing a: its start and end (end of section when its size is unknown). */
export function functionAt(k: ModelKernel, a: bigint, pos?: number): { name: string | null; start: bigint; end: bigint } | null {
  const p = placedAt(k, a, pos);
  if (!p) return null;
  const sym = moduleSymbol(p, a);
  const sEnd = p.section.address + BigInt(p.section.size);
  return sym ? { name: sym.name, start: sym.start, end: sEnd } : { name: null, start: p.section.address, end: sEnd };
}

/** sprint_symbol() for a module address: "hello_init+0x1c/0x58 [hello]"; the kernel's "name+0xoff" otherwise. */
export function sprintSymbol(k: ModelKernel, a: bigint, pos: number): string | null {
  const p = placedAt(k, a, pos);
  const s = p ? sprintModuleSymbol(p.mod, a) : null;
  return s ?? symbolAt(k, a, pos);
}

/** The C string at a (as C writes it: "\x016Hello, %s\n"), null when not mapped. */
function cString(k: ModelKernel, a: bigint, pos: number): string | null {
  const bytes = k.memory.windowAt(a, 48, pos + 1);
  let s = '';
  for (const b of bytes) {
    if (b === null) return null;
    if (b === 0) return `"${s}"`;
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else if (b === 10) s += '\\n';
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${s}…"`;
}

/**
 * An address as objdump names it: "hello_init+0x1c", ".rodata.str1.1+0x8" (with the string when it
 * is one), "_printk" for a vmlinux function (KASLR slide removed to look it up), null elsewhere.
 */
export function symbolAt(k: ModelKernel, a: bigint, pos: number): string | null {
  const p = placedAt(k, a, pos);
  const off = (start: bigint): string => (a === start ? '' : `+0x${(a - start).toString(16)}`);
  if (p) {
    const sym = moduleSymbol(p, a);
    if (sym) return sym.name + off(sym.start);
    const name = p.section.name + off(p.section.address);
    const str = p.section.name.startsWith('.rodata.str') ? cString(k, a, pos) : null;
    return str ? `${name} ${str}` : name;
  }
  if (a >= KERNEL_IMAGE_BASE + k.as.kernelSlide && a < k.modulesArea.start) return k.profile.symbolize(a - k.as.kernelSlide)?.text ?? null;
  return null;
}

function bytesOf(window: (number | null)[], from: number): Uint8Array {
  const out: number[] = [];
  for (let i = from; i < window.length && i < from + MAX_INSN; i++) {
    const b = window[i];
    if (b === null) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * One disassembled instruction, objdump-style, with its target named: a branch target, a RIP-relative
 * operand, or an immediate that is an address — by default only a module address (a printk string, a
 * struct); with anyImmediate, any address symbolAt() can name (a patched R_X86_64_32S/64 operand).
 */
export function disasmRow(
  k: ModelKernel,
  ins: Instruction,
  raw: Uint8Array,
  pos: number,
  opts: { current: boolean; label: string | null; anyImmediate?: boolean },
): DisasmRow {
  let text = ins.text;
  let target: DisasmRow['target'] = null;
  const branch = ins.operands.find((o) => o.kind === 'branch');
  const mem = ins.operands.find((o) => o.kind === 'mem' && o.ripRelative);
  if (branch?.kind === 'branch') {
    const symbol = symbolAt(k, branch.target, pos);
    target = { address: hex64(branch.target), symbol };
    const t = `0x${branch.target.toString(16)}`;
    if (symbol && text.includes(t)) text = text.replace(t, `${t} <${symbol}>`);
  } else if (mem?.kind === 'mem') {
    const symbol = symbolAt(k, mem.disp, pos);
    target = { address: hex64(mem.disp), symbol };
    if (symbol) text += ` <${symbol}>`;
  } else {
    const imm = ins.operands.find((o) => o.kind === 'imm' && o.size >= 4 && (opts.anyImmediate || placedAt(k, BigInt.asUintN(64, o.value), pos)));
    if (imm?.kind === 'imm') {
      const a = BigInt.asUintN(64, imm.value);
      const symbol = symbolAt(k, a, pos);
      if (symbol || !opts.anyImmediate) target = { address: hex64(a), symbol };
      if (symbol) text += `        # <${symbol}>`;
    }
  }
  return {
    address: hex64(ins.ip),
    bytes: Array.from(raw.subarray(0, ins.length), (b) => b.toString(16).padStart(2, '0')).join(' '),
    text,
    current: opts.current,
    label: opts.label,
    target,
  };
}

/**
 * About `before` instructions before rip and `after` after it, decoded from the memory at `pos`.
 * Decoding stops at the end of rip's section or at bytes that are not mapped or not an instruction.
 */
export function disasmWindow(k: ModelKernel, decoder: Decoder, rip: bigint, pos: number, before = 6, after = 10): DisasmRow[] {
  const fn = functionAt(k, rip, pos);
  if (!fn) return [];
  let start = fn.start;
  if (rip - start > BigInt(MAX_LEAD)) start = rip;
  const end = rip + BigInt((after + 1) * MAX_INSN) < fn.end ? rip + BigInt((after + 1) * MAX_INSN) : fn.end;
  const length = Number(end - start);
  const window = k.memory.windowAt(start, length, pos + 1, k.timeline.foreignWrites(start, length));
  const labels = new Map<bigint, string>();
  const p = placedAt(k, rip, pos);
  for (const s of p?.mod.kallsyms ?? []) if (s.name && s.address >= start && s.address < end) labels.set(s.address, s.name);
  if (fn.name) labels.set(fn.start, fn.name);

  const decodeFrom = (from: bigint): DisasmRow[] => {
    const rows: DisasmRow[] = [];
    let afterCount = -1;
    for (let ip = from; ip < end && afterCount < after;) {
      const raw = bytesOf(window, Number(ip - start));
      const ins = raw.length ? decoder.decode(raw, ip) : null;
      if (!ins || ins.length > raw.length) break;
      rows.push(disasmRow(k, ins, raw, pos, { current: ins.ip === rip, label: labels.get(ip) ?? null }));
      if (afterCount >= 0 || ins.ip === rip) afterCount++;
      // Passing rip without landing on it: the boundaries before were wrong.
      if (afterCount < 0 && ip < rip && ip + BigInt(ins.length) > rip) return [];
      ip += BigInt(ins.length);
    }
    return rows;
  };
  let rows = decodeFrom(start);
  if (!rows.some((r) => r.current)) rows = decodeFrom(rip);
  const at = rows.findIndex((r) => r.current);
  return at < 0 ? rows.slice(0, after + 1) : rows.slice(Math.max(0, at - before));
}
