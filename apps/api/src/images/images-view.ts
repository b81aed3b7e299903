import { type ImageRollout, LOCAL_HOST_ID, ZImageDigest, ZImageRollout, ZIsoDate } from '@decnet/core'
import type { ImageRolloutRow } from '@decnet/db'
import { z } from 'zod'
import type { ApiServices } from '../context.ts'
import { readAvailableImage } from './image-versions.ts'

/** A rollout as clients see it: never its lease. */
export function toRolloutOutput(row: ImageRolloutRow): ImageRollout {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    digest: row.digest,
    previousDigest: row.previousDigest,
    batchSize: row.batchSize,
    pauseSeconds: row.pauseSeconds,
    hosts: row.hosts,
    lifecycleIds: row.lifecycleIds,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  }
}

export const ZHostImageOutput = z.object({
  hostId: z.string(),
  hostName: z.string(),
  /** The image it runs (null: none recorded yet, its push is queued). */
  digest: ZImageDigest.nullable(),
  /** The image a rollback there goes back to (kept tagged on the host). */
  previousDigest: ZImageDigest.nullable(),
  updatedAt: ZIsoDate.nullable(),
})

export const ZImagesStatus = z.object({
  /** The decoy image tag deckies are created from. */
  image: z.string().nullable(),
  /** What that tag names on this machine now (a build moves it): what a rollout would send. */
  availableDigest: ZImageDigest.nullable(),
  checkedAt: ZIsoDate.nullable(),
  hosts: z.array(ZHostImageOutput),
  /** Newest first. */
  rollouts: z.array(ZImageRollout).max(20),
})
export type ImagesStatus = z.input<typeof ZImagesStatus>

/** What every host runs and the recent rollouts; read from the database only (the worker records it). */
export async function imagesStatus(
  services: Pick<ApiServices, 'db'>,
  hostId?: string,
): Promise<ImagesStatus> {
  const { db } = services
  const [available, images, hosts, rollouts] = await Promise.all([
    readAvailableImage(db),
    db.images.hostImages(),
    db.hosts.list(),
    db.images.list(20),
  ])
  const names = new Map([
    [LOCAL_HOST_ID, LOCAL_HOST_ID],
    ...hosts.map((host) => [host.id, host.name] as const),
  ])
  return {
    image: available?.image ?? null,
    availableDigest: available?.digest ?? null,
    checkedAt: available?.checkedAt ?? null,
    hosts: images
      .filter((row) => hostId === undefined || row.hostId === hostId)
      // As the Hosts page lists them: the local host first, then by name.
      .sort(
        (a, b) =>
          Number(b.hostId === LOCAL_HOST_ID) - Number(a.hostId === LOCAL_HOST_ID) ||
          (names.get(a.hostId) ?? '').localeCompare(names.get(b.hostId) ?? ''),
      )
      .map((row) => ({
        hostId: row.hostId,
        hostName: names.get(row.hostId) ?? row.hostId,
        digest: row.digest,
        previousDigest: row.previousDigest,
        updatedAt: row.updatedAt.toISOString(),
      })),
    rollouts: rollouts
      .filter((row) => hostId === undefined || row.hosts.some((host) => host.hostId === hostId))
      .map(toRolloutOutput),
  }
}
