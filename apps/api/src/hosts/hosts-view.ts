import { LOCAL_HOST_ID } from '@decnet/core'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { readFleetNetwork } from '../settings/network.ts'
import { type HostOutput, localHostOutput, toHostOutput } from './host-output.ts'
import { leftoversOf } from './leftovers.ts'

/** Every host: the built-in local one first, then the enrolled ones, each with its decky count. */
export async function listHosts(services: ApiServices): Promise<HostOutput[]> {
  const { db, defaultNetwork } = services
  const [hosts, fleet, network] = await Promise.all([
    db.hosts.list(),
    db.fleet.list(),
    readFleetNetwork(db, defaultNetwork),
  ])
  const local = services.localEngine()
  const counts = new Map<string, number>()
  for (const decky of fleet) counts.set(decky.hostId, (counts.get(decky.hostId) ?? 0) + 1)
  const leftovers = await Promise.all(
    hosts.map((host) => (host.status === 'decommissioned' ? leftoversOf(db, host.id) : null)),
  )
  return [
    localHostOutput(network, counts.get(LOCAL_HOST_ID) ?? 0, local),
    ...hosts.map((host, index) => toHostOutput(host, counts.get(host.id) ?? 0, leftovers[index] ?? null)),
  ]
}

/** One host as listHosts shows it, or NOT_FOUND. */
export async function getHostView(services: ApiServices, id: string): Promise<HostOutput> {
  const host = (await listHosts(services)).find((candidate) => candidate.id === id)
  if (!host) throw new AppError('not_found', `no host with id ${id}`)
  return host
}
