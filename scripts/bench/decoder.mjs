#!/usr/bin/env node
// The iced-x86 decoder behind the CPU model (host-common/iced-decoder.ts) against GNU objdump, same run:
// every instruction of drm.ko's .text (215 KB, ~59,000 instructions) decoded and its AT&T text read, in process,
// vs `objdump -d -j .text drm.ko` (whole process: start-up, decoding, symbol lookups, printing).
// The ratio puts the decoder's in-process time over objdump's user CPU: objdump's figure includes more work,
// so a ratio ≤ 1 is a floor for the decoder, not a tie. Moved here from a timed unit test (speed belongs here).
//   node scripts/bench/decoder.mjs [--runs N] [--module REL/PATH.ko] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, ensureCorpus, fmtInt } from '../corpus/common.mjs';
import { bundleSeekEntry } from './seek-bundle.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 5));
const MODULE = opt('module', 'drivers/gpu/drm/drm.ko');
const jsonOut = opt('json', join(ROOT, 'bench-results', 'decoder.json'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const file = join(ensureCorpus({ quiet: true }), 'kernel', MODULE);
if (!existsSync(file)) throw new Error(`${MODULE} is not in the corpus`);
const bytes = new Uint8Array(readFileSync(file));

/** .text of an ELF64 little-endian relocatable (the corpus' modules): its bytes. */
function textSection(b) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const strOff = Number(dv.getBigUint64(shoff + dv.getUint16(0x3e, true) * shentsize + 0x18, true));
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    let n = strOff + dv.getUint32(h, true);
    let name = '';
    while (b[n]) name += String.fromCharCode(b[n++]);
    if (name === '.text') {
      const off = Number(dv.getBigUint64(h + 0x18, true));
      return b.subarray(off, off + Number(dv.getBigUint64(h + 0x20, true)));
    }
  }
  throw new Error(`${MODULE} has no .text`);
}
const text = textSection(bytes);

const E = await bundleSeekEntry(ROOT, 'decoder');
/** Decode all of .text, reading each text (as objdump prints it): instruction count and ms. */
function decodeAll() {
  const d = E.createIcedDecoder();
  const t0 = performance.now();
  let n = 0;
  let chars = 0;
  for (let off = 0; off < text.length; ) {
    const ins = d.decode(text.subarray(off, off + 15), BigInt(off));
    if (ins) chars += ins.text.length;
    off += ins ? ins.length : 1;
    n++;
  }
  const ms = performance.now() - t0;
  d.dispose();
  return { n, ms, chars };
}

const timeFile = join(tmpdir(), `modscope-bench-decoder-${process.pid}`);
function objdump() {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'objdump', '-d', '-j', '.text', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`objdump: exit ${r.status} ${r.stderr}`);
  const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { ms, userMs: u * 1000, sysMs: s * 1000 };
}

decodeAll(); // warm up (JIT, the wasm module)
const ours = [];
const peer = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(decodeAll());
  peer.push(objdump());
}
const n = ours[0].n;
const ms = median(ours.map((r) => r.ms));
const peerUser = median(peer.map((r) => r.userMs));
const peerWall = median(peer.map((r) => r.ms));
const result = {
  date: new Date().toISOString(),
  what: `iced decoder: every instruction of ${MODULE}'s .text (${fmtInt(text.length)} bytes), text read, in process`,
  peer: `objdump -d -j .text ${MODULE} (whole process)`,
  instructions: n,
  decoderMs: ms,
  decodesPerSecond: Math.round(n / (ms / 1000)),
  objdumpUserMs: peerUser,
  objdumpWallMs: peerWall,
  ratioToObjdumpUser: ms / peerUser,
  runs: RUNS,
  loadavg: loadavg(),
};
console.log(
  `decoder: ${fmtInt(n)} instructions of ${MODULE} .text in ${ms.toFixed(0)} ms in process (${fmtInt(result.decodesPerSecond)}/s); ` +
    `objdump -d the same section ${peerUser.toFixed(0)} ms user CPU (${peerWall.toFixed(0)} ms wall, whole process): ` +
    `${result.ratioToObjdumpUser.toFixed(2)}× its CPU time; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`,
);
mkdirSync(dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, JSON.stringify(result, null, 2));
