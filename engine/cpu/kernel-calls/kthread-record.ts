/**
 * What the model keeps of a kernel thread a module created (kthread-task.ts schedules it). Its own file so that
 * KernelCallState (state.ts) can hold threads without importing the scheduling code that reads the state.
 */
import type { KernelCallContext, TaskCpu } from '../types';

export interface KThread {
  task: bigint;
  name: string;
  /** threadfn and its data (kthread_create_on_node()'s arguments). */
  fn: bigint;
  data: bigint;
  /** Base of its THREAD_SIZE kernel stack. */
  stack: bigint;
  /**
   * created: asleep in kthread() before threadfn, never woken; runnable: woken, waiting for the CPU; running: on the
   * CPU; sleeping: asleep in threadfn; exited: threadfn returned (kthread_exit()); dead: it faulted (its oops kills it).
   */
  state: 'created' | 'runnable' | 'running' | 'sleeping' | 'exited' | 'dead';
  /** threadfn has been entered. */
  started: boolean;
  /** Its registers where it sleeps (null before threadfn, or where the model cannot resume it). */
  cpu: TaskCpu | null;
  /**
   * What it sleeps in ("schedule()"), and for a wait that checks its condition once woken (a completion's done), what
   * the function returns then, or null when the condition does not hold and the thread sleeps on.
   */
  sleep: { in: string; completion?: bigint; timer?: bigint; resume?: (ctx: KernelCallContext) => bigint | null } | null;
  /** The run (its CPU memory) it was woken in: a thread woken in an earlier run ran there on the real kernel, unfollowed. */
  wokenIn: object | null;
  /** kthread_stop() set KTHREAD_SHOULD_STOP. */
  shouldStop: boolean;
  /** threadfn's return value once exited. */
  ret: bigint | null;
}
