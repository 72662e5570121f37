/**
 * Guided tours: data beside each sample (samples/<name>/tour.json). A tour runs shell lines on a
 * freshly booted modelled kernel, then visits stops; each stop names a step of the trace by what it
 * is (the operation, the kernel function, an item of a block step), never by a raw position, so a
 * tour survives changes to the number of steps before it.
 */
import type { KernelVersion } from '../api-types';

/** Which pane a stop is about. */
export type TourView = 'load' | 'memory' | 'cpu' | 'ring' | 'shell';

export const TOUR_VIEWS: readonly TourView[] = ['load', 'memory', 'cpu', 'ring', 'shell'];

/**
 * A step of the trace: the op-th operation the setup appended (0 = the first), its nth step whose
 * fn is this kernel (or user-space) function, and optionally one item of that block step: by index,
 * by the kernel function an executed instruction reached (`call`), or by the symbol a symbol or
 * relocation item names. `hit` picks among several matching items (0 = the first).
 */
export interface StepRef {
  op: number;
  fn: string;
  nth?: number;
  item?: number;
  call?: string;
  symbol?: string;
  hit?: number;
}

export interface TourStop {
  at: StepRef;
  view: TourView;
  /**
   * Plain words a lecturer can read aloud. `{item.type}`, `{step.title}`, `{operation.command}` …
   * are filled from the step the stop resolves to (see caption.ts).
   */
  caption: string;
  /** Course concepts shown here: "C10". */
  concepts: string[];
}

export interface Tour {
  id: string;
  title: string;
  /** The sample folder under samples/. */
  sample: string;
  kernel: KernelVersion;
  /** Module files the setup needs, relative to samples/ (default: "<sample>/<sample>.ko"). */
  files?: string[];
  /**
   * Files made from a sample by a what-if mutation before the setup runs, as scripts/qemu scenarios make them
   * (`#! make NAME.ko from SOURCE MUTATION`): the same bytes the real kernel was given.
   */
  made?: MadeFile[];
  /** Shell lines run in order on the booted kernel, e.g. "insmod hello.ko count=3". */
  setup: string[];
  stops: TourStop[];
}

/** A stop found on the trace. */
export interface ResolvedStop {
  stop: number;
  pos: number;
  stepIndex: number;
}

/** Where the lesson index sends a concept: a tour stop, or a sample file with a note (things outside the trace). */
export type LessonEntry = { tour: string; stop: number } | { sample: string; file: string; note: string };

export interface ConceptInfo {
  id: string;
  title: string;
  group: string;
}

/** NAME.ko: the sample file `from` (relative to samples/) changed by `mutation` (engine/whatif's KIND:ARGUMENT). */
export interface MadeFile {
  file: string;
  from: string;
  mutation: string;
}
