/** Files the kernel-model commands need: the committed Debian profile and module images. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decompress, detectCompression } from '../../engine/compress/index';
import { decodeProfileBinary, parseProfile, type KernelProfile } from '../../engine/kernel/index';
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

/**
 * The committed profile as the binary table `npm run build:cli` makes of it (scripts/build-cli.mjs,
 * engine/kernel/profile-binary.ts): no gunzip, JSON parse or 24,600 export objects at each start.
 */
export const BINARY_PROFILE = join('out', 'cli', 'kernel-profile.bin');

/** Where the web app asks for the binary profile (renderer/src/lib/samples.ts PROFILE_BINARY_URL). */
export const PROFILE_BINARY_URL = '/samples/kernel/debian-6.1.0-50-amd64.bin';

/**
 * The binary table's path while it is at least as new as the committed .gz (a checkout that changes the profile makes
 * the .gz newer), else null: no table yet, or a stale one.
 */
function freshBinaryProfile(root: string): string | null {
  const binary = join(root, BINARY_PROFILE);
  try {
    return statSync(binary).mtimeMs >= statSync(join(root, 'samples', 'kernel', PROFILE_NAME)).mtimeMs ? binary : null;
  } catch {
    return null;
  }
}

/** The binary profile to serve to the web app, as [url, path], when fresh (else null: the page takes the .json.gz). */
export function servedProfileBinary(root: string): [string, string] | null {
  const binary = freshBinaryProfile(root);
  return binary ? [PROFILE_BINARY_URL, binary] : null;
}

export function loadProfile(): KernelProfile {
  if (process.env.MODSCOPE_PROFILE) return parseProfile(JSON.parse(gunzipSync(readFileSync(process.env.MODSCOPE_PROFILE)).toString('utf8')));
  const root = packageRoot();
  const binary = freshBinaryProfile(root);
  try {
    if (binary) {
      const b = readFileSync(binary);
      // Buffer's native Latin-1 decoding for the blobs of names (the engine's own loops per character).
      return decodeProfileBinary(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), (_, start, end) => b.toString('latin1', start, end));
    }
  } catch {
    // one another version wrote: read the .gz
  }
  return parseProfile(JSON.parse(gunzipSync(readFileSync(join(root, 'samples', 'kernel', PROFILE_NAME))).toString('utf8')));
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

/**
 * The folder modprobe's plan resolves module paths against: Module.symvers names a module by its path below
 * lib/modules/<version>/kernel (net/ax25/ax25), so a lib/modules/<version> folder is read from its kernel/ folder.
 */
export function modulesRoot(dir: string): string {
  const k = join(dir, 'kernel');
  // A version folder has depmod's or kbuild's lists beside kernel/ (a folder of modules may hold a kernel/ of its own).
  const isVersion = ['modules.order', 'modules.builtin', 'modules.dep'].some((f) => existsSync(join(dir, f)));
  try {
    if (isVersion && statSync(k).isDirectory()) return k;
  } catch {
    // no kernel/ folder: dir is that folder already (or any folder of modules)
  }
  return dir;
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
