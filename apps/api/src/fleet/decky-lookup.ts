import { LOCAL_HOST_ID } from '@decnet/core'
import type { Decky } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

/** The decky with this name, or NOT_FOUND. */
export async function requireDecky(db: ApiServices['db'], name: string): Promise<Decky> {
  const decky = await db.fleet.get(name)
  if (!decky) throw new AppError('not_found', `no decky named ${name}`)
  return decky
}

/**
 * Refuses an operation (mutate, repair, a service edit) on a decky whose enrolled host cannot carry it out now: one
 * nothing drives (no DECNET_SECRET_KEY to open its TLS material: a precondition) or one that does not
 * answer (a state that may pass). Such an operation could only fail or wait forever: say so now.
 */
export async function assertDeckyHostCanOperate(
  services: Pick<ApiServices, 'db' | 'secrets'>,
  decky: Pick<Decky, 'name' | 'hostId'>,
  operation: 'mutate' | 'repair' | 'edit services on',
): Promise<void> {
  if (decky.hostId === LOCAL_HOST_ID) return
  const host = await services.db.hosts.get(decky.hostId)
  const hostName = host?.name ?? decky.hostId
  if (!services.secrets) {
    throw new AppError(
      'precondition_failed',
      `${decky.name} is on enrolled host ${hostName}, which is not driven without DECNET_SECRET_KEY`,
    )
  }
  if (host?.status !== 'active') {
    throw new AppError(
      'conflict',
      `${decky.name} is on host ${hostName}, which is ${host?.status ?? 'gone'}; ${operation} it once the host answers`,
    )
  }
}
