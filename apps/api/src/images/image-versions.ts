import {
  type ImageRolloutKind,
  LOCAL_HOST_ID,
  type RolloutPacing,
  waitingHostProgress,
  ZImageDigest,
} from '@decnet/core'
import type { DecnetDatabase, ImageRolloutRow } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

/**
 * The decoy image as the rollout worker last found it on this machine's engine (the image a build or
 * an upgrade of DECNET left there), recorded so requests never ask Docker.
 */
export const AVAILABLE_IMAGE_SETTING = 'images.available'

export type AvailableImage = { image: string; digest: string | null; checkedAt: string }

export async function readAvailableImage(db: DecnetDatabase): Promise<AvailableImage | null> {
  const value = (await db.settings.get(AVAILABLE_IMAGE_SETTING)) as Partial<AvailableImage> | null
  if (!value || typeof value.image !== 'string' || typeof value.checkedAt !== 'string') return null
  const digest = ZImageDigest.safeParse(value.digest)
  return { image: value.image, digest: digest.success ? digest.data : null, checkedAt: value.checkedAt }
}

/** The hosts an image goes to: this machine's engine when it is Docker, then every active enrolled host. */
export async function rolloutHostIds(services: Pick<ApiServices, 'db' | 'engine'>): Promise<string[]> {
  const enrolled = (await services.db.hosts.list()).filter((host) => host.status === 'active')
  return [...(services.engine === 'docker' ? [LOCAL_HOST_ID] : []), ...enrolled.map((host) => host.id)]
}

/** The digest the fleet runs now: the local host's recorded image, else the first host's. */
async function fleetDigest(db: DecnetDatabase): Promise<{ digest: string | null; previous: string | null }> {
  const images = await db.images.hostImages()
  const reference = images.find((row) => row.hostId === LOCAL_HOST_ID) ?? images[0]
  return { digest: reference?.digest ?? null, previous: reference?.previousDigest ?? null }
}

async function queueFleetWide(
  services: Pick<ApiServices, 'db' | 'engine'>,
  kind: Exclude<ImageRolloutKind, 'push'>,
  digest: string,
  previousDigest: string | null,
  pacing: RolloutPacing,
  createdBy: string,
): Promise<ImageRolloutRow> {
  const hostIds = await rolloutHostIds(services)
  if (hostIds.length === 0)
    throw new AppError('precondition_failed', 'no host runs the decoy image on Docker')
  return services.db.images.createRollout({
    kind,
    digest,
    previousDigest,
    batchSize: pacing.batchSize,
    pauseSeconds: pacing.pauseSeconds,
    hosts: waitingHostProgress(hostIds),
    createdBy,
  })
}

/**
 * Queues the rollout of the decoy image found on this machine (a new build) to every host, then
 * decky by decky; the rollout worker carries it out. Refused while another rollout is open, before
 * the worker has looked at the image, and when every host runs it already.
 */
export async function startRollout(
  services: Pick<ApiServices, 'db' | 'engine'>,
  pacing: RolloutPacing,
  createdBy: string,
): Promise<ImageRolloutRow> {
  const available = await readAvailableImage(services.db)
  if (!available?.digest) {
    throw new AppError(
      'precondition_failed',
      'no decoy image on this machine yet: build it (pnpm --filter @decnet/decoys build:image)',
    )
  }
  const images = await services.db.images.hostImages()
  const hostIds = await rolloutHostIds(services)
  if (
    hostIds.every((hostId) => images.some((row) => row.hostId === hostId && row.digest === available.digest))
  )
    throw new AppError('conflict', `every host runs ${available.digest} already`)
  const { digest: current } = await fleetDigest(services.db)
  return queueFleetWide(services, 'rollout', available.digest, current, pacing, createdBy)
}

/** Queues the way back to the image the fleet ran before its last rollout (kept tagged on every host). */
export async function startRollback(
  services: Pick<ApiServices, 'db' | 'engine'>,
  pacing: RolloutPacing,
  createdBy: string,
): Promise<ImageRolloutRow> {
  const { digest, previous } = await fleetDigest(services.db)
  if (!previous)
    throw new AppError('precondition_failed', 'no earlier decoy image is recorded to roll back to')
  return queueFleetWide(services, 'rollback', previous, digest, pacing, createdBy)
}

export async function requireRollout(db: DecnetDatabase, id: string): Promise<ImageRolloutRow> {
  const rollout = await db.images.get(id)
  if (!rollout) throw new AppError('not_found', `no image rollout ${id}`)
  return rollout
}
