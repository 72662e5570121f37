/**
 * Four corpus modules recorded on the real kernel under QEMU (scripts/qemu/record-modules.mjs --only
 * test_static_keys,mpls_iptunnel,ila,xfrm_interface → recordings/static-keys-lwtunnel.modprobe.json.gz), loaded in
 * Modscope with `load --modprobe`: the exit status and the kernel log lines must be the real ones. test_static_keys
 * needs jump labels (engine/kernel/jump-label.ts), mpls_iptunnel and ila lwtunnel_encap_add_ops(), xfrm_interface the
 * right struct xfrm_input_afinfo layout (family, then is_ipip: read the other way round, its dependency tunnel4 found
 * tunnel6's slot taken and failed with -EAGAIN, "tunnel4_init: can't add protocol").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { run } from '../../main/cli/modscope';
import { CORPUS } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

interface Recorded {
  target: string;
  path: string;
  modprobe: { rc: number; kmsg: { level: number; text: string }[] };
}
const RECORDING = join(__dirname, '../../scripts/qemu/recordings/static-keys-lwtunnel.modprobe.json.gz');
const recorded = (JSON.parse(gunzipSync(readFileSync(RECORDING)).toString('utf8')) as { modules: Recorded[] }).modules;

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('static keys and lwtunnel encaps, against the real kernel', () => {
  for (const target of ['test_static_keys', 'mpls_iptunnel', 'ila', 'xfrm_interface']) {
    it(`${target}: exit status and log lines as recorded under QEMU`, async () => {
      const r = recorded.find((m) => m.target === target);
      expect(r, target).toBeDefined();
      if (!r) return;
      let out = '';
      const code = await run(['load', join(CORPUS, r.path.replace(/^kernel\//, '')), '--modprobe', CORPUS], {
        out: (s) => void (out += s),
        err: (s) => void (out += s),
      });
      expect(code, out.slice(-3000)).toBe(r.modprobe.rc);
      expect(out).not.toMatch(/not modelled/);
      const lines = [...out.matchAll(/^<(\d)>\[[ \d.]+\] (.*)$/gm)].map((m) => m[2]);
      expect(lines).toEqual(r.modprobe.kmsg.map((k) => k.text));
    }, 120_000);
  }
});
