/**
 * Queued work on a real module: cfg80211's init (net/wireless/reg.c regulatory_init_db() → regulatory_hint_core() →
 * schedule_work(&reg_work)) queues reg_todo(); a kworker runs it after init returns, it asks the firmware loader for
 * regulatory.db (request_firmware_nowait()), the machine has none, and regdb_fw_cb() gets NULL — the five lines the
 * real kernel under QEMU logged right after cfg80211's certificate lines (scripts/qemu/recordings/modprobe-sample).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS } from '../../scripts/test-support/kernel';
import { moduleIndex } from '../../main/cli/shell';
import { Shell } from '../shell/index';
import { attachCpu } from './attach';
import { join } from 'node:path';

const REGDB = [
  '<3>platform regulatory.0: firmware: failed to load regulatory.db (-2)',
  '<3>firmware_class: See https://wiki.debian.org/Firmware for information about missing firmware',
  '<3>platform regulatory.0: firmware: failed to load regulatory.db (-2)',
  '<4>platform regulatory.0: Direct firmware load for regulatory.db failed with error -2',
  '<6>cfg80211: failed to load regulatory.db',
];

describe.skipIf(!existsSync(join(CORPUS, 'net', 'wireless', 'cfg80211.ko')))('work items a module init queued', () => {
  const shell = (): Shell => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const files = (p: string): Uint8Array | null => (existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
    return new Shell(k, files, { moduleIndex: moduleIndex(CORPUS) });
  };

  it("cfg80211: reg_todo() runs after init, regulatory.db is missing, and the real kernel's five lines follow the cert lines", () => {
    const sh = shell();
    const from = sh.k.log.records.length;
    const r = sh.run('modprobe cfg80211');
    expect(r.exit).toBe(0);
    const log = sh.k.log.records.slice(from).map((x) => `<${x.level}>${x.text}`);
    const certs = log.findIndex((l) => l.startsWith("<5>cfg80211: Loaded X.509 cert 'wens"));
    expect(certs).toBeGreaterThan(0);
    expect(log.slice(certs + 1)).toEqual(REGDB);
    // request_firmware_nowait() pinned cfg80211; the kworker's module_put() after the callback drops it again.
    expect(sh.run('cat /proc/modules').output).toMatch(/^cfg80211 \d+ 0 - Live /m);
    const steps = Array.from({ length: sh.k.timeline.stepCount() }, (_, i) => sh.k.timeline.step(i));
    const titles = steps.map((s) => s?.title ?? '');
    expect(titles).toContain('A kworker runs reg_todo() [cfg80211]');
    expect(titles).toContain('A kworker runs request_firmware_work_func() for regulatory.db');
    // The second reg_todo() (restore_regulatory_settings() queued it) reaches call_crda()'s kobject_uevent_env(&reg_pdev->dev.kobj,
    // KOBJ_CHANGE, {"COUNTRY=00"}): nobody listens and there is no uevent helper on the machine, so it returns 0 and the work
    // arms crda_timeout (3142 ms, a timer the model does not fire) and completes.
    const works = steps.filter((s) => s?.fn === 'process_one_work');
    expect(works.map((s) => s?.title)).toEqual([
      'A kworker runs rfkill_global_led_trigger_worker() [rfkill]',
      'A kworker runs reg_todo() [cfg80211]',
      'A kworker runs request_firmware_work_func() for regulatory.db',
      'A kworker runs reg_todo() [cfg80211]',
    ]);
    expect(works.at(-1)?.text).toMatch(/calling .*snprintf, kobject_uevent_env, queue_delayed_work_on, .*\. It returned\.$/);
    // rfkill's LED work: led_trigger_event() on rfkill-any and rfkill-none, whose led_cdevs lists are empty (no LED of the
    // machine is on them, recordings/leds-uevent.qemu.json).
    expect(works[0]?.text).toMatch(/calling mutex_lock, mutex_unlock, led_trigger_event\. It returned\.$/);
    expect(sh.k.timeline.ops.at(-1)?.end ?? { kind: 'returned' }).toEqual({ kind: 'returned' });
  });

  it('the wiki line is pr_err_once(): a second regulatory.db failure in the same boot prints the other four only', () => {
    const sh = shell();
    sh.run('modprobe cfg80211');
    sh.run('rmmod cfg80211');
    const from = sh.k.log.records.length;
    expect(sh.run('modprobe cfg80211').exit).toBe(0);
    const log = sh.k.log.records.slice(from).map((x) => `<${x.level}>${x.text}`);
    expect(log.slice(-4)).toEqual(REGDB.filter((l) => !l.includes('wiki')));
  });
});
