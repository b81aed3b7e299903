// A FIFO async mutex. SQLite through Prisma uses ONE connection: a statement issued while another
// caller's interactive transaction is open would silently run inside that transaction (and be rolled
// back with it). Serialising every repository call on a SQLite handle rules that out; SQLite has a
// single writer anyway, so little concurrency is lost.
export class Mutex {
  #tail: Promise<void> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
