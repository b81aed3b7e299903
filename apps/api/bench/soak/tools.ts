// The soak's real attacker tools (nmap, hydra, hping3) as child processes, and what each one says it
// did, parsed from its own output: the soak compares those counts with what DECNET stored.
import { spawn } from 'node:child_process'

export type ToolRun = { code: number | null; output: string }

/** Runs `command` to its end (or until `signal` aborts it with SIGINT); stdout and stderr together. */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; signal?: AbortSignal } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk))
    const onAbort = () => child.kill('SIGINT')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.once('error', reject)
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') })
    })
  })
}

export type HydraAttempt = { target: string; login: string; password: string }

export type HydraReport = {
  /** Every `[ATTEMPT]` and `[RE-ATTEMPT]` line (-V): what hydra says it sent. */
  attempts: HydraAttempt[]
  reattempts: number
  /** From its closing line `N of M target(s) completed`. */
  completedTargets: number
  targets: number
  errors: string[]
}

const HYDRA_ATTEMPT =
  /^\[(RE-)?ATTEMPT\] target (\S+) - login "(.*)" - pass "(.*)" - \d+ of \d+ \[child \d+\]/
const HYDRA_DONE = /^(\d+) of (\d+) targets? (?:successfully )?completed/

/** Reads hydra's verbose output (`-V`). */
export function parseHydra(output: string): HydraReport {
  const report: HydraReport = { attempts: [], reattempts: 0, completedTargets: 0, targets: 0, errors: [] }
  for (const line of output.split('\n')) {
    const attempt = HYDRA_ATTEMPT.exec(line)
    if (attempt) {
      if (attempt[1]) report.reattempts++
      report.attempts.push({ target: attempt[2]!, login: attempt[3]!, password: attempt[4]! })
      continue
    }
    const done = HYDRA_DONE.exec(line)
    if (done) {
      report.completedTargets = Number(done[1])
      report.targets = Number(done[2])
    } else if (line.startsWith('[ERROR]')) report.errors.push(line.slice(0, 200))
  }
  return report
}

export type NmapHost = { ip: string; open: number[]; scanned: number }
export type NmapReport = { hosts: NmapHost[]; rawPacketsSent: number; rawPacketsReceived: number }

/**
 * Reads nmap's XML (`-oX`) for each host's open ports and how many ports it scanned (open plus the
 * `extraports` it summarised), and its verbose closing line `Raw packets sent: N (…) | Rcvd: M (…)`.
 */
export function parseNmap(xml: string, output: string): NmapReport {
  const hosts: NmapHost[] = []
  for (const host of xml.split('<host ').slice(1)) {
    const ip = /<address addr="([\d.]+)" addrtype="ipv4"/.exec(host)?.[1]
    if (!ip) continue
    const open = [...host.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"/g)].map((m) =>
      Number(m[1]),
    )
    const listed = [...host.matchAll(/<port protocol="tcp"/g)].length
    const summarised = [...host.matchAll(/<extraports state="[^"]+" count="(\d+)"/g)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    )
    hosts.push({ ip, open, scanned: listed + summarised })
  }
  const raw = /Raw packets sent: (\d+) .*\| Rcvd: (\d+)/.exec(output)
  return { hosts, rawPacketsSent: Number(raw?.[1] ?? 0), rawPacketsReceived: Number(raw?.[2] ?? 0) }
}

/** hping3's closing statistics (`-q`): `N packets transmitted, M packets received`. */
export function parseHping(output: string): { transmitted: number; received: number } {
  const stats = /(\d+) packets transmitted, (\d+) packets received/.exec(output)
  return { transmitted: Number(stats?.[1] ?? 0), received: Number(stats?.[2] ?? 0) }
}
