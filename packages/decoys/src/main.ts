/**
 * Entry point of a service container. Configuration comes from the environment; events go to stdout
 * as JSON lines (the collector follows the container log); diagnostics go to stderr.
 */
import type { Persona } from '@decnet/core/schemas'
import { parseServiceConfigJson } from './framework/config.ts'
import { fileDropsFromEnv } from './framework/file-drops.ts'
import { startEmulator } from './start.ts'

function fail(message: string): never {
  process.stderr.write(`decnet-decoy: ${message}\n`)
  process.exit(2)
}

function parsePorts(text: string | undefined): number[] | undefined {
  if (!text?.trim()) return undefined
  const ports = text.split(',').map((part) => Number(part.trim()))
  if (ports.some((port) => !Number.isInteger(port) || port < 0 || port > 65535)) {
    fail(`DECNET_PORTS must be a comma-separated list of ports, got '${text}'`)
  }
  return ports
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * `DECNET_PERSONA`: the decky's stored persona as JSON, written by the engine from the validated row.
 * Only its shape is checked here (containers skip zod to keep their memory small).
 */
function parsePersona(text: string | undefined): Persona | undefined {
  if (!text?.trim()) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    fail('DECNET_PERSONA is not valid JSON')
  }
  if (
    !isRecord(value) ||
    typeof value.seed !== 'string' ||
    !/^[0-9a-f]{32}$/.test(value.seed) ||
    typeof value.hostname !== 'string' ||
    typeof value.family !== 'string' ||
    !isRecord(value.os) ||
    !isRecord(value.hardware) ||
    !isRecord(value.services)
  ) {
    fail('DECNET_PERSONA is not a persona (seed, family, hostname, os, hardware, services)')
  }
  return value as Persona
}

async function main(): Promise<void> {
  const env = process.env
  const service = env.DECNET_SERVICE?.trim()
  const decky = env.DECNET_DECKY?.trim()
  if (!service) fail('DECNET_SERVICE is not set')
  if (!decky) fail('DECNET_DECKY is not set')
  let config: ReturnType<typeof parseServiceConfigJson>
  try {
    config = parseServiceConfigJson(env.DECNET_SERVICE_CONFIG)
  } catch (error) {
    fail((error as Error).message)
  }
  const ports = parsePorts(env.DECNET_PORTS)
  const persona = parsePersona(env.DECNET_PERSONA)
  let fileDrops: ReturnType<typeof fileDropsFromEnv>
  try {
    fileDrops = fileDropsFromEnv(env)
  } catch (error) {
    fail((error as Error).message)
  }
  let running: Awaited<ReturnType<typeof startEmulator>> | undefined
  // Installed before starting: as PID 1 a signal without a handler is ignored, not fatal.
  const stop = () => {
    if (!running) process.exit(0)
    running.close().finally(() => process.exit(0))
    // A stuck peer must not hold up `docker stop` until SIGKILL.
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  try {
    running = await startEmulator(service, {
      decky,
      bindAddress: env.DECNET_BIND?.trim() || '0.0.0.0',
      config,
      ...(persona ? { persona } : {}),
      ...(env.DECNET_HOSTNAME?.trim() ? { hostname: env.DECNET_HOSTNAME.trim() } : {}),
      distro: env.DECNET_DISTRO?.trim() || undefined,
      ...(ports ? { ports } : {}),
      fileDrops,
    })
  } catch (error) {
    fail((error as Error).message)
  }
  process.stderr.write(`decnet-decoy: ${service} for ${decky} listening on ${running.ports.join(', ')}\n`)
}

void main()
