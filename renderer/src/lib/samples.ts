/** What the bundled samples come with: the kernel profile the views boot, and the insmod arguments a sample is shown with. */
import type { ModuleOverview } from '../../../engine/api-types';

/** The Debian 6.1.0-50 kernel profile, served beside the samples. */
export const PROFILE_URL = 'samples/kernel/debian-6.1.0-50-amd64.json.gz';

/** hello.ko greets count times: the views load it with count=3; other modules with no arguments. */
export function defaultArgs(mod: ModuleOverview | null): string {
  return mod?.thisModule?.name === 'hello' ? 'count=3' : '';
}

let profile: Promise<Uint8Array> | null = null;

/** The profile's bytes, fetched once for every view (a failed fetch is tried again next time). */
export function fetchProfile(): Promise<Uint8Array> {
  profile ??= fetch(PROFILE_URL)
    .then(async (res) => {
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
