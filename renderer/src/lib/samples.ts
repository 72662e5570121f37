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
      return new Uint8Array(await res.arrayBuffer());
    })
    .catch((e: unknown) => {
      profile = null;
      throw e;
    });
  return profile;
}
