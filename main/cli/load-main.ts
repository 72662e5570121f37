/**
 * The entry for `modscope load …` (bundled to out/cli/load.cjs by scripts/build-cli.mjs): the same code path as
 * run() in modscope.ts takes for `load` (no --help), as CommonJS, which main/cli/bin.cjs compiles through V8's
 * code cache (an ES module has none on Node 20): the engine is then deserialised, not parsed and compiled again at
 * every start. Anything else goes to the full CLI.
 */
import { CliError, formatError } from './errors';
import { loadCommand, parseLoadArgs } from './load';
import { stdoutSink } from './out';
import { installNativeSha256 } from '../native-sha256';
import { installNativeRsa } from '../native-rsa';

/** Run `load …` (argv[0] is "load"); resolves with the exit code, as run() does. Never throws. */
export async function loadMain(argv: readonly string[]): Promise<number> {
  installNativeSha256();
  installNativeRsa();
  try {
    return await loadCommand(parseLoadArgs(argv.slice(1)), stdoutSink);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(formatError(e.code, e.message, e.offset) + '\n');
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(formatError('INTERNAL', msg) + '\n');
    return 2;
  }
}
