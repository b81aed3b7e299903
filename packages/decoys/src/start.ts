import type { DeckyTopology, FileDrop, Persona } from '@decnet/core/schemas'
import type { ConnectionLimits, EmulatorContext, RunningEmulator, ServiceConfigValue } from './emulator.ts'
import { createEmitter, type EventSink, stdoutSink } from './framework/events.ts'
import { EMULATOR_SLUGS, loadEmulator } from './registry.ts'

export type StartEmulatorOptions = {
  decky: string
  /** Loopback address in the local engine, `0.0.0.0` in a container. */
  bindAddress: string
  /** Defaults to the catalogue's ports (then the emulator's own); pass `[0]` (or `[0, 0]`) in tests. */
  ports?: number[]
  config?: Record<string, ServiceConfigValue>
  /**
   * The decky's stored persona. Production always passes it (containers get it as `DECNET_PERSONA`,
   * the local engine from the decky row); when absent (tests) one is derived from the decky name, for
   * a family that can run this service, so a test still sees one consistent, stable persona.
   */
  persona?: Persona
  /** Ignored when `persona` is given (its seed wins); kept for callers not yet passing a persona. */
  seed?: string
  /** Defaults to the persona's host name. */
  hostname?: string
  /** Catalogue distro slug; picks distro-consistent banners and shell output. */
  distro?: string
  limits?: ConnectionLimits
  /** Bait files placed in the decky's filesystem (core's file drops). */
  fileDrops?: FileDrop[]
  /** The decky's networks when it is part of a topology (containers get it as `DECNET_TOPOLOGY`). */
  topology?: DeckyTopology
  /** Receives every event; defaults to JSON lines on stdout. */
  onEvent?: EventSink
}

export class UnknownServiceError extends Error {
  constructor(slug: string) {
    super(`Unknown service '${slug}'. Available: ${EMULATOR_SLUGS.join(', ')}`)
    this.name = 'UnknownServiceError'
  }
}

/** Starts one service emulator in this process (local engine, tests, and the container entry point). */
export async function startEmulator(slug: string, options: StartEmulatorOptions): Promise<RunningEmulator> {
  const emulator = await loadEmulator(slug)
  if (!emulator) throw new UnknownServiceError(slug)
  const ports = options.ports ?? (await catalogPorts(slug)) ?? emulator.defaultPorts
  if (!ports || ports.length === 0) throw new Error(`Service '${slug}' needs at least one port`)
  const persona = options.persona ?? (await testPersona(slug, options))
  const context: EmulatorContext = {
    decky: options.decky,
    service: slug,
    bindAddress: options.bindAddress,
    ports,
    config: options.config ?? {},
    persona,
    seed: persona.seed,
    hostname: options.hostname ?? persona.hostname,
    ...(options.distro ? { distro: options.distro } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.fileDrops ? { fileDrops: options.fileDrops } : {}),
    ...(options.topology ? { topology: options.topology } : {}),
    emit: createEmitter(options.decky, slug, options.onEvent ?? stdoutSink()),
  }
  return emulator.start(context)
}

const WINDOWS_FIRST = new Set(['smb', 'nbns', 'ldap'])

/**
 * The persona of a decky started without one (tests, tools): derived from the decky name, for the
 * first family that can run `slug` (Linux when it can; Windows for SMB and LDAP), so repeated starts get the same persona.
 * Loaded only then: containers always get `DECNET_PERSONA` and skip core (and zod).
 */
export async function testPersona(
  slug: string,
  options: Pick<StartEmulatorOptions, 'decky' | 'distro' | 'hostname'>,
): Promise<Persona> {
  const core = await import('@decnet/core')
  // SMB, NetBIOS and LDAP are imitated as Windows (AD) unless a persona says Samba or OpenLDAP.
  const order = WINDOWS_FIRST.has(slug)
    ? (['windows_server', 'linux'] as const)
    : (['linux', 'windows_server', 'windows', 'embedded', 'bsd', 'cisco'] as const)
  const family = order.find((candidate) => core.serviceFitsFamily(slug, candidate))
  return core.derivePersona({
    seed: core.seedFromName(options.decky),
    osFamily: family ?? 'linux',
    distro: options.distro ?? 'debian',
    services: [slug],
    ...(options.hostname ? { hostname: options.hostname } : {}),
  })
}

/** The catalogue's port numbers for a service, once each (sip lists 5060 for both UDP and TCP). */
/** Loaded only when no ports were given: containers always get DECNET_PORTS and skip the catalogue (and zod). */
async function catalogPorts(slug: string): Promise<number[] | undefined> {
  const service = (await import('@decnet/core')).getService(slug)
  return service ? [...new Set(service.ports.map(({ port }) => port))] : undefined
}
