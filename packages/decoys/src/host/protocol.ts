/**
 * Messages between a decky worker thread (`decky-worker.ts`) and the process that supervises it
 * (the local engine). Events cross as plain objects; functions (the event sink) stay in the parent.
 */
import type { DecoyEvent } from '../emulator.ts'
import type { StartEmulatorOptions } from '../start.ts'

/** What the parent passes when it creates a worker. */
export type DeckyWorkerData = {
  /**
   * Extra emulators by slug → module URL exporting `emulator` (test fixtures, e.g. one that faults on
   * purpose); the registry's emulators are always available.
   */
  extraEmulators?: Record<string, string>
}

export type WorkerServiceOptions = Omit<StartEmulatorOptions, 'onEvent'>

export type ToWorker =
  | { type: 'start'; id: number; slug: string; options: WorkerServiceOptions }
  | { type: 'stop'; id: number }

export type FromWorker =
  | { type: 'started'; id: number; ports: number[] }
  | { type: 'start_failed'; id: number; message: string }
  | { type: 'stopped'; id: number }
  | { type: 'event'; event: DecoyEvent }
