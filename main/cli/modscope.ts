/**
 * The Modscope CLI over the same engine the app uses. Bundled by scripts/build-cli.mjs to
 * out/cli/modscope.mjs; main/cli/bin.mjs (the package "bin") runs it.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from './args';
import { CliError, formatError } from './errors';
import { HELP } from './help';
import { infoCommand } from './info';
import { stdoutSink, type Sink } from './out';
import { relocsCommand } from './relocs';
import { loadCommand, parseLoadArgs } from './load';
import { loadAllCommand } from './load-all';
import { installNativeSha256 } from '../native-sha256';
import { installNativeRsa } from '../native-rsa';

declare const __MODSCOPE_VERSION__: string;
const VERSION = typeof __MODSCOPE_VERSION__ === 'string' ? __MODSCOPE_VERSION__ : 'dev';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Big outputs (info --json, relocs) go here when given: it may wait for the stream to drain. */
  outStream?: Sink;
}

const stdio: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  outStream: stdoutSink,
};

/** Run the CLI; resolves with the exit code. Never throws. */
export async function run(argv: readonly string[], io: Io = stdio): Promise<number> {
  installNativeSha256();
  installNativeRsa();
  const a = parseArgs(argv);
  try {
    // Commands with valued options parse their own arguments.
    if (argv[0] === 'load' && !a.flags.has('--help')) return await loadCommand(parseLoadArgs(argv.slice(1)), io.outStream ?? io.out);
    // The other commands are imported when used (their own chunks: quiz's PDF writer alone is 1.5 MB of JavaScript).
    if (argv[0] === 'init-all' && !a.flags.has('--help')) {
      const { initAllCommand, parseInitAllArgs } = await import('./init-all');
      return await initAllCommand(parseInitAllArgs(argv.slice(1)), io.outStream ?? io.out);
    }
    if (argv[0] === 'shell' && !a.flags.has('--help')) {
      const { parseShellArgs, shellCommand } = await import('./shell');
      return await shellCommand(parseShellArgs(argv.slice(1)), io.outStream ?? io.out);
    }
    if (argv[0] === 'whatif' && !a.flags.has('--help')) {
      const { parseWhatifArgs, whatifCommand } = await import('./whatif');
      return await whatifCommand(parseWhatifArgs(argv.slice(1)), io.out);
    }
    if (argv[0] === 'quiz' && !a.flags.has('--help')) {
      const { parseQuizArgs, quizCommand } = await import('./quiz');
      return await quizCommand(parseQuizArgs(argv.slice(1)), io.outStream ?? io.out);
    }
    if (argv[0] === 'serve' && !a.flags.has('--help')) {
      const { parseServeArgs, serveCommand } = await import('./serve');
      return await serveCommand(parseServeArgs(argv.slice(1)), io);
    }
    if ((argv[0] === 'export' || argv[0] === 'deck') && !a.flags.has('--help')) {
      const { exportCommand, parseExportArgs } = await import('./export');
      return await exportCommand(parseExportArgs(argv[0], argv.slice(1)), io);
    }
    if (a.flags.has('--version')) {
      io.out(`modscope ${VERSION}\n`);
      return 0;
    }
    if (a.flags.has('--help') || a.command === 'help' || a.command === null) {
      const usageError = a.command === null && !a.flags.has('--help');
      (usageError ? io.err : io.out)(HELP);
      return usageError ? 1 : 0;
    }
    if (a.unknown.length) throw new CliError('USAGE', `unknown option ${a.unknown[0]} (see modscope --help)`, undefined, 1);
    switch (a.command) {
      case 'info': {
        if (a.positional.length !== 1) throw new CliError('USAGE', 'info needs exactly one module file (see modscope --help)', undefined, 1);
        await infoCommand(a.positional[0], a.flags.has('--json'), io.outStream ?? io.out);
        return 0;
      }
      case 'relocs': {
        if (a.positional.length !== 1) throw new CliError('USAGE', 'relocs needs exactly one module file (see modscope --help)', undefined, 1);
        if (a.flags.has('--json')) throw new CliError('USAGE', 'relocs has no --json (use info --json)', undefined, 1);
        await relocsCommand(a.positional[0], io.outStream ?? io.out);
        return 0;
      }
      case 'load-all': {
        if (a.positional.length !== 1) throw new CliError('USAGE', 'load-all needs one directory of modules (see modscope --help)', undefined, 1);
        return await loadAllCommand(a.positional[0], a.flags.has('--json'), io.outStream ?? io.out);
      }
      default:
        throw new CliError('USAGE', `unknown command "${a.command}" (see modscope --help)`, undefined, 1);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(formatError(e.code, e.message, e.offset) + '\n');
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(formatError('INTERNAL', msg) + '\n');
    return 2;
  }
}

// Run when executed directly (node out/cli/modscope.mjs …); bin.mjs imports run() instead.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
