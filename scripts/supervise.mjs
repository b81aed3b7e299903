// Keeps one child process running: restarts it when it exits on its own, with exponential backoff, at
// most `maxRestarts` times within `windowMs` (then gives up). Every exit and restart is reported.

/**
 * @param {object} options
 * @param {string} options.name  shown in every report line
 * @param {() => import('node:child_process').ChildProcess} options.start  spawns the child
 * @param {(line: string) => void} options.log
 * @param {(code: number) => void} options.giveUp  called once when the limit is reached
 * @param {number} [options.maxRestarts]
 * @param {number} [options.windowMs]
 * @param {number} [options.baseDelayMs]  first delay; doubled for each restart still within the window
 * @param {number} [options.maxDelayMs]
 */
export function supervise({
  name,
  start,
  log,
  giveUp,
  maxRestarts = 5,
  windowMs = 10 * 60_000,
  baseDelayMs = 1_000,
  maxDelayMs = 30_000,
}) {
  /** Times of the restarts still within the window. */
  let restarts = []
  let stopped = false
  let timer
  let child

  const launch = () => {
    child = start()
    const current = child
    current.on('exit', (code, signal) => {
      if (stopped || current !== child) return
      const now = Date.now()
      restarts = restarts.filter((at) => now - at < windowMs)
      const how = signal ? `signal ${signal}` : `exit code ${code}`
      if (restarts.length >= maxRestarts) {
        log(
          `${name} exited (${how}); it was restarted ${restarts.length} times in ${Math.round(windowMs / 60_000)} min: giving up`,
        )
        giveUp(typeof code === 'number' && code !== 0 ? code : 1)
        return
      }
      const delay = Math.min(baseDelayMs * 2 ** restarts.length, maxDelayMs)
      restarts.push(now)
      log(
        `${name} exited (${how}); restarting in ${(delay / 1000).toFixed(1)} s (restart ${restarts.length} of at most ${maxRestarts} in ${Math.round(windowMs / 60_000)} min)`,
      )
      timer = setTimeout(() => {
        timer = undefined
        if (stopped) return
        launch()
        log(`${name} restarted (pid ${child.pid})`)
      }, delay)
    })
    return current
  }
  launch()

  return {
    /** The child running now (or the one that exited last, while a restart is pending). */
    get child() {
      return child
    },
    /** No more restarts; the caller stops the child. */
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
