/**
 * The host-side x86-64 decoder for the engine's CPU model (engine/cpu): iced-x86 (WebAssembly) turned
 * into the engine's plain `Instruction` records. The engine never imports iced-x86 itself (it reads its
 * .wasm through fs); every host builds one of these and passes it in: Node and Electron main as is, the
 * browser worker with 'iced-x86' served by renderer/vite.iced.mjs. host-common/ is the code both hosts
 * share: it may import the engine and npm packages, never main/, renderer/, Electron or Node (lint).
 *
 * One iced Formatter is reused; each decode() makes (and frees) a short-lived iced Decoder over the
 * bytes it is given, since iced decoders own a copy of their input. The CPU caches decoded
 * instructions per address, so this runs once per distinct instruction executed.
 */
import {
  Decoder as IcedDecoder,
  DecoderOptions,
  FlowControl,
  Formatter,
  FormatterSyntax,
  MemorySizeExt,
  Mnemonic,
  OpKind,
  Register,
  RegisterExt,
  type Instruction as IcedInstruction,
} from 'iced-x86';
import type { Decoder, Instruction, Operand, RegName } from '../engine/cpu/index';

/** Register enum value → lower-case name as iced's formatter spells it (r8b, not r8l). */
const regNames = new Map<number, string>();
function regName(r: Register): RegName {
  let n = regNames.get(r);
  if (n === undefined) {
    n = (Register[r] ?? `reg${r}`).toLowerCase();
    const m = /^r(\d+)l$/.exec(n);
    if (m) n = `r${m[1]}b`;
    regNames.set(r, n);
  }
  return n;
}

const mnemonicNames = new Map<number, string>();
function mnemonicName(m: Mnemonic): string {
  let n = mnemonicNames.get(m);
  if (n === undefined) {
    n = (Mnemonic[m] ?? `mnemonic${m}`).toLowerCase();
    mnemonicNames.set(m, n);
  }
  return n;
}

function flowName(f: FlowControl): string {
  switch (f) {
    case FlowControl.Next:
    case FlowControl.XbeginXabortXend:
      return 'next';
    case FlowControl.UnconditionalBranch:
      return 'jmp';
    case FlowControl.IndirectBranch:
      return 'indirect-jmp';
    case FlowControl.ConditionalBranch:
      return 'jcc';
    case FlowControl.Return:
      return 'ret';
    case FlowControl.Call:
      return 'call';
    case FlowControl.IndirectCall:
      return 'indirect-call';
    case FlowControl.Interrupt:
      return 'interrupt';
    case FlowControl.Exception:
      return 'exception';
    default:
      return 'next';
  }
}

function immSize(k: OpKind, opSize: number): 1 | 2 | 4 | 8 {
  switch (k) {
    case OpKind.Immediate8:
    case OpKind.Immediate8_2nd:
      return 1;
    case OpKind.Immediate16:
    case OpKind.Immediate8to16:
      return 2;
    case OpKind.Immediate32:
      return 4;
    case OpKind.Immediate64:
      return 8;
    default:
      // Sign-extended forms (imm8to32, imm32to64…) take the size of the operation.
      return opSize === 1 || opSize === 2 || opSize === 4 || opSize === 8 ? opSize : 8;
  }
}

function regSize(r: Register): 1 | 2 | 4 | 8 | 16 {
  const s = RegisterExt.size(r);
  return s === 1 || s === 2 || s === 4 || s === 8 ? s : 16;
}

function segmentOf(ins: IcedInstruction): 'gs' | 'fs' | null {
  const s = ins.segmentPrefix !== Register.None ? ins.segmentPrefix : ins.memorySegment;
  return s === Register.GS ? 'gs' : s === Register.FS ? 'fs' : null;
}

function convert(ins: IcedInstruction, text: () => string): Instruction {
  const operands: Operand[] = [];
  const count = ins.opCount;
  const memSize = MemorySizeExt.size(ins.memorySize);
  // Operation size for sign-extended immediates: the first register/memory operand's size.
  let opSize = 0;
  for (let i = 0; i < count && opSize === 0; i++) {
    const k = ins.opKind(i);
    if (k === OpKind.Register) opSize = RegisterExt.size(ins.opRegister(i));
    else if (k === OpKind.Memory) opSize = memSize;
  }
  for (let i = 0; i < count; i++) {
    const k = ins.opKind(i);
    switch (k) {
      case OpKind.Register: {
        const r = ins.opRegister(i);
        operands.push({ kind: 'reg', reg: regName(r), size: regSize(r) });
        break;
      }
      case OpKind.NearBranch16:
      case OpKind.NearBranch32:
      case OpKind.NearBranch64:
        operands.push({ kind: 'branch', target: ins.nearBranchTarget });
        break;
      case OpKind.Immediate8:
      case OpKind.Immediate8_2nd:
      case OpKind.Immediate16:
      case OpKind.Immediate32:
      case OpKind.Immediate64:
      case OpKind.Immediate8to16:
      case OpKind.Immediate8to32:
      case OpKind.Immediate8to64:
      case OpKind.Immediate32to64:
        operands.push({ kind: 'imm', value: BigInt.asUintN(64, ins.immediate(i)), size: immSize(k, opSize) });
        break;
      case OpKind.Memory: {
        const rip = ins.isIpRelMemoryOperand;
        const base = ins.memoryBase;
        const index = ins.memoryIndex;
        const scale = ins.memoryIndexScale;
        operands.push({
          kind: 'mem',
          size: memSize,
          base: rip ? 'rip' : base === Register.None ? null : regName(base),
          index: index === Register.None ? null : regName(index),
          scale: scale === 2 || scale === 4 || scale === 8 ? scale : 1,
          disp: rip ? BigInt.asUintN(64, ins.ipRelMemoryAddress) : BigInt.asIntN(64, ins.memoryDisplacement),
          segment: segmentOf(ins),
          ripRelative: rip,
        });
        break;
      }
      // String instructions: [rsi] / es:[rdi] (32-bit address size: esi/edi).
      case OpKind.MemorySegRSI:
      case OpKind.MemorySegESI:
        operands.push({
          kind: 'mem',
          size: memSize,
          base: k === OpKind.MemorySegRSI ? 'rsi' : 'esi',
          index: null,
          scale: 1,
          disp: 0n,
          segment: segmentOf(ins),
          ripRelative: false,
        });
        break;
      case OpKind.MemoryESRDI:
      case OpKind.MemoryESEDI:
        operands.push({
          kind: 'mem',
          size: memSize,
          base: k === OpKind.MemoryESRDI ? 'rdi' : 'edi',
          index: null,
          scale: 1,
          disp: 0n,
          segment: null,
          ripRelative: false,
        });
        break;
      default:
        // Far branches, 16-bit string forms: not something 64-bit kernel code uses. Leave the
        // operand out; the CPU reports the instruction as unsupported if it needs it.
        break;
    }
  }
  const out = {
    ip: ins.ip,
    length: ins.length,
    mnemonic: mnemonicName(ins.mnemonic),
    operands,
    rep: ins.hasRepPrefix || ins.hasRepePrefix,
    repne: ins.hasRepnePrefix,
    lock: ins.hasLockPrefix,
    text: '',
    flow: flowName(ins.flowControl),
  };
  // The text is formatted when first read (most executed instructions are never shown): an own, enumerable
  // property, so spreading, JSON and structured clone see it as a plain string.
  let formatted: string | null = null;
  Object.defineProperty(out, 'text', {
    enumerable: true,
    configurable: true,
    get: () => (formatted ??= text()),
    set: (v: string) => {
      formatted = v;
    },
  });
  return out;
}

export interface IcedDecoderHandle extends Decoder {
  /** Free the wasm objects (the formatter); the handle must not be used afterwards. */
  dispose(): void;
}

/** A Decoder backed by iced-x86, formatting text like `objdump -d` (GNU assembler syntax). */
function gasFormatter(): Formatter {
  const formatter = new Formatter(FormatterSyntax.Gas);
  formatter.uppercaseHex = false;
  formatter.hexPrefix = '0x';
  formatter.hexSuffix = '';
  formatter.firstOperandCharIndex = 7;
  formatter.spaceAfterOperandSeparator = false;
  formatter.branchLeadingZeros = false;
  formatter.showBranchSize = false;
  formatter.gasShowMnemonicSizeSuffix = false;
  formatter.ripRelativeAddresses = true;
  return formatter;
}

/** Decode the instruction in `bytes` at ip and hand it to `use` (null when invalid); iced's objects are freed after. */
function withDecoded<T>(bytes: Uint8Array, ip: bigint, use: (ins: IcedInstruction | null) => T): T {
  const d = new IcedDecoder(64, bytes, DecoderOptions.None);
  try {
    d.ip = ip;
    const ins = d.decode();
    try {
      return use(ins.isInvalid ? null : ins);
    } finally {
      ins.free();
    }
  } finally {
    d.free();
  }
}

function gasText(formatter: Formatter, ins: IcedInstruction): string {
  const text = formatter.format(ins);
  // objdump adds the target of a rip-relative operand as a comment.
  return ins.isIpRelMemoryOperand ? `${text}        # 0x${BigInt.asUintN(64, ins.ipRelMemoryAddress).toString(16)}` : text;
}

export function createIcedDecoder(): IcedDecoderHandle {
  // Made on the first text read: building iced's formatter costs ~30 ms, and a load that prints no instruction needs none.
  let formatter: Formatter | null = null;
  let disposed = false;
  /** The text of an instruction decoded earlier: decoded again from its bytes (after dispose(), with a formatter of its own). */
  const textOf = (bytes: Uint8Array, ip: bigint): string =>
    withDecoded(bytes, ip, (ins) => {
      if (!ins) return '(bad)';
      if (!disposed) return gasText((formatter ??= gasFormatter()), ins);
      const f = gasFormatter();
      try {
        return gasText(f, ins);
      } finally {
        f.free();
      }
    });
  return {
    decode(bytes: Uint8Array, ip: bigint): Instruction | null {
      if (disposed) throw new Error('iced decoder disposed');
      if (bytes.length === 0) return null;
      return withDecoded(bytes, ip, (ins) => {
        if (!ins) return null;
        const own = bytes.slice(0, ins.length);
        return convert(ins, () => textOf(own, ip));
      });
    },
    dispose(): void {
      formatter?.free();
      formatter = null;
      disposed = true;
    },
  };
}
