/** Files the kernel-model commands need: the committed Debian profile and module images. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decompress, detectCompression } from '../../engine/compress/index';
import { parseProfile, type KernelProfile } from '../../engine/kernel/index';
import { CliError } from './errors';

export const PROFILE_NAME = 'debian-6.1.0-50-amd64.json.gz';

/** The repository root, from the source tree (main/cli) or the bundle (out/cli). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'samples', 'kernel', PROFILE_NAME))) return dir;
    dir = dirname(dir);
  }
  throw new CliError('NO_PROFILE', `cannot find samples/kernel/${PROFILE_NAME} above ${fileURLToPath(import.meta.url)}`);
}

export function loadProfile(): KernelProfile {
  const path = process.env.MODSCOPE_PROFILE ?? join(packageRoot(), 'samples', 'kernel', PROFILE_NAME);
  return parseProfile(JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')));
}

/**
 * Read a module file as user space would hand it over (kmod 30 decompresses .ko.xz itself).
 * `read`: its bytes when the caller already has them (modprobe's plan read every file once).
 */
export async function readModuleFile(file: string, read?: Uint8Array): Promise<{ bytes: Uint8Array; compressed: boolean }> {
  let raw: Uint8Array;
  if (read) raw = read;
  else
    try {
      const b = readFileSync(file);
      raw = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new CliError(err.code ?? 'EIO', `cannot read ${file}: ${err.message.replace(/^[A-Z]+: /, '')}`);
    }
  if (!detectCompression(raw)) return { bytes: raw, compressed: false };
  return { bytes: await decompress(raw), compressed: true };
}

/** Every .ko below dir, as paths relative to it, sorted (the order modprobe's depmod would see them in is computed later). */
export function listModuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
