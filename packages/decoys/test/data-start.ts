import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Persona } from '@decnet/core'
import type { EmittedEvent, Emulator, ServiceConfigValue } from '../src/emulator.ts'
import { trackStarted } from './started.ts'

/** Starting a data-service emulator with a given persona, and running real clients against it. */

const run = promisify(execFile)

export type Started = { host: string; ports: number[]; port: number; events: EmittedEvent[] }

let nextHost = 0
/** A loopback address of its own per emulator (real clients connect to well-known ports on it). */
export function freshHost(): string {
  nextHost++
  return `127.${60 + (process.pid % 60)}.${Math.floor(nextHost / 250)}.${(nextHost % 250) + 2}`
}

export async function start(
  emulator: Emulator,
  persona: Persona,
  options: { host?: string; ports?: number[]; config?: Record<string, ServiceConfigValue> } = {},
): Promise<Started> {
  const host = options.host ?? freshHost()
  const events: EmittedEvent[] = []
  const running = await emulator.start({
    decky: 'decky-test',
    service: emulator.slug,
    bindAddress: host,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    persona,
    seed: persona.seed,
    hostname: persona.hostname,
    emit: (event) => events.push(event),
  })
  trackStarted(() => running.close())
  return { host, ports: running.ports, port: running.ports[0] as number, events }
}

export async function cli(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { timeout: 60_000 }).catch((failure: { stdout?: string; stderr?: string }) => ({
    stdout: failure.stdout ?? '',
    stderr: failure.stderr ?? '',
  }))
}
