/**
 * The CPU model against this machine's x86-64 CPU (engine/cpu/differential.test.ts).
 *
 * Cases: for every instruction form of the corpus's init/exit code (engine/cpu/testdata/corpus-forms.txt,
 * from scripts/cpu/corpus-forms.mjs) plus a few forms kernel code uses elsewhere (EXTRA_FORMS), seeded
 * random instances: the form's corpus encodings with random immediates, random registers and flags
 * (edge values mixed in), memory operands pointed into a data page (at random alignments; one instance in
 * twelve at an unmapped page instead, so faults are compared too), branches pointed at a landing pad.
 * Each case runs natively (testdata/differential-harness.c, built with gcc) and on the model (one
 * instruction through Interpreter.fetch + its handler); registers, rip, the six status flags and DF
 * (minus those the Intel SDM leaves undefined for the instruction), the data page and any fault compared.
 *
 * Not run natively (privileged, port I/O, or answering with host state the model deliberately does not
 * have): NATIVE_EXCLUDED. They are still required to be implemented (corpus-forms.test.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Code,
  Decoder,
  DecoderOptions,
  FlowControl,
  MemorySizeExt,
  Mnemonic,
  OpKind,
  Register,
  RegisterExt,
  type Instruction as IcedIns,
} from 'iced-x86';
import { GPR_NAMES } from '../../engine/cpu/cpu';
import { FlatMemory } from '../../engine/cpu/flat-memory';
import { AF, CF, DF, OF, PF, SF, STATUS, ZF } from '../../engine/cpu/flags';
import { Interpreter } from '../../engine/cpu/run';
import { CpuFault, type Decoder as CpuDecoder } from '../../engine/cpu/types';
import { ROOT } from './kernel';

export const CODE = 0x10000000n;
export const DATA = 0x20000000n;
export const DATA_SIZE = 4096;
const CODE_BYTES = 256;
/** The branch landing pad (path 2); the fall-through pad (path 1) follows the instruction. */
const PAD_B = 0x80;
const UNMAPPED = 0x30000000n;
const M64 = (1n << 64n) - 1n;

/** Instructions not executed natively: privileged, port I/O, or host state the model does not have. */
export const NATIVE_EXCLUDED = new Set([
  'in',
  'out',
  'insb',
  'insw',
  'insd',
  'outsb',
  'outsw',
  'outsd',
  'cli',
  'sti',
  'hlt',
  'clac',
  'stac',
  'sidt',
  'sgdt',
  'lidt',
  'lgdt',
  'wbinvd',
  'invd',
  'invlpg',
  'rdmsr',
  'wrmsr',
  'cpuid',
  'rdtsc',
  'rdtscp',
  'rdpmc',
  'xgetbv',
  'swapgs',
  'iretq',
  'sysretq',
  'int3',
  'int',
]);

/** Forms kernel code uses outside init/exit sections, or that the issue names (hex encodings). */
export const EXTRA_FORMS = [
  '9c',
  '669c',
  '9d',
  '669d',
  '666a05',
  '66683412',
  '6a80',
  '68785634f2',
  'c3',
  'c21000',
  'c9',
  '9e',
  '9f',
  '8f06',
  'ff36',
  '0fc70e',
  'f00fc70e',
  '480fc70e',
  'f0480fc70e',
  '0f38f006',
  '480f38f006',
  '660f38f006',
  '0f38f106',
  '480f38f106',
  '660f38f106',
  '0f4406',
  '480f4506',
  '0f4c06',
  '660f4206',
  '480f4f46f8',
  'f0480fb10e',
  '480fc10e',
  'f0480fc10e',
  '488706',
  '0fa3c8',
  '480fabc8',
  '0fbbc8',
  '48d1d0',
  '48d1d8',
  'c0d003',
  'c0d803',
  '48d3d0',
  '48d3d8',
  '66d3c0',
  'd2c8',
  '480fa4c803',
  '480facc803',
  '480fa5c8',
  '480fadc8',
  '660fa5c8',
  '48f7f1',
  '48f7f9',
  'f6f1',
  'f6f9',
  '48f7e1',
  '48f7e9',
  'f6e1',
  '480fafc1',
  '486bc105',
  '4869c178563412',
  'f30fb8c1',
  '480fbcc1',
  '480fbdc1',
  '480fc8',
  '0fc8',
  'f3a6',
  'f2ae',
  'a6',
  'ae',
  'ac',
  '48ad',
  'f348a5',
  'f348ab',
  'fd',
  'fc',
  'f5',
  'f8',
  'f9',
  '6698',
  '98',
  '4898',
  '6699',
  '99',
  '4899',
  'e302',
  '67e302',
  'e2fe',
  'e1fe',
  'e0fe',
  'd7',
];

interface Form {
  key: string;
  mnemonic: string;
  examples: Uint8Array[];
}

const fromHex = (h: string): Uint8Array => new Uint8Array(h.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);

export function loadForms(): Form[] {
  const text = readFileSync(join(ROOT, 'engine', 'cpu', 'testdata', 'corpus-forms.txt'), 'utf8');
  const forms: Form[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [key, mnemonic, , ex] = line.split('|');
    forms.push({ key, mnemonic, examples: ex.split(',').map(fromHex) });
  }
  // The SSE/SSE2 forms exec-sse.ts implements (kernel code reaches them from init: xor.ko, raid6_pq.ko).
  const sse = readFileSync(join(ROOT, 'engine', 'cpu', 'testdata', 'sse-forms.txt'), 'utf8');
  for (const line of sse.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [h, text] = line.split('|');
    forms.push({ key: `sse ${text}`, mnemonic: text.split(' ')[0], examples: [fromHex(h)] });
  }
  // The corpus's own encodings of those mnemonics in code its init/exit can reach (xor.ko, raid6_pq.ko, …).
  const implemented = new Set(forms.filter((f) => f.key.startsWith('sse ')).map((f) => f.mnemonic));
  const reach = readFileSync(join(ROOT, 'engine', 'cpu', 'testdata', 'reachable-vector-forms.txt'), 'utf8');
  for (const line of reach.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [key, mnemonic, , , ex] = line.split('|');
    if (implemented.has(mnemonic)) forms.push({ key: `reachable ${key}`, mnemonic, examples: ex.split(',').map(fromHex) });
  }
  for (const h of EXTRA_FORMS) {
    const ins = decodeAt(fromHex(h));
    if (!ins) continue;
    forms.push({ key: `extra ${Code[ins.code]} ${h}`, mnemonic: Mnemonic[ins.mnemonic].toLowerCase(), examples: [fromHex(h)] });
    ins.free();
  }
  return forms;
}

function decodeAt(bytes: Uint8Array): IcedIns | null {
  const d = new Decoder(64, bytes, DecoderOptions.None);
  d.ip = CODE;
  const ins = d.decode();
  d.free();
  if (ins.isInvalid) {
    ins.free();
    return null;
  }
  return ins;
}

/** A seeded PRNG (xorshift128+ over bigints kept to 64 bits). */
class Rng {
  private a: bigint;
  private b: bigint;
  constructor(seed: number) {
    this.a = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
    this.b = (this.a ^ 0xdeadbeefcafebaben) & M64;
    for (let i = 0; i < 8; i++) this.u64();
  }
  u64(): bigint {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= (s1 << 23n) & M64;
    this.b = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return (this.b + s0) & M64;
  }
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const EDGES = [
  0n,
  1n,
  2n,
  0x7fn,
  0x80n,
  0xffn,
  0x7fffn,
  0x8000n,
  0xffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  M64,
  M64 - 1n,
  0x10n,
  0xfn,
];

function value(r: Rng): bigint {
  const k = r.int(10);
  if (k < 3) return r.pick(EDGES);
  if (k < 4) return BigInt(r.int(64));
  if (k < 5) return (r.u64() & ~0xffffffffn) | (r.pick(EDGES) & 0xffffffffn);
  return r.u64();
}

export interface Case {
  form: string;
  mnemonic: string;
  text: string;
  code: Uint8Array;
  length: number;
  regs: bigint[];
  flags: number;
  gs: bigint;
  /** xmm0..xmm15, 16 bytes each. */
  xmm: Uint8Array;
  data: Uint8Array;
  /** Flags the SDM leaves undefined for this instance. */
  undefinedFlags: number;
}

function gprIndex(reg: Register): number {
  const full = RegisterExt.fullRegister(reg);
  return GPR_NAMES.indexOf(Register[full].toLowerCase() as (typeof GPR_NAMES)[number]);
}

function patch(code: Uint8Array, offset: number, size: number, v: bigint): void {
  for (let i = 0; i < size; i++) code[offset + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

function pad(code: Uint8Array, off: number, id: number): void {
  // movb $id, CODE+0xff0(%rip); jmp *CODE+0xff8(%rip)
  code.set([0xc6, 0x05], off);
  patch(code, off + 2, 4, BigInt(0xff0 - (off + 7)));
  code[off + 6] = id;
  code.set([0xff, 0x25], off + 7);
  patch(code, off + 9, 4, BigInt(0xff8 - (off + 13)));
}

function writeData(data: Uint8Array, address: bigint, v: bigint, size: number): void {
  const off = Number(address - DATA);
  if (off < 0 || off + size > DATA_SIZE) return;
  patch(data, off, size, v);
}

function readData(data: Uint8Array, address: bigint, size: number): bigint {
  const off = Number(address - DATA);
  let v = 0n;
  if (off < 0 || off + size > DATA_SIZE) return 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[off + i]);
  return v;
}

const SHIFTS = new Set(['shl', 'sal', 'shr', 'sar']);
const ROTATES = new Set(['rol', 'ror', 'rcl', 'rcr']);

/** Status flags the Intel SDM calls undefined for this instruction (count: the masked shift count). */
export function undefinedFlags(mnemonic: string, count: number): number {
  if (['and', 'or', 'xor', 'test'].includes(mnemonic)) return AF;
  if (mnemonic === 'mul' || mnemonic === 'imul') return SF | ZF | AF | PF;
  if (mnemonic === 'div' || mnemonic === 'idiv') return STATUS;
  if (SHIFTS.has(mnemonic) || mnemonic === 'shld' || mnemonic === 'shrd') return count === 0 ? 0 : AF | (count > 1 ? OF : 0);
  if (ROTATES.has(mnemonic)) return count === 1 ? 0 : OF;
  if (['bt', 'bts', 'btr', 'btc'].includes(mnemonic)) return OF | SF | AF | PF;
  if (mnemonic === 'bsf' || mnemonic === 'bsr') return CF | OF | SF | AF | PF;
  if (mnemonic === 'tzcnt' || mnemonic === 'lzcnt') return OF | SF | AF | PF;
  return 0;
}

/** One random instance of a form. */
function instance(form: Form, r: Rng, k: number): Case | null {
  const code = new Uint8Array(CODE_BYTES).fill(0xcc);
  const ex = form.examples[k % form.examples.length];
  code.set(ex);
  let ins = decodeAt(code.subarray(0, 15));
  if (!ins) return null;
  const len = ins.length;
  const next = CODE + BigInt(len);
  const mn = Mnemonic[ins.mnemonic].toLowerCase();
  const d0 = new Decoder(64, code.subarray(0, 15), DecoderOptions.None);
  d0.ip = CODE;
  const i0 = d0.decode();
  const co = d0.getConstantOffsets(i0);
  const branch =
    ins.flowControl === FlowControl.ConditionalBranch || ins.flowControl === FlowControl.UnconditionalBranch || ins.flowControl === FlowControl.Call;
  const direct = branch && ins.opCount > 0 && (ins.opKind(0) === OpKind.NearBranch64 || ins.opKind(0) === OpKind.NearBranch32);
  if (co.hasImmediate) {
    if (direct) patch(code, co.immediateOffset, co.immediateSize, BigInt(PAD_B) - BigInt(len));
    else if (mn !== 'enter') {
      let imm = value(r);
      if ((mn === 'shld' || mn === 'shrd') && RegisterExt.size(ins.op0Register) === 2) imm = BigInt(r.int(17));
      if (mn === 'ret') imm = BigInt(r.int(8) * 8);
      patch(code, co.immediateOffset, co.immediateSize, imm);
    }
  }
  const dispOff = co.displacementOffset;
  const dispSize = co.displacementSize;
  i0.free();
  d0.free();
  ins.free();
  ins = decodeAt(code.subarray(0, 15));
  if (!ins) return null;
  pad(code, len, 1);
  pad(code, PAD_B, 2);
  const padB = CODE + BigInt(PAD_B);

  const regs = GPR_NAMES.map(() => value(r));
  const xmm = new Uint8Array(256);
  for (let i = 0; i < 256; i += 8) patch(xmm, i, 8, value(r));
  regs[4] = DATA + 0x800n + BigInt(r.int(64) * 8);
  const data = new Uint8Array(DATA_SIZE);
  for (let i = 0; i < DATA_SIZE; i += 8) patch(data, i, 8, r.chance(0.2) ? r.pick(EDGES) : r.u64());
  let flags = 0x202 | (Number(r.u64() & 0xfffn) & STATUS);
  if (r.chance(0.2)) flags |= DF;
  // %gs base 0: sandboxes (gVisor, some seccomp profiles) refuse ARCH_SET_GS, so gs-relative addresses are linear ones.
  const gs = 0n;

  let memAddr: bigint | null = null;
  let memSize = 0;
  for (let i = 0; i < ins.opCount; i++) {
    const kind = ins.opKind(i);
    if (kind === OpKind.Memory) {
      memSize = MemorySizeExt.size(ins.memorySize);
      const fault = r.chance(1 / 12);
      let target = fault ? UNMAPPED + BigInt(r.int(0x1000)) : DATA + 0x400n + BigInt(r.int(0x800));
      const align = memSize > 1 ? (mn === 'cmpxchg16b' ? 16 : memSize) : 1;
      if (r.chance(0.6)) target &= ~BigInt(align - 1);
      const lin = (target - gs) & M64;
      const base = ins.memoryBase;
      const index = ins.memoryIndex;
      if (ins.isIpRelMemoryOperand) {
        patch(code, dispOff, 4, lin - next);
      } else if (base === Register.None && index === Register.None) {
        patch(code, dispOff, dispSize, lin);
      } else {
        const disp = BigInt.asIntN(64, ins.memoryDisplacement);
        const scale = BigInt(ins.memoryIndexScale);
        const bi = base === Register.None ? -1 : gprIndex(base);
        const xi = index === Register.None ? -1 : gprIndex(index);
        if (bi >= 0 && xi === bi) {
          const v = (lin - disp) / (1n + scale);
          regs[bi] = v & M64;
          target = (gs + disp + v * (1n + scale)) & M64;
        } else if (bi < 0) {
          const v = (lin - disp) / scale;
          regs[xi] = v & M64;
          target = (gs + disp + v * scale) & M64;
        } else {
          const iv = xi >= 0 ? BigInt(r.int(48) - 16) : 0n;
          if (xi >= 0) regs[xi] = iv & M64;
          regs[bi] = (lin - disp - iv * scale) & M64;
        }
      }
      memAddr = target;
      if (!fault && r.chance(0.3)) writeData(data, target, r.pick(EDGES), Math.min(memSize || 8, 8));
    } else if (kind === OpKind.MemorySegRSI || kind === OpKind.MemoryESRDI) {
      regs[6] = DATA + 0x300n + BigInt(r.int(0xa00));
      regs[7] = r.chance(0.3) ? regs[6] + BigInt(r.int(16) - 8) : DATA + 0x300n + BigInt(r.int(0xa00));
      if (ins.hasRepPrefix || ins.hasRepePrefix || ins.hasRepnePrefix) regs[1] = BigInt(r.int(41));
      if (r.chance(0.3)) data.copyWithin(Number(regs[7] - DATA), Number(regs[6] - DATA), Number(regs[6] - DATA) + 64);
    }
  }
  // Implicit operands and values that make the interesting outcome likely.
  const opSize = ins.opCount > 0 && ins.opKind(0) === OpKind.Register ? RegisterExt.size(ins.op0Register) : memSize;
  if (mn === 'ret') writeData(data, regs[4], padB, 8);
  if (mn === 'leave') {
    regs[5] = DATA + 0x800n + BigInt(r.int(64) * 8);
  }
  if (mn === 'popfq' || mn === 'popf') writeData(data, regs[4], BigInt(0x202 | (Number(r.u64() & 0xfffn) & (STATUS | DF))), mn === 'popf' ? 2 : 8);
  if (mn === 'xlatb') regs[3] = DATA + 0x400n + BigInt(r.int(0x400));
  if (ins.flowControl === FlowControl.IndirectBranch || ins.flowControl === FlowControl.IndirectCall) {
    if (ins.opKind(0) === OpKind.Register) regs[gprIndex(ins.op0Register)] = padB;
    else if (memAddr !== null) writeData(data, memAddr, padB, 8);
  }
  if (mn === 'loop' || mn === 'loope' || mn === 'loopne') regs[1] = BigInt(r.int(3));
  if (mn === 'jrcxz' || mn === 'jecxz') regs[1] = r.chance(0.5) ? 0n : regs[1] & (r.chance(0.5) ? 0xffffffff00000000n : M64);
  if (mn === 'div' || mn === 'idiv') {
    // Mostly dividends whose quotient fits (else #DE, which is compared too).
    if (r.chance(0.75)) {
      const n = BigInt(opSize * 8);
      const sign = mn === 'idiv' && r.chance(0.5);
      if (opSize === 1) regs[0] = (regs[0] & ~0xff00n) | (sign && regs[0] & 0x80n ? 0xff00n : 0n);
      else regs[2] = (regs[2] & ~((1n << n) - 1n)) | (sign && regs[0] & (1n << (n - 1n)) ? (1n << n) - 1n : 0n);
    }
  }
  if ((mn === 'cmpxchg' || mn === 'cmpxchg8b' || mn === 'cmpxchg16b') && r.chance(0.5)) {
    if (mn === 'cmpxchg') {
      const mask = (1n << BigInt(opSize * 8)) - 1n;
      const cur = ins.opKind(0) === OpKind.Register ? regs[gprIndex(ins.op0Register)] : memAddr !== null ? readData(data, memAddr, opSize) : 0n;
      regs[0] = (regs[0] & ~mask) | (cur & mask);
    } else if (memAddr !== null) {
      const half = mn === 'cmpxchg8b' ? 4 : 8;
      regs[0] = readData(data, memAddr, half) | (half === 4 ? regs[0] & ~0xffffffffn : 0n);
      regs[2] = readData(data, memAddr + BigInt(half), half) | (half === 4 ? regs[2] & ~0xffffffffn : 0n);
    }
  }
  if (['bt', 'bts', 'btr', 'btc'].includes(mn) && ins.opKind(0) !== OpKind.Register && ins.opKind(1) === OpKind.Register && r.chance(0.85)) {
    regs[gprIndex(ins.op1Register)] = BigInt.asUintN(64, BigInt(r.int(320) - 64));
  }
  if ((mn === 'shld' || mn === 'shrd') && opSize === 2 && ins.opCount === 3 && ins.opKind(2) === OpKind.Register) {
    regs[1] = (regs[1] & ~0xffn) | BigInt(r.int(17));
  }
  // The masked shift count decides which flags are defined.
  let count = 0;
  if (SHIFTS.has(mn) || ROTATES.has(mn) || mn === 'shld' || mn === 'shrd') {
    const last = ins.opCount - 1;
    const raw = ins.opCount === 1 ? 1 : ins.opKind(last) === OpKind.Register ? Number(regs[1] & 0xffn) : Number(ins.immediate(last) & 0xffn);
    count = raw & (opSize === 8 ? 0x3f : 0x1f);
  }
  const text = formatText(ins);
  ins.free();
  return { form: form.key, mnemonic: mn, text, code, length: len, regs, flags, gs, xmm, data, undefinedFlags: undefinedFlags(mn, count) };
}

function formatText(ins: IcedIns): string {
  return `${Mnemonic[ins.mnemonic].toLowerCase()} (${Code[ins.code]})`;
}

/** Every case: `perForm` instances of each form (seeded), minus the natively excluded mnemonics. */
export function generateCases(seed: number, perForm: number): { cases: Case[]; excluded: string[] } {
  const r = new Rng(seed);
  const cases: Case[] = [];
  const excluded: string[] = [];
  for (const f of loadForms()) {
    if (NATIVE_EXCLUDED.has(f.mnemonic)) {
      excluded.push(f.key);
      continue;
    }
    for (let k = 0; k < perForm; k++) {
      const c = instance(f, r, k);
      if (c) cases.push(c);
    }
  }
  return { cases, excluded };
}

// ---- native ------------------------------------------------------------------------------------

const XMM_BYTES = 256;
const IN_SIZE = CODE_BYTES + 16 * 8 + 8 + 8 + XMM_BYTES + DATA_SIZE;
const OUT_SIZE = 16 * 8 + 8 * 5 + XMM_BYTES + DATA_SIZE;

export interface Outcome {
  regs: bigint[];
  rip: bigint;
  flags: number;
  xmm: Uint8Array;
  /** 'SIGSEGV' … or a CpuFault kind; null when the instruction completed. */
  fault: string | null;
  data: Uint8Array;
  note?: string;
}

/** Build the harness with gcc; throws naming gcc when it is missing. */
export function buildHarness(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modscope-cpu-'));
  const exe = join(dir, 'harness');
  const src = join(ROOT, 'engine', 'cpu', 'testdata', 'differential-harness.c');
  const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('gcc is required to build engine/cpu/testdata/differential-harness.c (apt-get install gcc)');
  execFileSync('gcc', ['-O1', '-o', exe, src], { stdio: 'pipe' });
  return exe;
}

const SIGNALS: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' };

export function runNative(exe: string, cases: Case[]): Outcome[] {
  const input = Buffer.alloc(IN_SIZE * cases.length);
  cases.forEach((c, i) => {
    const o = i * IN_SIZE;
    input.set(c.code, o);
    c.regs.forEach((v, j) => input.writeBigUInt64LE(v, o + CODE_BYTES + j * 8));
    input.writeBigUInt64LE(BigInt(c.flags), o + CODE_BYTES + 128);
    input.writeBigUInt64LE(c.gs, o + CODE_BYTES + 136);
    input.set(c.xmm, o + CODE_BYTES + 144);
    input.set(c.data, o + CODE_BYTES + 144 + XMM_BYTES);
  });
  const r = spawnSync(exe, [], { input, maxBuffer: OUT_SIZE * cases.length + 1024 });
  if (r.status !== 0) throw new Error(`differential harness exited ${r.status} ${r.signal ?? ''}: ${r.stderr?.toString()}`);
  const out = r.stdout;
  if (out.length !== OUT_SIZE * cases.length) throw new Error(`differential harness wrote ${out.length} bytes, expected ${OUT_SIZE * cases.length}`);
  return cases.map((c, i) => {
    const o = i * OUT_SIZE;
    const regs = GPR_NAMES.map((_, j) => out.readBigUInt64LE(o + j * 8));
    const flags = Number(out.readBigUInt64LE(o + 128) & 0xfffn);
    const faultRip = out.readBigUInt64LE(o + 136);
    const signo = Number(out.readBigUInt64LE(o + 144));
    const path = Number(out.readBigUInt64LE(o + 160));
    const rip = signo ? faultRip : path === 1 ? CODE + BigInt(c.length) : path === 2 ? CODE + BigInt(PAD_B) : -1n;
    return {
      regs,
      rip,
      flags,
      fault: signo ? (SIGNALS[signo] ?? `signal ${signo}`) : null,
      xmm: new Uint8Array(out.subarray(o + 168, o + 168 + XMM_BYTES)),
      data: new Uint8Array(out.subarray(o + 168 + XMM_BYTES, o + 168 + XMM_BYTES + DATA_SIZE)),
    };
  });
}

// ---- the model --------------------------------------------------------------------------------

export function runModel(decoder: CpuDecoder, c: Case): Outcome {
  const mem = new FlatMemory();
  const code = new Uint8Array(4096).fill(0xcc);
  code.set(c.code);
  mem.map('code', CODE, code, { write: true, exec: true });
  const data = c.data.slice();
  mem.map('data', DATA, data);
  const it = new Interpreter(decoder, mem);
  const cpu = it.cpu;
  c.regs.forEach((v, i) => (cpu.gpr[i] = v));
  cpu.rflags = BigInt(c.flags);
  cpu.gsBase = c.gs;
  cpu.xmm.set(c.xmm);
  cpu.rip = CODE;
  let fault: string | null = null;
  let note: string | undefined;
  try {
    const op = it.fetch(CODE);
    cpu.rip = op.next;
    op.fn(cpu, op);
    if (cpu.stop) note = `stopped: ${cpu.stop.kind === 'unsupported' ? cpu.stop.why : cpu.stop.text}`;
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    fault = e.kind;
    cpu.rip = CODE;
  }
  return { regs: [...cpu.gpr], rip: cpu.rip, flags: cpu.flags | 0x202, xmm: cpu.xmm.slice(), fault, data, note };
}

const FAULT_CLASS: Record<string, string> = {
  SIGSEGV: 'memory',
  SIGBUS: 'memory',
  'not-present': 'memory',
  'read-only': 'memory',
  'general-protection': 'memory',
  'stack-overflow': 'memory',
  SIGFPE: 'divide',
  'divide-error': 'divide',
  SIGILL: 'invalid',
  'invalid-opcode': 'invalid',
};

/** Differences between the native and the model outcome (empty: they agree). */
export function compare(c: Case, native: Outcome, model: Outcome): string[] {
  const diffs: string[] = [];
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  if (model.note) diffs.push(model.note);
  if (native.fault !== null || model.fault !== null) {
    const a = native.fault === null ? 'none' : (FAULT_CLASS[native.fault] ?? native.fault);
    const b = model.fault === null ? 'none' : (FAULT_CLASS[model.fault] ?? model.fault);
    if (a !== b) diffs.push(`fault: cpu ${native.fault ?? 'none'}, model ${model.fault ?? 'none'}`);
  }
  if (native.rip !== model.rip) diffs.push(`rip: cpu ${hex(native.rip)}, model ${hex(model.rip)}`);
  GPR_NAMES.forEach((n, i) => {
    if (native.regs[i] !== model.regs[i]) diffs.push(`${n}: cpu ${hex(native.regs[i])}, model ${hex(model.regs[i])}`);
  });
  for (let i = 0; i < 16; i++) {
    const a = Buffer.from(native.xmm.subarray(16 * i, 16 * i + 16)).toString('hex');
    const b = Buffer.from(model.xmm.subarray(16 * i, 16 * i + 16)).toString('hex');
    if (a !== b) diffs.push(`xmm${i} (bytes from 0): cpu ${a}, model ${b}`);
  }
  const mask = (STATUS | DF) & ~c.undefinedFlags;
  if ((native.flags & mask) !== (model.flags & mask))
    diffs.push(`flags: cpu 0x${(native.flags & mask).toString(16)}, model 0x${(model.flags & mask).toString(16)} (compared 0x${mask.toString(16)})`);
  for (let i = 0; i < DATA_SIZE; i++) {
    if (native.data[i] !== model.data[i]) {
      diffs.push(`memory at ${hex(DATA + BigInt(i))}: cpu 0x${native.data[i].toString(16)}, model 0x${model.data[i].toString(16)}`);
      break;
    }
  }
  return diffs;
}

export function describeCase(c: Case): string {
  const hex = Buffer.from(c.code.subarray(0, c.length)).toString('hex');
  return `${c.form} [${hex}] rax..r15=${c.regs.map((v) => v.toString(16)).join(',')} flags=0x${c.flags.toString(16)} gs=0x${c.gs.toString(16)}`;
}
