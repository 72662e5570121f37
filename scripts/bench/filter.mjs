#!/usr/bin/env node
// (m) Find anything: typing a symbol name into the Relocations filter on amdgpu.ko's biggest .rela
// section (133,348 entries), one engine call per keystroke returning the first page (500 rows), as
// the Relocations tab asks. Peer, in the same run: what filtering in the view would cost instead —
// fetching every row of the section in 5,000-row pages (as the table pages them) and keeping the
// matching ones. Medians of N runs of the whole word; the worst keystroke is reported too.
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, ensureCorpus } from '../corpus/common.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 5) || 5;
const WORD = 'amdgpu_device_rreg';
const esbuild = await import('esbuild');
const b = await esbuild.build({
  entryPoints: [join(ROOT, 'engine', 'engine.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
  logLevel: 'error',
});
const outDir = join(ROOT, 'out', 'bench');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `engine-filter-${process.pid}.mjs`);
writeFileSync(out, b.outputFiles[0].contents);
const { createEngine } = await import(pathToFileURL(out).href);

const file = join(ensureCorpus(), 'kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const e = createEngine();
const opened = await e.call('open', { name: 'amdgpu.ko', bytes: new Uint8Array(readFileSync(file)) });
if (!opened.ok) throw new Error(opened.error.message);
const mod = opened.value;
const rs = mod.relocSections.reduce((a, x) => (x.count > a.count ? x : a));
const median = (xs) => [...xs].sort((a, c) => a - c)[xs.length >> 1];

async function engineTyping() {
  const per = [];
  let total = 0;
  for (let i = 1; i <= WORD.length; i++) {
    const t0 = performance.now();
    const r = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 500, filter: { text: WORD.slice(0, i) } });
    per.push(performance.now() - t0);
    if (!r.ok) throw new Error(r.error.message);
    total = r.value.total;
  }
  return { ms: per.reduce((a, c) => a + c, 0), worst: Math.max(...per), total };
}

async function viewTyping() {
  const per = [];
  let total = 0;
  for (let i = 1; i <= WORD.length; i++) {
    const t0 = performance.now();
    const w = WORD.slice(0, i);
    const kept = [];
    for (let off = 0; off < rs.count; off += 5000) {
      const p = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: off, limit: 5000 });
      if (!p.ok) throw new Error(p.error.message);
      for (const row of p.value.rows) if (row.symbolName.toLowerCase().includes(w) || row.type.toLowerCase().includes(w)) kept.push(row);
    }
    per.push(performance.now() - t0);
    total = kept.length;
  }
  return { ms: per.reduce((a, c) => a + c, 0), worst: Math.max(...per), total };
}

await engineTyping(); // warm-up (JIT)
const eng = [];
const view = [];
for (let i = 0; i < RUNS; i++) {
  eng.push(await engineTyping());
  if (i < 2) view.push(await viewTyping());
}
if (eng[0].total !== view[0].total) throw new Error(`filter disagrees: engine ${eng[0].total} rows, view scan ${view[0].total}`);
const em = median(eng.map((x) => x.ms));
const vm = median(view.map((x) => x.ms));
const ew = Math.max(...eng.map((x) => x.worst));
console.log(
  `(m) filter amdgpu.ko ${rs.name} (${rs.count.toLocaleString('en-US')} relocations) while typing "${WORD}" ` +
    `(${WORD.length} keystrokes, ${eng[0].total.toLocaleString('en-US')} matches):`,
);
console.log(`    engine filter, first page per keystroke: ${em.toFixed(1)} ms for the word (median of ${RUNS}), worst keystroke ${ew.toFixed(1)} ms`);
console.log(`    peer, every row fetched and filtered in the view: ${vm.toFixed(1)} ms for the word (median of ${view.length})`);
console.log(`    ratio engine / view-side filtering: ${(em / vm).toFixed(3)}×`);
rmSync(out, { force: true });
