/** One work item on a worklist, as the kworker will run it (workqueue.ts queues them, engine/cpu/attach.ts runs them). */
export interface QueuedWork {
  /** The struct work_struct (0 for the firmware loader's own items, whose work_struct the model does not lay out). */
  work: bigint;
  /** The workqueue it went on (0: system_wq as the firmware loader uses it). */
  wq: bigint;
  /** The function the kworker calls, and its arguments (work->func(work), or a firmware callback). */
  fn: bigint;
  args: bigint[];
  /** What the item is, for the step that runs it ("reg_todo() [cfg80211]", "request_firmware_work_func() for regulatory.db"). */
  what: string;
  /** Kernel-side lines printed before fn is called (the firmware loader's messages), and the module reference put after. */
  printBefore?: (print: (level: number, text: string) => void) => void;
  modulePut?: bigint;
  /** What the kernel side of the item did before fn, for the step ("_request_firmware() found no regulatory.db …"). */
  intro?: string;
}
