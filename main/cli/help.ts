import { MACHINE } from '../../engine/machine/index';
import { VIEWS } from '../../host-common/views';

/** A command's help entry: its usage lines on the left, the text wrapped into the column at 51 (lines ≤ 106 wide). */
function column(usage: string[], text: string, at = 51, width = 55): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  const n = Math.max(lines.length, usage.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${(usage[i] ?? '').padEnd(at)}${lines[i] ?? ''}`.trimEnd());
  return out.join('\n');
}

export const HELP = `modscope — see how Linux loads a kernel module

Usage:
  modscope info <module.ko[.xz|.zst|.gz]>          explain the module in plain words
  modscope info <module.ko> --json                 everything as JSON (header, sections,
                                                   symbols, relocations, notes, module facts),
                                                   written as it is produced (streamed)
  modscope relocs <module.ko>                      the relocations, exactly as readelf -r -W
                                                   prints them
  modscope load <module.ko> [name=value …]        load it into the modelled Debian 6.1 kernel and
        [--init|--finit] [--kaslr SEED] [--paging 5]  print every step of load_module() and the
        [--with dep.ko …] [--modprobe MODULES_DIR]    kernel log; --modprobe loads what it needs first
        [--json] [--dump DIR] [--no-exec]            --json: the whole trace; --dump: DIR/layout.json and
                                                   DIR/sections/<index>.bin (each section as init got it);
                                                   init runs on the modelled CPU unless --no-exec
        [--kernel 2.4 [-f]]                          --kernel 2.4: the 2.4 model instead, linked by modutils'
                                                   insmod in user space; -f forces past a version mismatch
  modscope load-all <modules dir> [--json]         every module under the directory, in dependency order,
                                                   into one kernel; counts and every failure
  modscope init-all <modules dir> [--every N]      run the init function of every module that has one (each
        [--budget N] [--json] [--speculate]        on a fresh kernel with its modprobe dependencies) on the
                                                   modelled CPU; counts: returned 0 / -errno, stopped at a
                                                   kernel function without a model (Modscope cannot say
                                                   what Linux does after it), oops, budget ran out (over N
                                                   instructions, default 5,000,000: cannot say), tool errors; the
                                                   not-modelled functions runs stopped at, most first.
                                                   --every N: every N-th module; --speculate: not-modelled
                                                   calls return 0 and the run goes on (counted apart)
  modscope shell <lesson.sh> [--kaslr SEED]        run shell lines (insmod, rmmod, modprobe, lsmod, modinfo,
        [--modules DIR] [--kernel 2.4]             dmesg, cat/echo on /proc and /sys) and print what a root
                                                   terminal shows; module paths relative to the script
${column(
  [
    '  modscope export <module.ko> [name=value …]',
    '        [--step N | --pos N] --out FILE',
    '        [--view VIEW] [--kernel 6.1|2.4]',
    '        [--format svg|png|pdf] [--scale 1|2|4]',
    '        [--slide] [--theme projector|screen]',
  ],
  "the app's view at one step, drawn by the web app in headless Chromium (default: the last step, the finished operation): " +
    `any view of the app's registry (${VIEWS.map((v) => v.id).join(' ')}; compare = compare-lanes); PNG at 1×/2×/4×; ` +
    "--slide frames it as a 16:9 slide; --kernel 2.4 (or a compare view): the 2.4 ⇄ 6.1 comparison, --step counting that kernel's steps",
)}
  modscope deck <module.ko> [name=value …]        steps N..M as 16:9 slides: one PDF (a page a step) or
        [--from N] [--to M] --out PATH             --format svg: numbered SVGs in the folder PATH (default:
        [--view …] [--kernel …]                    the whole operation, at most 300 steps); one frame for
        [--format pdf|svg] [--theme …]             every page, a big-text slide where the view is absent
  modscope whatif <module.ko> MUTATION [name=value …]  load it as it is and as mutated (crc:SYMBOL,
        [--with dep.ko …] [--json] | --list       vermagic:STRING, licence:STRING, field:e_machine=3,
        [--save out.ko]                            init:-ENODEV, unexport:SYMBOL, without:MODULE, A+B …):
                                                   where load_module() parts, both outcomes, the kernel log;
                                                   --save writes the mutated module instead
  modscope quiz <module.ko> [name=value …]        an exercise read off the module's trace, with answers:
        [--seed N] [--student S] [--count N]       relocation, layout, resolution, checks, parameters,
        [--kinds k1,k2] [--kernel 2.4]             printk, cpu, compare (2.4 vs 6.1), refcount; the same
        [--with dep.ko …] [--json]                 seed and student give the same questions; --sheet
        [--sheet out.pdf|out.md]                   writes the sheet and its key (out.key.pdf / .md)
  modscope serve [module.ko …] [--port N]         the app in your browser (its built web bundle, the engine
        [--host ADDR] [--modules DIR]              in a Web Worker), the modules served read-only, the first
                                                   opened; what "npm start" runs where Electron is absent;
                                                   --modules: a lib/modules/<version> tree for the shell
                                                   pane's modprobe (read a module at a time, as needed)
  modscope --help | --version

"info" prints what readelf -h and modinfo would show: the file (compression, signature),
the ELF header field by field, a summary of the sections, the .modinfo keys, parameters,
dependencies, how many symbols the module imports, and what it exports.
In --json output, 64-bit values are strings like "0xffffffffc0000000".
"relocs" prints, per relocation section, readelf's header line ("Relocation section '.rela.text'
at offset 0x… contains N entries:"), its column line, and one line per relocation: offset, info,
type, the symbol's value and name, and the addend (RELA sections only).

Compressed modules (.ko.xz, .ko.zst, .ko.gz) are opened transparently.

"export" and "deck" boot the modelled kernel in the web app, run "insmod <module.ko> name=value …",
and seek; steps count from 1 as in the app's timeline, positions from 0. They need Chromium
(/usr/bin/chromium, or MODSCOPE_CHROMIUM) and build the web app into out/cli/web when needed.

The modelled kernel is Debian 12's 6.1.0-50-amd64 (samples/kernel/…json.gz: its exports, CRCs,
config and vermagic) on ${MACHINE.name}
(samples/kernel/machine-qemu-pc.json.gz, recorded from the real kernel under QEMU), booted nokaslr unless --kaslr SEED picks a reproducible random layout.
"load" exits 1 when the kernel refuses the module (the log says why, as the real kernel does).

Exit codes: 0 ok · 1 usage error (load: the load failed) · 2 the file could not be read or parsed; errors print as
  modscope: error CODE at offset 0x…: message
`;
