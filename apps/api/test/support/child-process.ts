import type { ChildProcess } from 'node:child_process'

/** Everything a child prints (stdout and stderr, interleaved as it arrives), read when asked. */
export function captureOutput(child: ChildProcess): () => string {
  let log = ''
  const append = (chunk: Buffer) => {
    log += chunk.toString()
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  return () => log
}

/** Waits until `url` answers 2xx; fails early, with what it printed, if the child exits first. */
export async function waitForUrl(
  url: string,
  child: ChildProcess,
  output: () => string,
  { timeoutMs, pollMs, name }: { timeoutMs: number; pollMs: number; name: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`)
}
