#!/usr/bin/env node
// The kernel's built-in trusted keys, taken from Debian's vmlinux, written as engine/kernel/builtin-keys.ts.
//
// 6.1 builds certs/system_certificates.S: system_certificate_list = .incbin "certs/signing_key.x509"
// (the build-time key every Debian module is signed with, CONFIG_MODULE_SIG_ALL) followed by
// CONFIG_SYSTEM_TRUSTED_KEYS (empty on Debian 12). load_system_certificate_list() (certs/system_keyring.c)
// feeds it to x509_load_certificate_list(), which walks DER SEQUENCEs. vmlinux is stripped, so the list is
// found as the DER certificates (30 82 LL LL 30 82 …, the outer length covering tbs + algorithm + signature)
// inside .init.data, where __INITRODATA puts it.
//
// Usage: node scripts/kernel-profile/certificates.mjs [--release 6.1.0-50-amd64] [--check]
//   --check: exit 1 if engine/kernel/builtin-keys.ts differs from what vmlinux holds (no write).
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { findVmlinuz, extractVmlinux, sections } from './vmlinux.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');
const args = process.argv.slice(2);
const RELEASE = args.includes('--release') ? args[args.indexOf('--release') + 1] : '6.1.0-50-amd64';
const OUT = join(ROOT, 'engine', 'kernel', 'builtin-keys.ts');

/** Every DER X.509 certificate in `b` between `from` and `to`: SEQUENCE { SEQUENCE tbs, SEQUENCE alg, BIT STRING }. */
export function findCertificates(b, from, to) {
  const out = [];
  for (let at = from; at + 8 < to; at++) {
    if (b[at] !== 0x30 || b[at + 1] !== 0x82 || b[at + 4] !== 0x30 || b[at + 5] !== 0x82) continue;
    const len = b.readUInt16BE(at + 2) + 4;
    const tbsEnd = at + 4 + b.readUInt16BE(at + 6) + 4;
    if (at + len > to || tbsEnd >= at + len || b[tbsEnd] !== 0x30) continue;
    const algEnd = tbsEnd + 2 + b[tbsEnd + 1];
    if (b[algEnd] !== 0x03) continue;
    const bitsLen = b[algEnd + 1] === 0x82 ? b.readUInt16BE(algEnd + 2) + 4 : -1;
    if (algEnd + bitsLen !== at + len) continue;
    out.push({ offset: at, der: b.subarray(at, at + len) });
    at += len - 1;
  }
  return out;
}

export function render(certs, release) {
  const lines = [
    '/**',
    ` * The built-in trusted keys of Debian's ${release} kernel (system_certificate_list, certs/system_certificates.S),`,
    ' * generated from its vmlinux by `node scripts/kernel-profile/certificates.mjs` (do not edit;',
    ' * builtin-keys.test.ts checks it against vmlinux). Debian 12 sets CONFIG_SYSTEM_TRUSTED_KEYS="", so the list',
    ' * holds only the build-time key that signs every module (CONFIG_MODULE_SIG_ALL).',
    ' */',
    'export const BUILTIN_KEYS: readonly { readonly source: string; readonly sha256: string; readonly der: string }[] = [',
  ];
  for (const c of certs) {
    const hex = Buffer.from(c.der).toString('hex');
    lines.push('  {');
    lines.push(`    source: 'vmlinux .init.data, file offset 0x${c.offset.toString(16)}',`);
    lines.push(`    sha256: '${createHash('sha256').update(c.der).digest('hex')}',`);
    lines.push('    der:');
    const parts = hex.match(/.{1,128}/g);
    parts.forEach((p, i) => lines.push(`      '${p}'${i === parts.length - 1 ? ',' : ' +'}`));
    lines.push('  },');
  }
  lines.push('];', '');
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const vmlinux = extractVmlinux(findVmlinuz(RELEASE, CACHE), RELEASE, CACHE);
  const data = sections(vmlinux).get('.init.data');
  if (!data) throw new Error('vmlinux has no .init.data');
  const certs = findCertificates(vmlinux, data.offset, data.offset + data.size);
  if (!certs.length) throw new Error('no X.509 certificate in vmlinux .init.data');
  const text = render(certs, RELEASE);
  if (args.includes('--check')) {
    const same = readFileSync(OUT, 'utf8') === text;
    console.log(`${certs.length} certificate(s) in vmlinux; ${OUT}: ${same ? 'matches' : 'DIFFERS'}`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(OUT, text);
  console.log(`${certs.length} certificate(s) → ${OUT}`);
}
