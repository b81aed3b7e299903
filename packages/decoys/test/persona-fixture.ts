import { createHash } from 'node:crypto'
import type { Persona, ServiceProduct } from '@decnet/core/schemas'
import type { ServiceConfigValue } from '../src/emulator.ts'
import { startEmulator } from '../src/start.ts'
import { DEBIAN_12 } from './debian-12.ts'
import { eventLog, loopbackHost } from './helpers.ts'
import { trackStarted } from './started.ts'

/** A Debian 12 mail/file server persona; tests override what they need (services, OS, hostname). */
export function testPersona(
  overrides: Partial<Omit<Persona, 'services'>> & { services?: Record<string, ServiceProduct> } = {},
): Persona {
  const label = overrides.seed ?? 'fixture'
  const seed = createHash('sha256').update(label).digest('hex').slice(0, 32)
  return {
    version: 1,
    seed,
    ...DEBIAN_12,
    hostname: 'mx01',
    domain: { netbios: 'ACME', dns: 'acme.example', joined: false },
    hardware: {
      vendor: 'Dell Inc.',
      model: 'PowerEdge R640',
      serial: '7XK2M53',
      cpuModel: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
      cpuMhz: 2200,
      cpuCores: 4,
      cacheKb: 16896,
      memoryKb: 16_384_000,
    },
    mac: '00:50:56:12:34:56',
    machineId: createHash('sha256').update(`${label}/machine`).digest('hex').slice(0, 32),
    bootTime: Math.floor(Date.now() / 1000) - 12 * 86_400,
    loadBase: 0.3,
    timezone: 'Europe/Berlin',
    services: {},
    ...overrides,
    ...(overrides.seed ? { seed } : {}),
  }
}

/** Starts `slug` in-process on a fresh loopback address with the given persona (as the engines pass it). */
export async function startWithPersona(
  slug: string,
  persona: Persona,
  options: { ports?: number[]; config?: Record<string, ServiceConfigValue>; host?: string } = {},
) {
  const log = eventLog()
  const host = options.host ?? loopbackHost()
  const running = await startEmulator(slug, {
    decky: 'decky-test',
    bindAddress: host,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    persona,
    onEvent: log.sink,
  })
  const close = trackStarted(() => running.close())
  return { host, port: running.ports[0] as number, ports: running.ports, close, ...log }
}
