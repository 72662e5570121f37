/**
 * The CPU pane in the browser build: insmod hello count=3, walk hello_init's instructions under
 * do_one_initcall — per basic block, over calls — and look at the disassembly around rip, the call
 * stack with _printk reached from hello_init, and the memory a register points at.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootAndInsmod, shooter } from './support';

const shot = shooter('cpu');

/** Scroll the virtualised steps list until a row for fn is rendered, then click it. */
async function pickStep(page: Page, fn: string) {
  const list = page.getByTestId('steps-list');
  const scroller = list.locator('.virtual-scroll');
  const row = list.locator(`[data-fn="${fn}"]`).first();
  for (let i = 0; i < 60 && !(await row.count()); i++) {
    await scroller.evaluate((el) => (el.scrollTop += el.clientHeight - 40));
    await page.waitForTimeout(80);
  }
  await row.click();
}

test('CPU pane: hello_init instruction by instruction, by block, over calls; stack, disassembly, memory', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await bootAndInsmod(page);

  await pickStep(page, 'do_one_initcall');
  const cpu = page.getByTestId('cpu-panel');
  await expect(cpu).toBeVisible();
  await expect(cpu.locator('h3')).toContainText('instruction 1');
  // The first instruction: rip at hello_init's entry, one frame returning into do_one_initcall.
  await expect(cpu.locator('.cpu-where')).toHaveText(/^hello_init\+0x0\/0x[0-9a-f]+ \[hello\]$/);
  const ripText = await cpu.locator('[data-testid=cpu-reg][data-reg=rip]').textContent();
  expect(ripText).toMatch(/^ffffffffc0[0-9a-f]{6}$/);
  const rsp0 = BigInt(`0x${await cpu.locator('[data-testid=cpu-reg][data-reg=rsp]').textContent()}`);
  expect(rsp0 % 8n).toBe(0n);
  await expect(page.getByTestId('cpu-frame')).toHaveCount(1);
  await expect(page.getByTestId('cpu-frame').first()).toContainText('returns into do_one_initcall');
  const current = page.locator('[data-testid=cpu-disasm-row][data-current=yes]');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText(ripText?.slice(-8) ?? 'x');
  // ftrace_module_init() made the `call __fentry__` a 5-byte NOP before init ran, as on the real kernel.
  await expect(current).toContainText('0f 1f 44 00 00');
  await expect(current).toContainText(/nopl?\s/);
  await expect(current).not.toContainText('__fentry__');

  // Per basic block: the first block runs through the count<0 test (jns).
  await page.getByTestId('cpu-next-block').click();
  await expect(cpu.locator('h3')).toContainText('instruction 6');
  await expect(page.getByTestId('step-item')).toContainText('item 6 of');
  // Instruction by instruction (→) to the first printk call.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(cpu.locator('h3')).toContainText('instruction 8');
  await expect(page.getByTestId('cpu-kernel-call')).toContainText('_printk()');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText(/call\s+0xffffffff[0-9a-f]+ <_printk>/);
  // Rows before and after the current one, decoded from memory.
  const rows = page.getByTestId('cpu-disasm-row');
  const n = await rows.count();
  const at = await rows.evaluateAll((els) => els.findIndex((e) => e.getAttribute('data-current') === 'yes'));
  expect(at).toBeGreaterThanOrEqual(3);
  expect(n - at - 1).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('cpu-disasm')).toContainText('<count>');
  // The stack: _printk (the kernel model reached) innermost, called from hello_init.
  const frames = page.getByTestId('cpu-frame');
  await expect(frames).toHaveCount(2);
  await expect(frames.nth(0)).toHaveAttribute('data-kernel', 'yes');
  await expect(frames.nth(0)).toContainText('_printk');
  await expect(frames.nth(0)).toContainText(/returns to [0-9a-f]+ hello_init\+0x31\/0x[0-9a-f]+ \[hello\]/);
  await expect(frames.nth(1)).toContainText(/hello_init\+0x2c\/0x[0-9a-f]+ \[hello\]/);
  await cpu.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, '01-printk-call');

  // Step over the call: the next instruction of hello_init (the printk ran inside the model).
  await page.getByTestId('cpu-step-over').click();
  await expect(cpu.locator('h3')).toContainText('instruction 9');
  await expect(page.getByTestId('step-item')).toContainText('item 9 of');
  await expect(page.getByTestId('cpu-kernel-call')).toHaveCount(0);
  await expect(frames).toHaveCount(1);
  // Back by a block: the start of the block that made the call.
  await page.getByTestId('cpu-prev-block').click();
  await expect(cpu.locator('h3')).toContainText('instruction 6');
  // The same by key: o steps over, b goes to the next block, B back.
  await page.keyboard.press('o');
  await expect(cpu.locator('h3')).toContainText('instruction 7');
  await page.keyboard.press('b');
  await expect(cpu.locator('h3')).toContainText('instruction 9');
  await page.keyboard.press('B');
  await expect(cpu.locator('h3')).toContainText('instruction 6');
  await page.keyboard.press('ArrowRight');
  await expect(cpu.locator('h3')).toContainText('instruction 7');

  // Memory at a pointer: rsp points into the kernel stack; rdi (after the mov) at the format string.
  await page.getByTestId('cpu-step-over').click();
  await expect(cpu.locator('h3')).toContainText('instruction 8');
  await cpu.locator('[data-testid=cpu-reg][data-reg=rdi]').click();
  const mem = page.getByTestId('cpu-memory');
  await expect(mem).toHaveAttribute('data-mapped', 'yes');
  await expect(mem).toHaveAttribute('data-reg', 'rdi');
  // KERN_SOH "7" then the format: "\x017hello: greeting %d time(s)\n".
  await expect(mem.locator('.cpu-mem-row').first()).toContainText('013768656c6c6f');
  await expect(mem).toContainText('.7hello: greetin');
  await shot(page, '02-memory-at-rdi');
  await cpu.locator('[data-testid=cpu-reg][data-reg=rsp]').click();
  await expect(mem).toHaveAttribute('data-reg', 'rsp');
  await expect(mem).toHaveAttribute('data-where', 'stack');
  // rsp → the saved %rbx (0), then the return address into the kernel (the model's sentinel).
  await expect(mem.locator('.cpu-mem-row').first()).toContainText('00000000000000000000addeffffffff');
  await shot(page, '03-memory-at-rsp');
  expect(errors).toEqual([]);
});

/** The real kernel's log for `insmod oops.ko` (scripts/qemu/scenarios/oops.qemu.json). */
function recordedOops(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const rec = JSON.parse(readFileSync(join(here, '../scripts/qemu/scenarios/oops.qemu.json'), 'utf8')) as {
    steps: { cmd: string; kmsg: { text: string }[] }[];
  };
  return rec.steps.find((s) => s.cmd === 'insmod oops.ko')?.kmsg.map((m) => m.text) ?? [];
}

test('CPU pane: the oops sample ends on the faulting instruction, marked, with CR2 and the #PF error code', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  await page.getByTestId('sample-picker').selectOption('/samples/oops/oops.ko');
  await expect(page.getByTestId('module-name')).toContainText('oops.ko', { timeout: 30_000 });
  await page.getByTestId('tab-load').click();
  await page.getByTestId('boot-button').click();
  await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });
  await page.getByTestId('insmod-button').click();
  await expect(page.getByTestId('shell-transcript')).toContainText('Killed', { timeout: 30_000 });
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');

  await pickStep(page, 'do_one_initcall');
  const cpu = page.getByTestId('cpu-panel');
  await expect(cpu.locator('h3')).toContainText('instruction 1');
  await expect(page.getByTestId('cpu-instruction')).toHaveAttribute('data-faulting', 'no');
  await expect(page.getByTestId('cpu-fault')).toHaveCount(0);
  // Six instructions complete (the ftrace NOP, the first pr_info), the seventh faults.
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(cpu.locator('h3')).toContainText('instruction 6');
  await expect(cpu.locator('.cpu-where')).toHaveText(/^null_deref_init\+0x1f\//);
  await expect(page.getByTestId('cpu-fault')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(cpu.locator('h3')).toContainText('instruction 7');
  await expect(page.getByTestId('step-item')).toContainText('item 7 of 7');

  const real = recordedOops();
  const rip = real.find((l) => l.startsWith('RIP: 0010:')) ?? 'no RIP line';
  await expect(cpu.locator('.cpu-where')).toHaveText(rip.slice('RIP: 0010:'.length));
  await expect(page.getByTestId('cpu-instruction')).toHaveAttribute('data-faulting', 'yes');
  await expect(page.getByTestId('cpu-instruction')).toContainText('mov    (%rax),%esi');
  await expect(page.getByTestId('cpu-instruction')).toContainText('faulted: #PF');
  const cr2 = real.find((l) => /^CR2: [0-9a-f]{16}$/.test(l)) ?? 'no CR2 line';
  await expect(page.getByTestId('cpu-fault-cr2')).toContainText(cr2.replace('CR2: ', 'CR2 '));
  const oops = real.find((l) => l.startsWith('Oops: ')) ?? 'no Oops line';
  await expect(page.getByTestId('cpu-fault-code')).toHaveText(`error code 0x${/^Oops: ([0-9a-f]{4})/.exec(oops)?.[1]}`);
  const head = real.filter((l) => l.startsWith('BUG: ') || l.startsWith('#PF: '));
  expect(head.length).toBe(3);
  const shown = await page.getByTestId('cpu-fault-lines').locator('div').allTextContents();
  expect(shown.filter((l) => l.startsWith('BUG: ') || l.startsWith('#PF: '))).toEqual(head);
  await expect(page.locator('[data-testid=cpu-disasm-row][data-current=yes]')).toHaveClass(/faulting/);
  await cpu.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, '04-oops-faulting-instruction');
  expect(errors).toEqual([]);
});
