/** What the bundled samples come with: the kernel profile the views boot, and the insmod arguments a sample is shown with. */
import type { ModuleOverview } from '../../../engine/api-types';
import { isProfileBinary } from '../../../engine/kernel/index';

/** The Debian 6.1.0-50 kernel profile, served beside the samples. */
export const PROFILE_URL = 'samples/kernel/debian-6.1.0-50-amd64.json.gz';

/** hello.ko greets count times: the views load it with count=3; other modules with no arguments. */
export function defaultArgs(mod: ModuleOverview | null): string {
  return mod?.thisModule?.name === 'hello' ? 'count=3' : '';
}

/**
 * The same profile as the precomputed binary table (engine/kernel/profile-binary.ts) that `modscope serve` (npm start,
 * export) serves beside it when built: the engine boots from it without a JSON parse. Hosts without it (the Vite dev
 * server, Electron) answer 404 or their index page, and the page takes the .json.gz.
 */
export const PROFILE_BINARY_URL = 'samples/kernel/debian-6.1.0-50-amd64.bin';

let profile: Promise<Uint8Array> | null = null;

/** The profile's bytes, fetched once for every view (a failed fetch is tried again next time). */
export function fetchProfile(): Promise<Uint8Array> {
  profile ??= fetchBinary()
    .then(async (bin) => {
      if (bin) return bin;
      const res = await fetch(PROFILE_URL);
      if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${PROFILE_URL}`);
      return gunzip(new Uint8Array(await res.arrayBuffer()));
    })
    .catch((e: unknown) => {
      profile = null;
      throw e;
    });
  return profile;
}

/**
 * The profile as JSON bytes, inflated by the browser's own gzip (DecompressionStream, native) instead of the engine's
 * inflate written in TypeScript (~0.1 s warm, ~0.5 s on a cold worker: most of the first kernel.boot). The engine
 * takes either form; where the browser has no DecompressionStream the gzip bytes go as they are.
 */
async function gunzip(gz: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined' || gz[0] !== 0x1f || gz[1] !== 0x8b) return gz;
  const stream = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The binary profile when the host serves one (its magic checked: a dev server answers unknown paths with a page). */
async function fetchBinary(): Promise<Uint8Array | null> {
  try {
    const res = await fetch(PROFILE_BINARY_URL);
    if (!res.ok) return null;
    const bytes = new Uint8Array(await res.arrayBuffer());
    return isProfileBinary(bytes) ? bytes : null;
  } catch {
    return null;
  }
}
