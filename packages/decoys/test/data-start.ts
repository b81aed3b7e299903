import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Persona } from '@decnet/core'
import ModbusRTU from 'modbus-serial'
import type { EmittedEvent, Emulator, ServiceConfigValue } from '../src/emulator.ts'
import { testEmulatorContext, trackStarted } from './started.ts'

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
  const running = await emulator.start(
    testEmulatorContext(emulator.slug, host, persona, (event) => events.push(event), options),
  )
  trackStarted(() => running.close())
  return { host, ports: running.ports, port: running.ports[0] as number, events }
}

export async function cli(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { timeout: 60_000 }).catch((failure: { stdout?: string; stderr?: string }) => ({
    stdout: failure.stdout ?? '',
    stderr: failure.stderr ?? '',
  }))
}

/**
 * net-snmp's own client against an agent at `target` (host:port): SNMPv2c, community `public`, one try
 * of 2 s; `format` is its output option (`-On` numeric OIDs, `-Oqv` the bare value). Its stdout.
 */
export async function snmpCli(
  tool: 'snmpget' | 'snmpwalk',
  target: string,
  oids: string[],
  format: '-On' | '-Oqv' = '-On',
): Promise<string> {
  return (await cli(tool, ['-v2c', '-c', 'public', format, '-t', '2', '-r', '0', target, ...oids])).stdout
}

/** A PLC's Modbus device identification (basic objects: vendor, product code, revision), by modbus-serial. */
export async function modbusIdentity(host: string, port: number): Promise<Record<number, string>> {
  const client = new ModbusRTU()
  await client.connectTCP(host, { port })
  client.setTimeout(3000)
  const identity = await client.readDeviceIdentification(1, 0)
  await new Promise<void>((resolve) => client.close(() => resolve()))
  return identity.data as Record<number, string>
}

/** dig asking a DNS server for a CHAOS TXT name (`version.bind`, `hostname.bind`): one try of 3 s. */
export async function digChaos(
  host: string,
  port: number,
  name: string,
  ...options: string[]
): Promise<string> {
  return (
    await cli('dig', [
      `@${host}`,
      '-p',
      String(port),
      name,
      'chaos',
      'txt',
      ...options,
      '+time=3',
      '+tries=1',
    ])
  ).stdout
}
