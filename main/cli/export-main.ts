/**
 * The lean entry for `modscope export` and `modscope deck` (bundled to out/cli/export.cjs): the export's own code
 * (argument parsing, the web app's server, Chromium over its DevTools pipe), not the whole CLI with the kernel model
 * and the CPU, which the page runs and this process never does (~0.1–0.2 s of the export's start to load).
 * main/cli/bin.cjs sends `export …` and `deck …` here, except with --help (the full CLI's help).
 */
import { CliError, formatError } from './errors';
import { exportCommand, parseExportArgs } from './export';

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
};

/** Run `export …` or `deck …` (argv[0] is the command); resolves with the exit code, as run() in modscope.ts does. */
export async function exportMain(argv: readonly string[]): Promise<number> {
  try {
    return await exportCommand(parseExportArgs(argv[0] === 'deck' ? 'deck' : 'export', argv.slice(1)), io);
  } catch (e) {
    const err = e instanceof CliError ? e : new CliError('INTERNAL', e instanceof Error ? e.message : String(e));
    io.err(formatError(err.code, err.message, err.offset) + '\n');
    return err.exitCode;
  }
}
