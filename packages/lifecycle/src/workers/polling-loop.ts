/**
 * The schedule shared by the background workers that poll the database (incidents, enrichment,
 * correlation): one pass at a time, the next one `intervalMs` after the last ended, `wake()` for a
 * pass soon (after an ingest batch) that never overlaps a running one, and `stop()` waiting for the
 * pass in flight. A failed pass is reported, kept as `lastError` until a pass succeeds, and the
 * schedule goes on.
 */
export type PollingLoopOptions = {
  /** One pass of the worker's job. */
  pass(): Promise<void>
  intervalMs: number
  /** Called with what a failed pass threw. */
  onError?: (error: unknown) => void
}

export class PollingLoop {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = true
  private wokenWhileRunning = false
  private failure: string | null = null

  constructor(private readonly options: PollingLoopOptions) {}

  /** The message of the last pass's error; `null` once a pass succeeds. */
  get lastError(): string | null {
    return this.failure
  }

  get isStopped(): boolean {
    return this.stopped
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  /** Runs a pass soon instead of waiting for the interval (once more after a pass in flight). */
  wake(): void {
    if (this.stopped) return
    if (this.running) {
      this.wokenWhileRunning = true
      return
    }
    clearTimeout(this.timer)
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  private schedule(delayMs: number) {
    this.timer = setTimeout(() => {
      this.running = this.options
        .pass()
        .then(
          () => {
            this.failure = null
          },
          (error: unknown) => {
            this.failure = error instanceof Error ? error.message : String(error)
            this.options.onError?.(error)
          },
        )
        .finally(() => {
          this.running = undefined
          if (this.stopped) return
          const again = this.wokenWhileRunning
          this.wokenWhileRunning = false
          this.schedule(again ? 0 : this.options.intervalMs)
        })
    }, delayMs)
    this.timer.unref()
  }
}
