import { deckyTopologySchema, formatInterval, getService, ZDecky, ZLifecycleOperation } from '@decnet/core'
import type { Decky, DecnetDatabase, LifecycleRow } from '@decnet/db'
import { z } from 'zod'

const MASK = '••••••••'

/** The wire shape of a decky: core's Decky plus what operators need to see (last error, interval text). */
export const ZDeckyOutput = ZDecky.extend({
  /** Where the decky answers from the DECNET machine: its LAN IP on Docker, a loopback address on the local engine. */
  address: z.string(),
  /** The name of the host it runs on (`hostId` is its id). */
  hostName: z.string(),
  mutateInterval: z.string().nullable(),
  lastError: z.string().nullable(),
  /**
   * Its operations queued or running, oldest first (automatic repairs included): fleet.lifecycle and
   * fleet.watchLifecycle follow them by id.
   */
  activeOperations: z.array(z.object({ id: z.string().min(1), operation: ZLifecycleOperation })).max(50),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type DeckyOutput = z.input<typeof ZDeckyOutput>

/** One decky in full (fleet.get): also its topology networks, way out and neighbours (null on the flat LAN). */
export const ZDeckyDetailOutput = ZDeckyOutput.extend({ topology: deckyTopologySchema.nullable() })
export type DeckyDetailOutput = z.input<typeof ZDeckyDetailOutput>

/** Secret service settings (passwords, keys) are masked: they never leave the server. */
function maskSecrets(
  serviceConfig: Decky['serviceConfig'],
): Record<string, Record<string, string | number | boolean | string[]>> {
  const masked: Record<string, Record<string, string | number | boolean | string[]>> = {}
  for (const [slug, values] of Object.entries(serviceConfig)) {
    const secretKeys = new Set(
      getService(slug)
        ?.config.filter((field) => field.secret)
        .map((field) => field.key),
    )
    masked[slug] = {}
    for (const [key, value] of Object.entries(values)) {
      const safe =
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean' ||
        Array.isArray(value)
      if (!safe) continue
      masked[slug][key] = secretKeys.has(key) ? MASK : (value as string | number | boolean | string[])
    }
  }
  return masked
}

/** Unfinished lifecycle rows by decky name (one query for the whole fleet). */
async function activeOperations(
  db: DecnetDatabase,
): Promise<Map<string, { id: string; operation: LifecycleRow['operation'] }[]>> {
  const byDecky = new Map<string, { id: string; operation: LifecycleRow['operation'] }[]>()
  for (const row of await db.lifecycle.listActive()) {
    const list = byDecky.get(row.deckyName) ?? []
    if (list.length < 50) list.push({ id: row.id, operation: row.operation })
    byDecky.set(row.deckyName, list)
  }
  return byDecky
}

export type DeckyHostView = { name: string; unreachable: boolean }

/** Host id → its name and whether it answers, for showing where each decky runs (the local host's id is its name). */
async function deckyHosts(db: DecnetDatabase): Promise<Map<string, DeckyHostView>> {
  return new Map(
    (await db.hosts.list()).map((host) => [
      host.id,
      { name: host.name, unreachable: host.status === 'unreachable' },
    ]),
  )
}

/**
 * While its host does not answer nothing is known of a decky: it shows `unknown` (its recorded state is
 * what it was last seen as), except one already waiting for that host to remove it.
 */
function shownState(decky: Decky, host: DeckyHostView | undefined): DeckyOutput['state'] {
  if (host?.unreachable && decky.state !== 'pending_removal') return 'unknown'
  return decky.state
}

export function toDeckyOutput(
  decky: Decky,
  hosts: Map<string, DeckyHostView>,
  active: Map<string, { id: string; operation: LifecycleRow['operation'] }[]>,
  localAddress?: string,
): DeckyOutput {
  const host = hosts.get(decky.hostId)
  return {
    address: localAddress ?? decky.ip,
    hostName: host?.name ?? decky.hostId,
    name: decky.name,
    ip: decky.ip,
    mac: decky.mac,
    hostname: decky.hostname,
    distro: decky.distro as DeckyOutput['distro'],
    archetype: decky.archetype as DeckyOutput['archetype'],
    services: decky.services as DeckyOutput['services'],
    serviceConfig: maskSecrets(decky.serviceConfig),
    // An environment may carry a custom service's credentials: names are shown, values never.
    customServices: decky.customServices.map((service) => ({
      ...service,
      env: Object.fromEntries(Object.keys(service.env).map((name) => [name, MASK])),
    })),
    osFamily: decky.osFamily as DeckyOutput['osFamily'],
    mutateIntervalMinutes: decky.mutateInterval,
    mutateInterval: formatInterval(decky.mutateInterval),
    lastMutatedAt: decky.lastMutatedAt,
    hostId: decky.hostId,
    state: shownState(decky, host),
    lastError: decky.lastError,
    activeOperations: active.get(decky.name) ?? [],
    createdAt: decky.createdAt.toISOString(),
    updatedAt: decky.updatedAt.toISOString(),
  }
}

export type DeckyOutputServices = { db: DecnetDatabase; localAddressOf: (name: string) => string | undefined }

/** A mapper to the wire shape, with the hosts and unfinished operations read once for every decky. */
async function deckyOutputMapper(services: DeckyOutputServices): Promise<(decky: Decky) => DeckyOutput> {
  const [hosts, active] = await Promise.all([deckyHosts(services.db), activeOperations(services.db)])
  return (decky) => toDeckyOutput(decky, hosts, active, services.localAddressOf(decky.name))
}

export async function toDeckyOutputs(
  services: DeckyOutputServices,
  deckies: readonly Decky[],
): Promise<DeckyOutput[]> {
  return deckies.map(await deckyOutputMapper(services))
}

export async function toOneDeckyOutput(
  services: DeckyOutputServices,
  decky: Decky,
): Promise<DeckyDetailOutput> {
  return { ...(await deckyOutputMapper(services))(decky), topology: decky.topology }
}
