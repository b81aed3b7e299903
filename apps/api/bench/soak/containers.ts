// What the soak watches on the decoys' side: each container's restarts, exits and resident memory.
import { readFileSync } from 'node:fs'
import type Docker from 'dockerode'

export type ContainerState = {
  id: string
  name: string
  service: string
  restartCount: number
  startedAt: string
  status: string
  oomKilled: boolean
  pid: number
  memoryLimitBytes: number
}

/** Every container of one DECNET instance, as Docker describes it now. */
export async function instanceContainers(docker: Docker, instance: string): Promise<ContainerState[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`] },
  })
  return Promise.all(
    listed.map(async (entry) => {
      const info = await docker.getContainer(entry.Id).inspect()
      return {
        id: entry.Id,
        name: info.Name.replace(/^\//, ''),
        service: entry.Labels['decnet.service'] ?? entry.Labels['decnet.role'] ?? '?',
        restartCount: info.RestartCount,
        startedAt: info.State.StartedAt,
        status: info.State.Status,
        oomKilled: info.State.OOMKilled,
        pid: info.State.Pid,
        memoryLimitBytes: info.HostConfig.Memory ?? 0,
      }
    }),
  )
}

/** Containers that restarted, stopped or were OOM-killed between two looks. */
export function restartsBetween(before: ContainerState[], after: ContainerState[]): string[] {
  const now = new Map(after.map((container) => [container.id, container]))
  return before.flatMap((was) => {
    const is = now.get(was.id)
    if (!is) return [`${was.name}: gone`]
    if (is.restartCount !== was.restartCount || is.startedAt !== was.startedAt)
      return [`${was.name}: restarted ${is.restartCount - was.restartCount}x`]
    if (is.status !== 'running') return [`${was.name}: ${is.status}`]
    if (is.oomKilled) return [`${was.name}: OOM-killed`]
    return []
  })
}

function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0 // exited between the listing and the read
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

/** Resident memory of a container's process tree (its init and every descendant), in MiB. */
export function containerRssMiB(pid: number): number {
  let kib = 0
  const pending = pid > 0 ? [pid] : []
  while (pending.length > 0) {
    const next = pending.pop()!
    kib += rssKiB(next)
    pending.push(...children(next))
  }
  return kib / 1024
}

/** Highest resident memory seen per container over repeated samples. */
export class RssPeaks {
  readonly peaks = new Map<string, number>()

  sample(containers: ContainerState[]): void {
    for (const container of containers) {
      const rss = containerRssMiB(container.pid)
      this.peaks.set(container.name, Math.max(this.peaks.get(container.name) ?? 0, rss))
    }
  }

  /** The largest peak and whose it was. */
  max(): { name: string; mib: number } {
    let best = { name: '-', mib: 0 }
    for (const [name, mib] of this.peaks) if (mib > best.mib) best = { name, mib }
    return best
  }
}

/**
 * Counts Docker's `die`/`oom`/`restart` events of the instance's containers while it runs: a crash
 * that the restart policy hid by the next look is still seen here.
 */
export async function watchDeaths(
  docker: Docker,
  instance: string,
  signal: AbortSignal,
): Promise<() => string[]> {
  const seen: string[] = []
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      label: [`decnet.instance=${instance}`],
      event: ['die', 'oom', 'restart'],
    },
  })) as NodeJS.ReadableStream & { destroy(): void }
  let buffered = ''
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as { status?: string; Actor?: { Attributes?: Record<string, string> } }
      seen.push(`${event.Actor?.Attributes?.name ?? '?'}: ${event.status ?? '?'}`)
    }
  })
  stream.on('error', () => undefined)
  signal.addEventListener('abort', () => stream.destroy(), { once: true })
  return () => [...seen]
}
