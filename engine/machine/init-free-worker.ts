/**
 * When a module's init area goes back to the modules area. do_init_module() (kernel/module/main.c)
 * does not vfree it: it llist_add()s it to init_free_list and schedule_work()s do_free_init(), which
 * takes the whole list (llist_del_all), waits in synchronize_rcu() for a grace period, then
 * module_memfree()s every area it took. module_alloc() sets VM_FLUSH_RESET_PERMS, so that vfree()
 * purges the lazy vmap areas at once (mm/vmalloc.c vm_remove_mappings → _vm_unmap_aliases): the
 * range is free from then on. Whether modprobe's next module_alloc() already finds it free is a race
 * between that worker and modprobe reading the next file and checking its signature.
 *
 * The model keeps a clock of that race, in grace periods (an RCU grace period on the recorded
 * machine is one unit): reaching module_alloc() costs LOAD_FIXED plus LOAD_PER_BYTE per byte of the
 * module file (kernel_read_file and module_sig_check hash the whole file), the rest of the load and
 * init cost AFTER_ALLOC, and a worker run frees its batch one grace period after it started. The
 * constants are fitted to the recorded sample (scripts/qemu/recordings/modprobe-sample.json.gz, QEMU
 * TCG): the module addresses of 401 of its 500 modprobe runs come out as recorded, against 317 when
 * the worker always finishes during the next load and 235 when it finishes before it. A race on the
 * real machine varies from run to run: the same sample recorded again (modprobe-sample.rerun.json.gz,
 * a busier host) places modules differently in 191 of its 500 targets, so no fixed clock matches
 * every run; engine/machine/init-free-race.ts checks that each remaining difference is a timing the
 * real worker can have (modprobe-sample.expected.json lists them).
 */

/** Time from one module's init returning to the next module's module_alloc(), fixed part (grace periods). */
export const LOAD_FIXED = 0.52;
/** The part that grows with the next module's file: reading and hashing it (grace periods per byte). */
export const LOAD_PER_BYTE = 0.3 / 100_000;
/** From module_alloc() to the end of init (relocation, sysfs, init itself). */
export const AFTER_ALLOC = 0.09;

interface Batch {
  bases: bigint[];
  /** When synchronize_rcu() returns and the batch is freed. */
  end: number;
}

export class InitFreeWorker {
  private now = 0;
  /** On init_free_list: queued by do_init_module(), not yet taken by a worker run. */
  private queued: { base: bigint; at: number }[] = [];
  /** The run in progress: it took these areas with llist_del_all() and is in synchronize_rcu(). */
  private running: Batch | null = null;

  constructor(private readonly release: (base: bigint) => void) {}

  /** Areas queued or taken by the worker whose range is not free yet. */
  get pending(): number {
    return this.queued.length + (this.running?.bases.length ?? 0);
  }

  /** load_module() of a file of fileBytes reached module_alloc(): the worker has run up to now. */
  beforeModuleAlloc(fileBytes: number): void {
    this.now += LOAD_FIXED + LOAD_PER_BYTE * fileBytes;
    this.advance(this.now);
  }

  afterModuleAlloc(): void {
    this.now += AFTER_ALLOC;
  }

  /** do_init_module(): llist_add() + schedule_work(&init_free_wq). */
  queue(base: bigint): void {
    this.queued.push({ base, at: this.now });
  }

  /** A module_memfree() outside the worker (free_module() of a failed load): the area no longer waits. */
  forget(base: bigint): void {
    this.queued = this.queued.filter((q) => q.base !== base);
    if (this.running) this.running.bases = this.running.bases.filter((b) => b !== base);
  }

  /** The command is over (the shell prompt is back): every queued area is freed by now. */
  drain(): void {
    this.advance(Infinity);
  }

  private advance(to: number): void {
    for (;;) {
      if (this.running && this.running.end <= to) {
        for (const b of this.running.bases) this.release(b);
        const ended = this.running.end;
        this.running = null;
        // Areas added while it waited made schedule_work() queue it again: the next run starts now.
        if (this.queued.length) this.start(Math.max(ended, this.queued[0].at));
        continue;
      }
      if (!this.running && this.queued.length && this.queued[0].at <= to) {
        this.start(this.queued[0].at);
        continue;
      }
      return;
    }
  }

  private start(at: number): void {
    this.running = { bases: this.queued.map((q) => q.base), end: at + 1 };
    this.queued = [];
  }
}
