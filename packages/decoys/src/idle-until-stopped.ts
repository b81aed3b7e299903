/**
 * Keeps a container's PID 1 (the base's pause, the stack shaper) alive doing nothing, and exits at
 * once on SIGTERM/SIGINT so `docker stop` is instant: PID 1 has no default signal actions, so without
 * these handlers the daemon would wait and SIGKILL.
 */
export function idleUntilStopped(): void {
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1)
  const stop = () => {
    clearInterval(keepAlive)
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
