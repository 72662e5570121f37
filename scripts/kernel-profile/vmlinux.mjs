// The Debian kernel image's vmlinux, shared by generate.mjs (the kernel profile) and
// certificates.mjs (the built-in trusted keys): find boot/vmlinuz-<rel>, decompress it, read its sections.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const log = (...a) => console.error('[vmlinux]', ...a);
const die = (msg) => {
  throw new Error(`vmlinux: ${msg}`);
};

export function findVmlinuz(RELEASE, CACHE) {
  const WORK = join(CACHE, 'kernel-profile');
  const inCorpus = join(CACHE, 'corpus', 'boot', `vmlinuz-${RELEASE}`);
  if (existsSync(inCorpus)) return inCorpus;
  mkdirSync(WORK, { recursive: true });
  const cached = join(WORK, `vmlinuz-${RELEASE}`);
  if (existsSync(cached)) return cached;
  const debs = existsSync(CACHE)
    ? readdirSync(CACHE)
        .filter((f) => f.startsWith(`linux-image-${RELEASE}-unsigned_`) && f.endsWith('.deb'))
        .sort()
    : [];
  if (!debs.length) die(`no vmlinuz: neither ${inCorpus} nor $CACHE/linux-image-${RELEASE}-unsigned_*.deb (run scripts/fetch-corpus.sh)`);
  const deb = join(CACHE, debs[debs.length - 1]);
  log(`extracting boot/vmlinuz-${RELEASE} from ${deb}`);
  const r = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO "./boot/vmlinuz-${RELEASE}"`, 'sh', deb], {
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0 || !r.stdout.length) die(`dpkg-deb/tar failed: ${r.stderr}`);
  writeFileSync(`${cached}.tmp`, r.stdout);
  renameSync(`${cached}.tmp`, cached);
  return cached;
}

/** Decompress the xz stream embedded in the bzImage (like scripts/extract-vmlinux). */
export function extractVmlinux(vmlinuzPath, RELEASE, CACHE) {
  const WORK = join(CACHE, 'kernel-profile');
  const cached = join(WORK, `vmlinux-${RELEASE}`);
  mkdirSync(WORK, { recursive: true });
  if (existsSync(cached)) {
    const b = readFileSync(cached);
    if (elfComplete(b)) return b;
  }
  const z = readFileSync(vmlinuzPath);
  const magic = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  for (let at = z.indexOf(magic); at >= 0; at = z.indexOf(magic, at + 1)) {
    // xz complains about the trailing bzImage bytes after the stream ("corrupt"): ignore the
    // exit status like extract-vmlinux does, and accept the output only if it is a whole ELF.
    const r = spawnSync('xz', ['-dc'], { input: z.subarray(at), maxBuffer: 1 << 30 });
    if (r.stdout && elfComplete(r.stdout)) {
      log(`vmlinux: xz stream at 0x${at.toString(16)} of vmlinuz, ${r.stdout.length} bytes`);
      writeFileSync(`${cached}.tmp`, r.stdout);
      renameSync(`${cached}.tmp`, cached);
      return r.stdout;
    }
  }
  die('no xz stream in vmlinuz decompressed to an ELF');
}

function elfComplete(b) {
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false;
  const shoff = Number(b.readBigUInt64LE(0x28));
  return shoff + b.readUInt16LE(0x3a) * b.readUInt16LE(0x3c) <= b.length;
}

/** ELF64 LE section headers by name: { name, type, addr, offset, size }. */
export function sections(b) {
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const shstrndx = b.readUInt16LE(0x3e);
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOff: b.readUInt32LE(o),
      type: b.readUInt32LE(o + 4),
      addr: b.readBigUInt64LE(o + 0x10),
      offset: Number(b.readBigUInt64LE(o + 0x18)),
      size: Number(b.readBigUInt64LE(o + 0x20)),
    });
  }
  const strtab = raw[shstrndx].offset;
  const cstr = (off) => b.toString('latin1', off, b.indexOf(0, off));
  const map = new Map();
  for (const s of raw) map.set(cstr(strtab + s.nameOff), { ...s, name: cstr(strtab + s.nameOff) });
  return map;
}
