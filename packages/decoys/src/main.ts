/**
 * Entry point of a decky's decoy container: every built-in service of the decky in this one process.
 * Configuration comes from the environment (the services from `DECNET_SERVICES`, or from the
 * engine's file once it edited them: SIGHUP re-reads it); events go to stdout as JSON lines (the
 * collector follows the container log, each event names its service); diagnostics go to stderr.
 */
import { readFileSync } from 'node:fs'
import type { Persona } from '@decnet/core/schemas'
import { DeckyDecoy } from './decky-decoy.ts'
import {
  DECKY_SERVICES_ENV,
  DECKY_SERVICES_FILE,
  type DeckyService,
  parseDeckyServices,
  servicesDigest,
} from './decky-services.ts'
import { fileDropsFromEnv } from './framework/file-drops.ts'
import { DECKY_TOPOLOGY_ENV, parseDeckyTopology } from './topology-env.ts'

const say = (message: string) => process.stderr.write(`decnet-decoy: ${message}\n`)

function fail(message: string): never {
  say(message)
  process.exit(2)
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

/** The engine's file when it wrote one (a live edit), else the set the container was created with. */
function desiredServices(): { services: DeckyService[]; digest: string } {
  let text: string | undefined
  let where = DECKY_SERVICES_FILE
  try {
    text = readFileSync(DECKY_SERVICES_FILE, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (text === undefined) {
    text = process.env[DECKY_SERVICES_ENV]
    where = DECKY_SERVICES_ENV
    if (!text?.trim()) throw new Error(`${DECKY_SERVICES_ENV} is not set`)
  }
  return { services: parseDeckyServices(text, where), digest: servicesDigest(text) }
}

async function main(): Promise<void> {
  const env = process.env
  const decky = env.DECNET_DECKY?.trim()
  if (!decky) fail('DECNET_DECKY is not set')
  const persona = parsePersona(env.DECNET_PERSONA)
  const topology = await parseDeckyTopology(env[DECKY_TOPOLOGY_ENV]).catch((error: Error) =>
    fail(error.message),
  )
  let decoy: DeckyDecoy
  try {
    decoy = new DeckyDecoy({
      decky,
      bindAddress: env.DECNET_BIND?.trim() || '0.0.0.0',
      ...(persona ? { persona } : {}),
      ...(topology ? { topology } : {}),
      ...(env.DECNET_HOSTNAME?.trim() ? { hostname: env.DECNET_HOSTNAME.trim() } : {}),
      distro: env.DECNET_DISTRO?.trim() || undefined,
      fileDrops: fileDropsFromEnv(env),
    })
  } catch (error) {
    fail((error as Error).message)
  }
  /**
   * Applies the desired set and says so: `applied <digest>` is what the engine waits for after a
   * live edit, with the services that could not start (they are not running).
   */
  const load = async () => {
    const { services, digest } = desiredServices()
    const failures = await decoy.apply(services)
    const listening = decoy.listening.map(({ slug, ports }) => `${slug} on ${ports.join(', ')}`)
    say(
      `applied ${digest}: ${listening.join('; ') || 'no service'}` +
        (failures.length > 0 ? `; cannot start ${failures.join('; ')}` : ''),
    )
    return failures
  }
  // Every handler is installed before the first read: as PID 1 a signal without a handler is
  // ignored, and a SIGHUP for a file written meanwhile must not be lost.
  const stop = () => {
    decoy.close().finally(() => process.exit(0))
    // A stuck peer must not hold up `docker stop` until SIGKILL.
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  // The engine wrote a new service set (a live edit): apply it, keeping the unchanged services.
  process.on('SIGHUP', () => {
    load().catch((error: Error) => say(`reload refused: ${error.message}`))
  })
  // A fault no handler caught: its service alone restarts, or the process ends (Docker restarts it).
  const fault = (error: unknown) => {
    if (decoy.fault(error, say) === 'fatal') process.exit(1)
  }
  process.on('uncaughtException', fault)
  process.on('unhandledRejection', fault)
  let failures: string[]
  try {
    failures = await load()
  } catch (error) {
    fail((error as Error).message)
  }
  // At start-up a service that cannot run is a deployment error: exit so the decky shows it.
  if (failures.length > 0) process.exit(2)
}

void main()
