/**
 * Test helpers (Node): the committed Debian kernel profile, the sample files and the corpus path.
 * Kept outside engine/ because they read files; engine tests import them from here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ModelKernel, type BootOptions } from '../../engine/kernel/model';
import { parseProfile, type KernelProfile } from '../../engine/kernel/profile';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS =
  process.env.MODSCOPE_CORPUS ??
  join(process.env.MODSCOPE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'modscope'), 'corpus', 'lib', 'modules', '6.1.0-50-amd64', 'kernel');

let cached: KernelProfile | null = null;
export function debianProfile(): KernelProfile {
  cached ??= parseProfile(JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))).toString('utf8')));
  return cached;
}

export function bootKernel(opts: BootOptions = {}): ModelKernel {
  return new ModelKernel(debianProfile(), opts);
}

export function sample(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, 'samples', rel)));
}
