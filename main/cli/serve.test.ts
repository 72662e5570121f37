/**
 * `modscope serve` (what `npm start` runs where no Electron binary exists): the built web app on a
 * loopback port, the named module read-only at /local/0/<name>, nothing else from the disk, and a
 * clean exit on SIGTERM. Run as a real process through the package's bin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './modscope';
import { servedUrl } from '../../scripts/test-support/served-url';

const ROOT = join(__dirname, '..', '..');
const PARAMS = join(ROOT, 'samples', 'params', 'params.ko');

describe('modscope serve', () => {
  let child: ChildProcess;
  let url = '';
  let origin = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [join(ROOT, 'main', 'cli', 'bin.cjs'), 'serve', PARAMS, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await servedUrl(child);
    origin = new URL(url).origin;
  }, 180_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints a loopback URL that opens the named module', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?file=\/local\/0\/params\.ko$/);
  });

  it('serves the built app, the kernel profile and the module byte for byte', async () => {
    const index = await fetch(`${origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toMatch(/<script[^>]+type="module"/);
    const mod = await fetch(`${origin}/local/0/params.ko`);
    expect(mod.status).toBe(200);
    expect(Buffer.from(await mod.arrayBuffer()).equals(readFileSync(PARAMS))).toBe(true);
    const profile = await fetch(`${origin}/samples/kernel/debian-6.1.0-50-amd64.json.gz`);
    expect(Buffer.from(await profile.arrayBuffer()).equals(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz')))).toBe(
      true,
    );
    const samples = (await (await fetch(`${origin}/samples/index.json`)).json()) as { samples: string[] };
    expect(samples.samples).toContain('/samples/hello/hello.ko');
  });

  it('serves nothing else: other paths 404, other methods 405', async () => {
    expect((await fetch(`${origin}/local/1/params.ko`)).status).toBe(404);
    expect((await fetch(`${origin}/local/0/hello.ko`)).status).toBe(404);
    expect((await fetch(`${origin}/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/samples/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('exits 0 on SIGTERM', async () => {
    const code = await new Promise<number | null>((ok) => {
      child.once('exit', (c) => ok(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('names a bad option, a bad port and a missing file', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => void err.push(s) };
    expect(await run(['serve', '--port', 'x'], io)).toBe(1);
    expect(await run(['serve', '--bogus'], io)).toBe(1);
    expect(await run(['serve', join(ROOT, 'no-such.ko')], io)).toBe(2);
    expect(err.join('')).toMatch(/--port x is not a port[\s\S]*unknown option --bogus[\s\S]*ENOENT.*no-such\.ko: no such file/);
  });
});
