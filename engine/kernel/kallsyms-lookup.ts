/**
 * kallsyms questions asked of a booted model kernel: kallsyms_lookup_name(), the address checks of
 * register_kprobe(), sprint_symbol() for vmlinux addresses and the vmlinux part of /proc/kallsyms.
 * vmlinux symbols come from the profile's kallsyms table (link-time, slid by this boot's KASLR
 * offset); without one, from the exports alone.
 */
import type { ModelKernel } from './model';

const px = (v: bigint): string => v.toString(16).padStart(16, '0');

/** Where vmlinux symbol `index` of the kallsyms table is in this boot. */
function slid(k: ModelKernel, index: number): bigint {
  const t = k.profile.kallsyms;
  if (!t) return 0n;
  return t.slides(index) ? t.addresses[index] + k.as.kernelSlide : t.addresses[index];
}

/**
 * kallsyms_lookup_name() (kernel/kallsyms.c, 6.1): vmlinux's symbols in table order, then
 * module_kallsyms_lookup_name() over the modules (not UNFORMED) and their kallsyms. null: not found.
 */
export function kallsymsLookupName(k: ModelKernel, name: string): bigint | null {
  const t = k.profile.kallsyms;
  if (t) {
    const i = t.indexOf(name);
    if (i >= 0) return slid(k, i);
  } else {
    const e = k.profile.lookup(name);
    if (e && e.module === 'vmlinux') return k.vmlinuxAddress(e);
  }
  for (const m of k.modules) {
    if (m.state === 'UNFORMED') continue;
    const s = m.kallsyms.find((x) => x.name === name);
    if (s) return s.address;
  }
  return null;
}

/**
 * check_kprobe_address_safe() (kernel/kprobes.c): why a probe at `address` is refused with -EINVAL,
 * or null when it may be placed. It must be kernel text (kernel_text_address(): vmlinux's
 * [_stext, _etext) or init text, or a module's text) and not in the kprobe blacklist
 * (within_kprobe_blacklist(): NOKPROBE_SYMBOL, __kprobes, the entry code…).
 */
export function kprobeAddressProblem(k: ModelKernel, address: bigint): string | null {
  const t = k.profile.kallsyms;
  const link = address - k.as.kernelSlide;
  if (t && t.isText(link)) {
    const h = t.find(link);
    if (h && t.kprobeBlacklist.has(h.name)) return `${h.name} is in the kprobe blacklist`;
    return null;
  }
  for (const m of k.modules) {
    const sec = m.allSections.find((s) => s.group === 'text' && s.size > 0 && address >= s.address && address < s.address + BigInt(s.size));
    if (sec) return null;
  }
  if (!t) return null; // no kallsyms table: the model cannot tell, so it lets the probe through
  return `0x${px(address)} is not kernel text`;
}

/** sprint_symbol() for a vmlinux address of this boot: "name+0xoff/0xsize" (null outside vmlinux). */
export function sprintVmlinuxSymbol(k: ModelKernel, address: bigint): string | null {
  const v = k.profile.symbolize(address - k.as.kernelSlide);
  return v ? v.sprint : null;
}

/**
 * The vmlinux lines of /proc/kallsyms, "%px %c %s\n" (s_show() in kernel/kallsyms.c), in table
 * order; addresses are zeros when kallsyms_show_value() says no. '' without a kallsyms table.
 */
export function procKallsymsVmlinux(k: ModelKernel, showAddresses: boolean): string {
  const t = k.profile.kallsyms;
  if (!t) return '';
  const lines: string[] = new Array<string>(t.count);
  const zero = px(0n);
  for (let i = 0; i < t.count; i++) lines[i] = `${showAddresses ? px(slid(k, i)) : zero} ${t.types[i]} ${t.names[i]}`;
  return t.count ? lines.join('\n') + '\n' : '';
}
