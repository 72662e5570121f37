/**
 * Questions on what user space sees: will insmod succeed and what it and dmesg say (load_module's
 * checks), what /sys/module/M/parameters/P reads, which printk lines reach the console, and the
 * refcounts lsmod and rmmod show. Answers come from the quiz kernel's shell and log.
 */
import type { ModelKernel } from '../kernel/model';
import { modStrerror } from '../load/errno';
import type { Prng } from '../machine/prng';
import { PrintkBuffer } from '../printk/printk-buffer';
import type { OperationInfo } from '../trace/types';
import type { KernelVersion } from '../trace/types';
import { shuffled } from './seed';
import { opSteps, stepRef, type Candidate } from './trace-walk';

/** What a terminal shows for a command's messages: the lines, or "(nothing)". */
export function printed(lines: string[]): string {
  return lines.length ? lines.join('\n') : '(nothing)';
}

/** Errnos load_module() commonly returns, for insmod's possible messages (kmod's mod_strerror()). */
const LOAD_ERRNOS = [-1, -2, -8, -17, -22, -13];

/** The records an operation printed, oldest first. */
function opRecords(k: ModelKernel, op: OperationInfo): { level: number; text: string; tsNs: number; pos: number }[] {
  return k.log.upTo(op.endPos).filter((r) => r.pos >= op.startPos && r.facility === 0);
}

/** The line of a failed load's log that says why: the first at KERN_ERR or worse (an oops' "BUG: …"), else the last. */
export function whyLine(recs: readonly { level: number; text: string }[]): string | null {
  return (recs.find((r) => r.level <= 3) ?? recs[recs.length - 1])?.text ?? null;
}

export function checksQuestions(k: ModelKernel, op: OperationInfo, file: string, kernel: KernelVersion): Candidate[] {
  const steps = opSteps(k, op);
  const failed = steps.find((s) => s.errno !== undefined);
  const reveal = failed ?? steps.find((s) => s.fn === 'check_module_license_and_versions') ?? steps[steps.length - 1];
  const insmodSays = printed(op.output);
  const choices = [
    ...new Set([
      '(nothing)',
      ...LOAD_ERRNOS.map((e) => `insmod: ERROR: could not insert module ${file}: ${modStrerror(e)}`),
      ...(op.output.length === 1 ? [insmodSays] : []),
    ]),
  ];
  const recs = opRecords(k, op).filter((r) => !failed || r.pos < failed.pos + Math.max(1, failed.span));
  const parts: Candidate['parts'] = [{ label: 'does it load?', format: 'choice', answer: op.result === 0 ? 'yes' : 'no', choices: ['yes', 'no'] }];
  if (op.output.length <= 1) parts.push({ label: 'what insmod prints', format: 'choice', answer: insmodSays, choices });
  else parts.push({ label: 'what insmod prints', format: 'text', answer: insmodSays });
  const why = whyLine(recs);
  if (op.result !== 0 && why !== null) parts.push({ label: 'the dmesg line that says why (without the timestamp)', format: 'text', answer: why });
  return [
    {
      kind: 'checks',
      key: `checks:${op.command}`,
      kernel,
      pos: reveal.pos,
      step: stepRef(k, reveal.pos),
      prompt:
        `\`${op.command}\` on ${kernel === '2.4' ? 'the Linux 2.4 model' : "Debian 12's 6.1.0-50-amd64"}: will the module load (vermagic, CRCs, ` +
        `licence, missing symbols)? If not, what do insmod and dmesg say?`,
      data: { command: op.command, result: op.result },
      parts,
      explanation:
        op.result === 0
          ? `Every check passes; ${reveal.fn}: ${reveal.title}.${recs.length ? ` The kernel logs: ${recs.map((r) => r.text).join(' / ')}` : ''}`
          : `${failed?.fn ?? reveal.fn}() refuses it: ${failed?.text ?? ''} The syscall returns ${op.result}; dmesg: ${recs.map((r) => r.text).join(' / ')}`,
    },
  ];
}

export function parameterQuestions(
  k: ModelKernel,
  op: OperationInfo,
  name: string,
  run: (line: string) => { output: string; exit: number },
): Candidate[] {
  const mod = k.findModule(name);
  if (!mod || op.result !== 0) return [];
  const step = opSteps(k, op).find((s) => s.fn === 'parse_args') ?? opSteps(k, op).find((s) => s.phase === 'params');
  if (!step) return [];
  const out: Candidate[] = [];
  for (const p of mod.params) {
    if ((p.perm & 0o444) === 0) continue;
    const line = `cat /sys/module/${name}/parameters/${p.name}`;
    const r = run(line);
    if (r.exit !== 0) continue;
    const value = r.output.replace(/\n$/, '');
    out.push({
      kind: 'parameters',
      key: `parameters:${p.name}`,
      kernel: '6.1',
      pos: step.pos,
      step: stepRef(k, step.pos),
      prompt: `After \`${op.command}\`, what does \`${line}\` print?`,
      data: { module: name, parameter: p.name, type: p.type, perm: `0${p.perm.toString(8)}`, command: op.command },
      parts: [{ label: 'output', format: 'text', answer: value }],
      explanation:
        'parse_args() ' +
        (op.command.includes(`${p.name}=`)
          ? 'wrote the value given on the command line'
          : 'found no value for it: the variable keeps its initial value') +
        `; the ${p.type} getter prints "${value}".`,
    });
  }
  return out;
}

export function printkQuestions(k: ModelKernel, op: OperationInfo, rng: Prng, kernel: KernelVersion): Candidate[] {
  const recs = opRecords(k, op).slice(-8);
  if (recs.length < 2) return [];
  const out: Candidate[] = [];
  const levels = shuffled(rng, [1, 2, 3, 4, 5, 6, 7, 8]).slice(0, 3);
  for (const L of levels) {
    // The engine's own printk buffer decides (suppress_message_printing(), kernel/printk/printk.c).
    const buf = new PrintkBuffer({ consoleLoglevel: L });
    for (const r of recs) buf.printk({ level: r.level, text: r.text, tsNs: r.tsNs });
    const shown = buf.console.map((c, i) => (c.console ? i + 1 : 0)).filter((i) => i > 0);
    const list = recs.map((r, i) => `${i + 1}. <${r.level}> ${r.text}`).join('\n');
    out.push({
      kind: 'printk',
      key: `printk:console_loglevel=${L}`,
      kernel,
      pos: recs[0].pos,
      step: stepRef(k, recs[0].pos),
      prompt: `\`${op.command}\` prints these records (level in <>). With console_loglevel = ${L}, which reach the console? (numbers, or none)\n${list}`,
      data: { consoleLoglevel: L, levels: recs.map((r) => r.level).join(','), lines: recs.length },
      parts: [{ label: 'line numbers', format: 'list', answer: shown.length ? shown.join(',') : 'none' }],
      explanation: `A record reaches the console only if its level < console_loglevel (${L}); all of them stay in the ring for dmesg.`,
    });
  }
  return out;
}

/** After the ring wrapped: how many lines dmesg prints and the first one (syslog READ_ALL, as busybox dmesg asks). */
export function ringQuestions(k: ModelKernel, op: OperationInfo, run: (line: string) => { output: string; exit: number }): Candidate[] {
  const printedTotal = k.log.upTo(k.timeline.length).length;
  const lines = run('dmesg')
    .output.split('\n')
    .filter((l) => l !== '');
  if (lines.length === 0 || lines.length >= printedTotal) return [];
  const pos = Math.max(op.startPos, op.endPos - 1);
  return [
    {
      kind: 'printk',
      key: 'printk:ring-wrapped',
      kernel: '6.1',
      pos,
      step: stepRef(k, pos),
      prompt:
        `Since boot the kernel printed ${printedTotal} records; the ring has wrapped. How many lines does \`dmesg\` print now, and what is the ` +
        `first one (without its timestamp)?`,
      data: { records: printedTotal },
      parts: [
        { label: 'lines', format: 'number', answer: String(lines.length) },
        { label: 'first line', format: 'text', answer: lines[0].replace(/^\[[^\]]*\]\s*/, '') },
      ],
      explanation:
        `The oldest records were overwritten; dmesg reads what syslog_print_all() returns: the newest records that fit its buffer, ` +
        `${lines.length} lines.`,
    },
  ];
}

/** "Used by" of every module in lsmod, and whether rmmod of the first one loaded succeeds. */
export function refcountQuestions(k: ModelKernel, ops: OperationInfo[], run: (line: string) => { output: string; exit: number }): Candidate[] {
  const out: Candidate[] = [];
  const rows = run('lsmod').output.split('\n').slice(1).filter(Boolean);
  for (const row of rows) {
    const m = /^(\S+)\s+(\d+)\s+(.*)$/.exec(row);
    if (!m) continue;
    const op = ops.find(
      (o) =>
        k.findModule(m[1])?.loadedAt !== undefined &&
        o.result === 0 &&
        o.startPos <= (k.findModule(m[1])?.loadedAt ?? -1) &&
        (k.findModule(m[1])?.loadedAt ?? -1) < o.endPos,
    );
    const step = op ? (opSteps(k, op).find((s) => s.fn === 'do_init_module') ?? opSteps(k, op)[0]) : null;
    if (!step) continue;
    out.push({
      kind: 'refcount',
      key: `refcount:lsmod:${m[1]}`,
      kernel: '6.1',
      pos: step.pos,
      step: stepRef(k, step.pos),
      prompt: `After ${ops.map((o) => `\`${o.command}\``).join(', ')}: what does \`lsmod\` show in the "Used by" column for ${m[1]}?`,
      data: { module: m[1], size: Number(m[2]) },
      parts: [{ label: 'Used by', format: 'text', answer: m[3].trim() }],
      explanation: `lsmod prints module_refcount() (refcnt − 1, the init reference dropped) and the holders that use its exports: "${m[3].trim()}".`,
    });
  }
  const first = ops.find((o) => o.result === 0);
  const victim = first ? k.modules.find((m) => m.loadedAt >= first.startPos && m.loadedAt < first.endPos)?.name : undefined;
  if (victim) {
    const before = k.timeline.ops.length;
    const r = run(`rmmod ${victim}`);
    const op = k.timeline.ops[before];
    if (op) {
      const steps = opSteps(k, op);
      const at = steps.find((s) => s.errno !== undefined) ?? steps[steps.length - 1];
      const says = printed(r.output.split('\n').filter(Boolean));
      out.push({
        kind: 'refcount',
        key: `refcount:rmmod:${victim}`,
        kernel: '6.1',
        pos: at.pos,
        step: stepRef(k, at.pos),
        prompt: `Then \`rmmod ${victim}\`: does it succeed, and what does rmmod print?`,
        data: { module: victim },
        parts: [
          { label: 'succeeds?', format: 'choice', answer: op.result === 0 ? 'yes' : 'no', choices: ['yes', 'no'] },
          { label: 'rmmod prints', format: 'text', answer: says },
        ],
        explanation: `delete_module() ${op.result === 0 ? 'finds no users, runs the exit function and frees the module' : `returns ${op.result}: ${at.text}`}.`,
      });
    }
  }
  return out;
}
