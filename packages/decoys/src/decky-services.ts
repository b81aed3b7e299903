/**
 * The built-in services one decky's decoy process runs, as the engine hands them over: in the
 * container's environment at creation (`DECNET_SERVICES`), then, for a live edit, in a file the
 * engine writes into the container's `/run/decnet` volume before sending SIGHUP. The file wins when
 * present, so a decoy restarted after an edit keeps the edited set.
 */
import { createHash } from 'node:crypto'
import { type ServiceConfig, serviceConfigFrom } from './framework/config.ts'

export type DeckyService = {
  slug: string
  /** Ports the service listens on (TCP and/or UDP, as its emulator decides), from the catalogue. */
  ports: number[]
  config: ServiceConfig
}

export const DECKY_SERVICES_ENV = 'DECNET_SERVICES'
/** A volume of the decoy container: written by the engine (root), read-only to the decoy's user. */
export const DECKY_SERVICES_DIR = '/run/decnet'
export const DECKY_SERVICES_FILE_NAME = 'services.json'
export const DECKY_SERVICES_FILE = `${DECKY_SERVICES_DIR}/${DECKY_SERVICES_FILE_NAME}`

const SLUG_RE = /^[a-z][a-z0-9_]{0,31}$/

export function encodeDeckyServices(services: readonly DeckyService[]): string {
  return JSON.stringify(services.map(({ slug, ports, config }) => ({ slug, ports, config })))
}

/**
 * The services in `text` (from the engine, never from an attacker), shape-checked by hand so the
 * container needs no zod. Throws naming what is wrong: that is an engine bug, not a runtime case.
 */
export function parseDeckyServices(text: string, where: string): DeckyService[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`${where} is not valid JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(parsed)) throw new Error(`${where} must be a JSON array of services`)
  const seen = new Set<string>()
  return parsed.map((entry: unknown, index) => {
    const { slug, ports, config } = (entry ?? {}) as Record<string, unknown>
    if (typeof slug !== 'string' || !SLUG_RE.test(slug)) throw new Error(`${where}[${index}]: invalid slug`)
    if (seen.has(slug)) throw new Error(`${where}: '${slug}' is listed twice`)
    seen.add(slug)
    if (
      !Array.isArray(ports) ||
      ports.length === 0 ||
      ports.some((port) => !Number.isInteger(port) || port < 0 || port > 65_535)
    ) {
      throw new Error(`${where}[${index}] (${slug}): ports must be a non-empty list of port numbers`)
    }
    return {
      slug,
      ports: [...ports] as number[],
      config: serviceConfigFrom(config ?? {}, `${where} ${slug}`),
    }
  })
}

/**
 * Names a service set in the decoy's acknowledgement (`decnet-decoy: applied <digest>`) and on its
 * container's label, so the engine can tell which set a decoy runs without reading it back.
 */
export function servicesDigest(encoded: string): string {
  return createHash('sha256').update(encoded).digest('hex').slice(0, 16)
}
