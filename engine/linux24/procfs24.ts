/**
 * /proc/modules and /proc/ksyms of 2.4 (kernel/module.c get_module_list, s_show), and lsmod, which in
 * modutils 2.4 printed /proc/modules under a header.
 */
import type { Kernel24 } from './kernel24';
import { MOD_AUTOCLEAN, MOD_DELETED, MOD_INITIALIZING, MOD_RUNNING, MOD_USED_ONCE } from './struct-module';

/** get_module_list(): "%-20s%8lu" name and size, "%4ld" usecount when RUNNING, the state words, " [refs]". */
export function procModules24(K: Kernel24): string {
  let out = '';
  for (const m of K.modules) {
    let line = m.name.padEnd(20) + String(m.size).padStart(8);
    if (m.flags & MOD_RUNNING) line += String(m.usecount).padStart(4);
    if (m.flags & MOD_RUNNING) {
      if (m.flags & MOD_DELETED) line += ' (deleted)';
      else if (m.flags & MOD_AUTOCLEAN) line += ' (autoclean)';
      // "(unused)": nothing ever used it (no MOD_INC_USE_COUNT, no dependent module): !MOD_USED_ONCE.
      if (!(m.flags & MOD_USED_ONCE)) line += ' (unused)';
    } else if (m.flags & MOD_INITIALIZING) line += ' (initializing)';
    else line += ' (uninitialized)';
    if (m.refs.length) line += ` [${m.refs.join(' ')}]`;
    out += line + '\n';
  }
  return out;
}

/** /proc/ksyms: modules' symbols ("%0*lx %s\t[%s]"), then the kernel's ("%0*lx %s"), 16 hex digits on x86-64. */
export function procKsyms24(K: Kernel24): string {
  const h = (v: bigint): string => v.toString(16).padStart(16, '0');
  let out = '';
  for (const m of K.modules) {
    if (!(m.flags & MOD_RUNNING) || m.flags & MOD_DELETED) continue;
    for (const s of m.syms) out += `${h(s.value)} ${s.name}\t[${m.name}]\n`;
  }
  for (const s of K.kernelSymbols()) out += `${h(s.value)} ${s.name}\n`;
  return out;
}

/** modutils 2.4 lsmod: a header, then /proc/modules as is. */
export function lsmod24(K: Kernel24): string {
  const rows = procModules24(K)
    .split('\n')
    .filter((l) => l)
    .map((l) => {
      const name = l.slice(0, 20).trimEnd();
      const rest = l.slice(20).trim().split(/\s+/);
      const refs = /\[(.*)\]/.exec(l)?.[1] ?? '';
      const flags = l.includes('(') ? l.slice(l.indexOf('('), l.includes('[') ? l.indexOf('[') : undefined).trim() : '';
      return (
        `${name.padEnd(20)}${rest[0].padStart(8)}${(/^-?\d+$/.test(rest[1] ?? '') ? rest[1] : '').padStart(4)}  ` +
        `${[flags, refs ? `[${refs}]` : ''].filter((x) => x).join(' ')}`.trimEnd()
      );
    });
  return (
    [
      `Module                  Size  Used by    ${K.tainted ? 'Tainted: ' + (K.tainted & 1 ? 'P' : 'G') + (K.tainted & 2 ? 'F' : '') : 'Not tainted'}`,
      ...rows,
    ].join('\n') + '\n'
  );
}
