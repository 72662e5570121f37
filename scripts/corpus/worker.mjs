// Worker thread for corpus-test.mjs: for each chunk of modules, run one readelf process over the
// whole chunk while the engine parses the same files, then compare item by item.
import { parentPort, workerData } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReadelf } from './readelf.mjs';
import { canonSections, canonSymbols, canonRelocs } from './canon-engine.mjs';
import { elfLength } from './common.mjs';

const { dir, engineUrl, maxDiffs, injectFault } = workerData;
const engine = engineUrl ? await import(engineUrl) : null;

function runReadelf(files) {
  return new Promise((resolve, reject) => {
    const p = spawn('readelf', ['-S', '-s', '-r', '-W', ...files], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    p.stdout.on('data', (b) => out.push(b));
    p.stderr.on('data', (b) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function compareList(cat, ref, got, res, mod, label) {
  const n = Math.max(ref.length, got.length);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    if (i < ref.length && i < got.length && ref[i] === got[i]) ok++;
    else if (res.diffs.length < maxDiffs) {
      res.diffs.push({ module: mod, category: cat, item: `${label}#${i}`, readelf: ref[i] ?? '(absent)', engine: got[i] ?? '(absent)' });
    }
  }
  res[cat].ok += ok;
  res[cat].total += n;
  return ok === n;
}

async function processChunk(files) {
  const res = {
    sections: { ok: 0, total: 0 },
    symbols: { ok: 0, total: 0 },
    relocations: { ok: 0, total: 0 },
    signature: { ok: 0, total: 0 },
    passed: 0,
    failed: 0,
    failedModules: [],
    diffs: [],
    timing: { readelfWait: 0, engine: 0, parse: 0, compare: 0 },
  };
  const re = runReadelf(files);
  // engine side, while readelf runs
  const t0 = performance.now();
  const engineOut = new Map();
  const sigBad = new Set();
  if (engine) {
    for (const f of files) {
      const buf = readFileSync(join(dir, f));
      const len = elfLength(buf);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, len);
      if (engine.splitSignature) {
        // cross-check the engine's signature splitter against the harness's own
        try {
          const got = engine.splitSignature(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)).elf.length;
          res.signature.total++;
          if (got === len) res.signature.ok++;
          else sigBad.add(f);
          if (got !== len && res.diffs.length < maxDiffs)
            res.diffs.push({ module: f, category: 'signature', item: 'ELF length', readelf: String(len), engine: String(got) });
        } catch (e) {
          res.signature.total++;
          sigBad.add(f);
          if (res.diffs.length < maxDiffs)
            res.diffs.push({ module: f, category: 'signature', item: 'splitSignature', readelf: String(len), engine: String(e?.message ?? e) });
        }
      }
      try {
        const elf = engine.readElf(bytes);
        const o = { sections: canonSections(elf), symbols: canonSymbols(elf), relocs: canonRelocs(elf) };
        if (injectFault && f === files[0]) {
          // harness self-test: perturb one item of each category; each must be reported
          o.sections[1] += 'X';
          o.symbols[1] += 'X';
          const first = [...o.relocs.values()].find((v) => v.length);
          if (first) first[0] += 'X';
        }
        engineOut.set(f, o);
      } catch (e) {
        engineOut.set(f, { error: `${e?.code ?? e?.name ?? 'Error'}: ${e?.message ?? e}` });
      }
    }
  }
  const t1 = performance.now();
  const r = await re;
  const t2 = performance.now();
  const parsed = parseReadelf(r.stdout, files);
  const t3 = performance.now();
  for (const f of files) {
    const ref = parsed.get(f);
    if (!ref) {
      res.failed++;
      res.failedModules.push(f);
      if (res.diffs.length < maxDiffs)
        res.diffs.push({ module: f, category: 'readelf', item: 'output', readelf: r.stderr.slice(0, 200) || '(none)', engine: '' });
      continue;
    }
    let good = ref.unparsed.length === 0 && !sigBad.has(f);
    if (!good && res.diffs.length < maxDiffs) {
      res.diffs.push({ module: f, category: 'readelf', item: 'unparsed line', readelf: ref.unparsed[0], engine: '' });
    }
    const got = engine ? engineOut.get(f) : null;
    if (!got || got.error) {
      const nRel = [...ref.relocs.values()].reduce((a, v) => a + v.length, 0);
      res.sections.total += ref.sections.length;
      res.symbols.total += ref.symbols.length;
      res.relocations.total += nRel;
      if (got?.error && res.diffs.length < maxDiffs)
        res.diffs.push({ module: f, category: 'engine', item: 'readElf', readelf: 'parses', engine: got.error });
      if (!engine) {
        // readelf-only mode: count items as "parsed" so the totals are visible
        res.sections.ok += ref.sections.length;
        res.symbols.ok += ref.symbols.length;
        res.relocations.ok += nRel;
        if (good) res.passed++;
        else {
          res.failed++;
          res.failedModules.push(f);
        }
      } else {
        res.failed++;
        res.failedModules.push(f);
      }
      continue;
    }
    good = compareList('sections', ref.sections, got.sections, res, f, 'section') && good;
    good = compareList('symbols', ref.symbols, got.symbols, res, f, 'symbol') && good;
    const keys = new Set([...ref.relocs.keys(), ...got.relocs.keys()]);
    for (const k of keys) {
      good = compareList('relocations', ref.relocs.get(k) ?? [], got.relocs.get(k) ?? [], res, f, k) && good;
    }
    if (good) res.passed++;
    else {
      res.failed++;
      res.failedModules.push(f);
    }
  }
  const t4 = performance.now();
  res.timing = { engine: t1 - t0, readelfWait: t2 - t1, parse: t3 - t2, compare: t4 - t3 };
  return res;
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'chunk') {
    try {
      parentPort.postMessage({ type: 'result', id: msg.id, res: await processChunk(msg.files) });
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: msg.id, error: String(e?.stack ?? e) });
    }
  }
});
parentPort.postMessage({ type: 'ready' });
