// A FIFO async mutex. SQLite through Prisma uses ONE write connection: a statement issued while
// another caller's interactive transaction is open would silently run inside that transaction (and
// be rolled back with it). Serialising every write on a SQLite handle rules that out; SQLite has a
// single writer anyway, so little concurrency is lost. Reads use their own connections (client.ts).
export class Mutex {
  #tail: Promise<void> = Promise.resolve()
  #queued = 0

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#queued++
    const result = this.#tail.then(task).finally(() => {
      this.#queued--
    })
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  /** No task running or waiting. */
  get idle(): boolean {
    return this.#queued === 0
  }
}
