/**
 * post_relocation() → module_finalize() (arch/x86/kernel/module.c, 6.1): the x86 fix-ups that patch
 * the relocated code in place. Modscope names each one with this module's real counts; the patching
 * itself (which depends on the CPU's features) is not modelled byte by byte.
 */
import type { ElfFile } from '../elf/types';

const FIXUPS: [string, number, string][] = [
  ['.parainstructions', 16, 'paravirt call sites patched for bare metal (apply_paravirt)'],
  ['.retpoline_sites', 4, 'indirect calls rewritten for the Spectre v2 mitigation in use (apply_retpolines)'],
  ['.return_sites', 4, 'returns pointed at the return thunk (apply_returns)'],
  ['.altinstructions', 12, 'alternative instructions chosen for this CPU (apply_alternatives)'],
  ['.ibt_endbr_seal', 4, 'unused ENDBR64 instructions sealed (apply_ibt_endbr)'],
  ['.smp_locks', 4, 'LOCK prefixes registered for SMP (alternatives_smp_module_add)'],
  ['.orc_unwind_ip', 4, 'ORC unwind tables sorted and registered (unwind_module_init)'],
  ['__ex_table', 12, 'exception table sorted (module_sort_extable)'],
  ['__jump_table', 16, 'static keys registered'],
  ['.static_call_sites', 8, 'static calls registered'],
  ['__mcount_loc', 8, 'ftrace call sites recorded (ftrace_module_init)'],
];

export function finalizeSummary(elf: ElfFile): string {
  const parts: string[] = [];
  for (const [name, entsize, what] of FIXUPS) {
    const s = elf.sections.find((x) => x.name === name);
    if (s && s.size) parts.push(`${name}: ${Math.floor(s.size / entsize).toLocaleString('en-US')} entries, ${what}`);
  }
  return parts.length
    ? `module_finalize(): ${parts.join('; ')}. (Shown for what they are; Modscope does not patch these bytes.)`
    : 'module_finalize() has nothing to patch.';
}
