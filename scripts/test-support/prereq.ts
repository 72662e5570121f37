/**
 * Prerequisites of a test, honestly: outside CI a test whose prerequisite is absent skips (its title says
 * what to install); under CI (CI set and not "false") the same test fails at collection, naming the missing
 * thing, because CI installs every prerequisite (.ci/run → scripts/prereqs.mjs). The one allowed skip is
 * listed in scripts/prereqs.mjs (ALLOWED_SKIPS) and is not expressed through this helper.
 */
export const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** For `describe.skipIf(missing(…))`: true (skip) when `ok` is false outside CI; throws under CI. */
export function missing(what: string, ok: boolean): boolean {
  if (ok) return false;
  if (IN_CI) throw new Error(`prerequisite missing under CI: ${what} — CI must provide it (see scripts/prereqs.mjs, .ci/run)`);
  return true;
}

/** The Debian corpus's standing message. */
export const CORPUS_WHAT = 'the Debian 6.1.0-50 module corpus (npm run corpus:fetch)';
