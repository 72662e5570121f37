# The memory zones of the modelled machine (QEMU PC, 512 MiB): each zone's managed pages and watermarks (high includes
# watermark_boost: high_wmark_pages()), from which nr_free_buffer_pages() is computed. Recorded with:
# node scripts/qemu/run-scenario.mjs scripts/qemu/recordings/zoneinfo.sh --out scripts/qemu/recordings/zoneinfo.qemu.json
# engine/cpu/kernel-calls/zones.ts computes nr_free_buffer_pages() from it; zones.test.ts checks it against this recording.
grep -E '^Node|^  pages free|^        (min|low|high|managed|spanned|present) ' /proc/zoneinfo
cat /proc/sys/vm/min_free_kbytes
cat /proc/sys/vm/watermark_boost_factor
