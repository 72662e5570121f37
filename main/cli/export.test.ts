/**
 * `modscope export` / `modscope deck` end to end: the web app in headless Chromium exports hello.ko
 * (insmod count=3) at apply_relocations' first item as SVG (parsed as XML, labels checked) and PNG
 * at 2× (its IHDR twice the SVG's size), and steps k..k+2 as a 3-page PDF deck. The step is found
 * independently, on the engine in Node. Skipped when /usr/bin/chromium is absent.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, rmSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { createEngine } from '../../engine/engine';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { ROOT, sample } from '../../scripts/test-support/kernel';
import { run } from './modscope';
import { missing } from '../../scripts/test-support/prereq';

/** jsdom ships no types; the part used here (this config has no DOM library). */
interface XmlEl {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface XmlDoc {
  documentElement: XmlEl;
  querySelectorAll(sel: string): Iterable<XmlEl>;
  getElementsByTagName(tag: string): Iterable<XmlEl>;
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (text: string, o: { contentType: string }) => { window: { document: XmlDoc } };
};

/** The base fonts a PDF's pages set with Tf (resource name → font object → /BaseFont). */
function usedFonts(bytes: Buffer): string[] {
  const raw = bytes.toString('latin1');
  const parts = [raw];
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const end = raw.indexOf('endstream', m.index);
    try {
      parts.push(inflateSync(bytes.subarray(m.index + m[0].length, end)).toString('latin1'));
    } catch {
      // not Flate
    }
  }
  const all = parts.join('\n');
  const out = new Set<string>();
  for (const n of new Set([...all.matchAll(/\/(F\d+) [\d.]+ Tf/g)].map((m) => m[1]))) {
    const ref = new RegExp(`/${n} (\\d+) 0 R`).exec(all);
    const obj = ref && new RegExp(`(?:^|\\n)${ref[1]} 0 obj[\\s\\S]*?/BaseFont /([\\w-]+)`).exec(all);
    out.add(obj ? obj[1] : `?${n}`);
  }
  return [...out].sort();
}

const HAVE_CHROMIUM = existsSync('/usr/bin/chromium');
const HELLO = join(ROOT, 'samples', 'hello', 'hello.ko');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

/** apply_relocations' step (1-based) and its first position, for insmod hello.ko count=3. */
async function applyRelocationsStep(): Promise<{ step: number; pos: number; steps: number }> {
  const engine = createEngine({ decoder: createIcedDecoder });
  const opened = await engine.call('open', { name: 'hello.ko', bytes: sample('hello/hello.ko') });
  if (!opened.ok) throw new Error(opened.error.message);
  const boot = await engine.call('kernel.boot', {
    profile: new Uint8Array(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))),
    paging: 4,
    kaslrSeed: null,
  });
  if (!boot.ok) throw new Error(boot.error.message);
  const sh = await engine.call('kernel.shell', { line: 'insmod hello.ko count=3' });
  if (!sh.ok) throw new Error(sh.error.message);
  const page = await engine.call('kernel.steps', { offset: 0, limit: 5000 });
  if (!page.ok) throw new Error(page.error.message);
  const i = page.value.rows.findIndex((s) => s.fn === 'apply_relocations');
  if (i < 0) throw new Error('no apply_relocations step');
  return { step: i + 1, pos: page.value.rows[i].pos, steps: page.value.total };
}

describe.skipIf(missing('chromium', HAVE_CHROMIUM))('modscope export / deck (headless Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modscope-export-'));
  let at: { step: number; pos: number; steps: number };
  let svgSize: { width: number; height: number };

  beforeAll(async () => {
    at = await applyRelocationsStep();
  });

  it('exports the memory map at apply_relocations as a well-formed SVG with the section labels', async () => {
    const c = io();
    const out = join(dir, 'hello.svg');
    expect(await run(['export', HELLO, 'count=3', '--step', String(at.step), '--view', 'memory', '--format', 'svg', '--out', out], c.io)).toBe(0);
    expect(c.out.join('')).toContain(`step ${at.step}/${at.steps} pos ${at.pos}`);
    const text = readFileSync(out, 'utf8');
    // XML mode: a malformed document throws.
    const doc = new JSDOM(text, { contentType: 'image/svg+xml' }).window.document;
    const root = doc.documentElement;
    expect(root.nodeName).toBe('svg');
    svgSize = { width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')) };
    expect(svgSize.width).toBeGreaterThan(400);
    expect(svgSize.height).toBeGreaterThan(100);
    const sections = [...doc.querySelectorAll('rect[data-name]')].map((e) => e.getAttribute('data-name'));
    expect(sections).toContain('.init.text');
    const texts = [...doc.getElementsByTagName('text')].map((e) => e.textContent ?? '');
    expect(texts.some((t) => t.includes('hello'))).toBe(true);
    expect(text).not.toContain('var(--');
  });

  it('exports the same position as PNG at 2× (twice the SVG in each direction)', async () => {
    const c = io();
    const out = join(dir, 'hello@2x.png');
    expect(await run(['export', HELLO, 'count=3', '--pos', String(at.pos), '--format', 'png', '--scale', '2', '--out', out], c.io)).toBe(0);
    const png = readFileSync(out);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([svgSize.width * 2, svgSize.height * 2]);
  });

  it('builds a 3-step PDF deck, one page a step', async () => {
    const c = io();
    const out = join(dir, 'deck.pdf');
    expect(await run(['deck', HELLO, 'count=3', '--from', String(at.step), '--to', String(at.step + 2), '--out', out], c.io)).toBe(0);
    const pdf = readFileSync(out).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.match(/\/Type \/Page\b(?!s)/g)?.length).toBe(3);
    expect(c.out.join('')).toContain('3 pages');
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith('cmp'))
        .sort(),
    ).toEqual(['deck.pdf', 'hello.svg', 'hello@2x.png']);
  });

  it('--kernel 2.4 exports the comparison at 2.4 step 10 (sys_create_module) as a PDF slide in sans fonts only', async () => {
    const c = io();
    const out = join(dir, 'cmp24.pdf');
    expect(await run(['export', HELLO, 'count=3', '--kernel', '2.4', '--step', '10', '--format', 'pdf', '--slide', '--out', out], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Linux 2.4 step 10/19');
    // jsPDF lists all 14 standard faces (so does pdffonts); the faces the page USES are the ones its Tf operators name.
    expect(execFileSync('pdffonts', [out], { encoding: 'utf8' })).toMatch(/Helvetica-Bold/);
    const used = usedFonts(readFileSync(out));
    expect(used).toEqual(expect.arrayContaining(['Helvetica', 'Helvetica-Bold']));
    expect(used.filter((f) => !/^(Helvetica|Courier)/.test(f))).toEqual([]);
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('create_module()');
    expect(text).toContain('stage');
  });

  it('a 2.4 deck of the comparison: three pages, one frame', async () => {
    const c = io();
    const out = join(dir, 'cmp24-deck');
    expect(await run(['deck', HELLO, 'count=3', '--kernel', '2.4', '--from', '8', '--to', '10', '--format', 'svg', '--out', out], c.io)).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['01-step8.svg', '02-step9.svg', '03-step10.svg']);
    // The lanes keep their place and scale from page to page.
    const transforms = files.map((f) => /<g transform="(translate\([^"]+)">/.exec(readFileSync(join(out, f), 'utf8'))?.[1]);
    expect(transforms[0]).toBeTruthy();
    expect(new Set(transforms).size).toBe(1);
  });

  it('without --step or --pos, exports the finished operation (its last step) and says so', async () => {
    const c = io();
    const out = join(dir, 'last.svg');
    expect(await run(['export', HELLO, 'count=3', '--view', 'memory', '--format', 'svg', '--out', out], c.io)).toBe(0);
    expect(c.out.join('')).toContain(`step ${at.steps}/${at.steps}`);
    expect(c.out.join('')).toContain('no --step or --pos given: the last step, the finished operation');
    expect(readFileSync(out, 'utf8')).toMatch(/^<svg|^<\?xml/);
    rmSync(out);
  });

  it('a deck without a range takes the whole operation; --from alone runs to the end', async () => {
    const whole = io();
    const out = join(dir, 'whole.pdf');
    expect(await run(['deck', HELLO, 'count=3', '--view', 'caption', '--out', out], whole.io)).toBe(0);
    expect(whole.out.join('')).toContain(`${at.steps} pages  steps 1–${at.steps}/${at.steps} (no --from/--to given: the whole operation)`);
    expect(
      readFileSync(out)
        .toString('latin1')
        .match(/\/Type \/Page\b(?!s)/g)?.length,
    ).toBe(at.steps);
    rmSync(out);
    const tail = io();
    expect(await run(['deck', HELLO, 'count=3', '--from', String(at.steps - 1), '--out', out], tail.io)).toBe(0);
    expect(tail.out.join('')).toContain(`2 pages  steps ${at.steps - 1}–${at.steps}/${at.steps}`);
    rmSync(out);
  }, 240_000);

  it('refuses a step beyond the trace with exit 2', async () => {
    const c = io();
    expect(await run(['export', HELLO, 'count=3', '--step', String(at.steps + 1), '--out', join(dir, 'x.svg')], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(new RegExp(`^modscope: error BAD_STEP: --step ${at.steps + 1} is beyond the trace .*\\(steps 1–${at.steps}\\)`));
    expect(existsSync(join(dir, 'x.svg'))).toBe(false);
  });
});

describe('modscope export: bad input before any browser starts', () => {
  it('an unknown view, a missing file, no step: typed errors', async () => {
    const a = io();
    expect(await run(['export', HELLO, '--step', '3', '--view', 'bogus', '--out', '/tmp/x.svg'], a.io)).toBe(2);
    expect(a.err.join('')).toMatch(
      /^modscope: error BAD_VIEW: unknown view "bogus" \(filemap, sections, .*compare-lanes, compare-detail, lesson-stop, whatif, caption, or compare\)\n$/,
    );
    const k = io();
    expect(await run(['export', HELLO, '--step', '3', '--kernel', '2.4', '--view', 'memory', '--out', '/tmp/x.svg'], k.io)).toBe(2);
    expect(k.err.join('')).toContain('--kernel 2.4 is shown by the comparison');
    const k2 = io();
    expect(await run(['export', HELLO, '--step', '3', '--kernel', '2.6', '--out', '/tmp/x.svg'], k2.io)).toBe(2);
    expect(k2.err.join('')).toContain('BAD_KERNEL');
    const b = io();
    expect(await run(['export', join(ROOT, 'samples', 'no-such.ko'), '--step', '3', '--out', '/tmp/x.svg'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/^modscope: error ENOENT: cannot read .*no-such\.ko/);
    const c = io();
    expect(await run(['export', HELLO, '--step', '3', '--pos', '4', '--out', '/tmp/x.svg'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('export takes one of --step N or --pos N, not both');
  });
});
