/**
 * ftrace_module_init() (kernel/trace/ftrace.c, 6.1), called by load_module() after strndup_user() while the module
 * is still UNFORMED: every call site listed in __mcount_loc — the `call __fentry__` gcc puts at the start of each
 * function (Debian builds with CONFIG_FTRACE_MCOUNT_USE_CC and -mrecord-mcount, not -mnop-mcount, so
 * ftrace_need_init_nop() is true) — becomes a 5-byte NOP: ftrace_process_locs() → ftrace_update_code() →
 * ftrace_nop_initialize() → ftrace_make_nop(mod, rec, MCOUNT_ADDR) → ftrace_modify_code_direct()
 * (arch/x86/kernel/ftrace.c), which first checks the bytes are that call (ftrace_verify_code()) and then writes
 * x86_nops[5] with text_poke_early(): nothing runs the module's text yet. So when init runs, its functions start
 * with `nopl 0x0(%rax,%rax,1)`, not with a call: the call only comes back if a tracer is enabled on them.
 */
import type { LoadInfo } from './context';
import { hx } from './step-text';

/** x86_nops[5] (arch/x86/include/asm/nops.h BYTES_NOP5): nopl 0x0(%rax,%rax,1). */
const NOP5 = Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00);
const FTRACE_FILE = 'kernel/trace/ftrace.c';

/** ftrace_module_init(): the module's __fentry__ call sites made NOPs; a step when it has any. */
export function ftraceModuleInit(info: LoadInfo): void {
  const { k, rec } = info;
  const loc = info.placed.find((s) => s.name === '__mcount_loc');
  // mod->num_ftrace_callsites == 0: ftrace_module_init() returns at once.
  if (!loc || loc.nobits || loc.size < 8) return;
  const fentry = k.findSymbol('__fentry__', true);
  if (!fentry) return;
  const table = k.memory.read(loc.address, loc.size - (loc.size % 8));
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const bySection = new Map<string, number>();
  const unexpected: bigint[] = [];
  let patched = 0;
  for (let off = 0; off < table.length; off += 8) {
    const ip = view.getBigUint64(off, true);
    // ftrace_process_locs(): an entry whose function was discarded reads 0 and is skipped.
    if (ip === 0n) continue;
    const a = k.memory.live(ip, 5);
    const sec = info.placed.find((s) => ip >= s.address && ip < s.address + BigInt(s.size));
    if (!a || !sec) {
      unexpected.push(ip);
      continue;
    }
    // ftrace_verify_code(): the bytes must be ftrace_call_replace(ip, MCOUNT_ADDR), e8 and rel32 to __fentry__.
    const b = k.memory.read(ip, 5);
    const rel = BigInt.asUintN(32, fentry.address - (ip + 5n));
    const want = [0xe8, Number(rel & 0xffn), Number((rel >> 8n) & 0xffn), Number((rel >> 16n) & 0xffn), Number(rel >> 24n)];
    if (want.some((v, i) => b[i] !== v)) {
      unexpected.push(ip);
      continue;
    }
    k.memory.writeAt(a, Number(ip - a.base), NOP5, rec.pos, `ftrace: call __fentry__ → nop (${sec.name})`);
    bySection.set(sec.name, (bySection.get(sec.name) ?? 0) + 1);
    patched++;
  }
  const where = [...bySection].map(([s, n]) => `${s} ${n}`).join(', ');
  const sites = `${patched.toLocaleString('en-US')} call site${patched === 1 ? '' : 's'}`;
  rec.step({
    phase: 'finalize',
    fn: 'ftrace_module_init',
    file: FTRACE_FILE,
    title: `${sites} of __fentry__ made NOPs`,
    text:
      `ftrace reads __mcount_loc (${hx(loc.address)}, one address per traceable function) and turns each \`call __fentry__\` ` +
      `into a 5-byte NOP (0f 1f 44 00 00) before any of the code can run: ${where || 'none'}. ` +
      'A tracer enabled on one of these functions later writes the call back.' +
      (unexpected.length
        ? ` ${unexpected.length} listed address${unexpected.length === 1 ? ' does' : 'es do'} not hold that call (first ${hx(unexpected[0])}): ` +
          'the real kernel then prints an "ftrace bug" report, which Modscope does not model.'
        : ''),
  });
}
