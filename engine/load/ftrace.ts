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
import type { Allocation } from '../machine/memory';
import type { PlacedSection } from '../kernel/module-record';
import type { LoadInfo } from './context';
import { thousands } from '../base/thousands';
import { hx } from './step-text';

/** x86_nops[5] (arch/x86/include/asm/nops.h BYTES_NOP5): nopl 0x0(%rax,%rax,1). */
const NOP5 = Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00);
const FTRACE_FILE = 'kernel/trace/ftrace.c';

/**
 * The first placed section (in list order) holding ip, as `placed.find()` answers it: the section of the previous
 * answer is tried first (__mcount_loc lists a section's functions together), which is the same answer whenever no two
 * placed sections overlap; when some do, every lookup is the plain find.
 */
function sectionFinder(placed: readonly PlacedSection[]): (ip: bigint) => PlacedSection | undefined {
  const find = (ip: bigint): PlacedSection | undefined => placed.find((s) => ip >= s.address && ip < s.address + BigInt(s.size));
  const spans = placed.filter((s) => s.size > 0).sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  for (let i = 1; i < spans.length; i++) if (spans[i].address < spans[i - 1].address + BigInt(spans[i - 1].size)) return find;
  let last: PlacedSection | undefined;
  return (ip) => {
    if (last && ip >= last.address && ip < last.address + BigInt(last.size)) return last;
    const s = find(ip);
    if (s) last = s;
    return s;
  };
}

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
  const sectionOf = sectionFinder(info.placed);
  let patched = 0;
  // The allocation and the write's label of the last site: a module's sites lie in a few sections of core and
  // init, so both are looked up (and the label built) once per run of sites, not per site (amdgpu: ~15,000).
  let lastA: Allocation | null = null;
  let lastSec: PlacedSection | null = null;
  let what = '';
  for (let off = 0; off < table.length; off += 8) {
    const ip = view.getBigUint64(off, true);
    // ftrace_process_locs(): an entry whose function was discarded reads 0 and is skipped.
    if (ip === 0n) continue;
    const a: Allocation | null = lastA && ip >= lastA.base && ip + 5n <= lastA.base + BigInt(lastA.size) ? lastA : k.memory.live(ip, 5);
    const sec = sectionOf(ip);
    if (!a || !sec) {
      unexpected.push(ip);
      continue;
    }
    // ftrace_verify_code(): the bytes must be ftrace_call_replace(ip, MCOUNT_ADDR), e8 and rel32 to __fentry__.
    const at = Number(ip - a.base);
    const b = a.bytes;
    const rel = Number(BigInt.asUintN(32, fentry.address - (ip + 5n)));
    if (
      b[at] !== 0xe8 ||
      b[at + 1] !== (rel & 0xff) ||
      b[at + 2] !== ((rel >>> 8) & 0xff) ||
      b[at + 3] !== ((rel >>> 16) & 0xff) ||
      b[at + 4] !== rel >>> 24
    ) {
      unexpected.push(ip);
      continue;
    }
    if (sec !== lastSec) {
      lastSec = sec;
      what = `ftrace: call __fentry__ → nop (${sec.name})`;
    }
    lastA = a;
    k.memory.writeAt(a, at, NOP5, rec.pos, what);
    bySection.set(sec.name, (bySection.get(sec.name) ?? 0) + 1);
    patched++;
  }
  const where = [...bySection].map(([s, n]) => `${s} ${n}`).join(', ');
  const sites = `${thousands(patched)} call site${patched === 1 ? '' : 's'}`;
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
