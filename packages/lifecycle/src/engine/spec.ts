import {
  type ConfigValue,
  type CustomService,
  type DeckyTopology,
  FILE_DROP_SERVICES,
  type FileDrop,
  getService,
  type Persona,
  personaForLegacyDecky,
  tcpStackFor,
} from '@decnet/core'
import type { DeckySpec } from './types.ts'

/** The fields of a `Decky` row an engine needs; core's and db's `Decky` are structurally this. */
export type DeckyRecord = Pick<
  DeckySpec,
  'name' | 'ip' | 'mac' | 'hostname' | 'osFamily' | 'distro' | 'stack'
> & {
  services: readonly string[]
  serviceConfig: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>
  /**
   * The stored persona. Null on a row from before personas: the runner stores one first (see the
   * executor); a caller that has none gets the same deterministic one derived from the name.
   */
  persona?: Persona | null
  archetype?: string | null
  /** The decky's file drops (db.fileDrops), shown by its shell and FTP decoys. */
  fileDrops?: readonly FileDrop[]
  /** Rows from before custom services have none. */
  customServices?: readonly CustomService[]
  /** Its topology networks; null or absent on the flat LAN. */
  topology?: DeckyTopology | null
}

/** The drops a service's decoy shows: none for a service without a filesystem view. */
export function fileDropsOf(spec: DeckySpec, slug: string): FileDrop[] {
  return (FILE_DROP_SERVICES as readonly string[]).includes(slug) ? (spec.fileDrops ?? []) : []
}

function isConfigValue(value: unknown): value is ConfigValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  )
}

/**
 * Maps a decky row onto the engine spec with the catalogue: each service's ports (probed for
 * readiness) and the TCP/IP stack profile (the persona's, unless the caller names another). The
 * persona is the row's, so every service tells the same story, stable across redeploys and
 * mutations, and different between deckies.
 */
export function deckySpecFor(decky: DeckyRecord): DeckySpec {
  const persona = decky.persona ?? personaForLegacyDecky(decky)
  const stack = tcpStackFor(decky.osFamily, decky.stack ?? persona.stack)
  return {
    name: decky.name,
    ip: decky.ip,
    mac: decky.mac,
    hostname: decky.hostname,
    osFamily: decky.osFamily,
    ...(decky.distro ? { distro: decky.distro } : {}),
    sysctls: { ...stack.sysctls },
    stack: stack.id,
    seed: persona.seed,
    persona,
    ...(decky.fileDrops?.length ? { fileDrops: [...decky.fileDrops] } : {}),
    ...(decky.topology ? { topology: decky.topology } : {}),
    services: decky.services.map((slug) => {
      const service = getService(slug)
      if (!service) throw new Error(`decky ${decky.name}: unknown service '${slug}'`)
      const config = Object.entries(decky.serviceConfig[slug] ?? {}).map(([key, value]) => {
        if (!isConfigValue(value)) throw new Error(`decky ${decky.name}: ${slug}.${key} has an invalid value`)
        return [key, value] as const
      })
      return {
        slug,
        ports: service.ports.map(({ port, protocol }) => ({ port, protocol })),
        config: Object.fromEntries(config),
      }
    }),
    customServices: (decky.customServices ?? []).map((service) => ({
      ...service,
      ports: service.ports.map(({ port, protocol }) => ({ port, protocol })),
      command: [...service.command],
      env: { ...service.env },
    })),
  }
}
