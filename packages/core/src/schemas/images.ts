// images.* shapes: the decoy image versioned by content digest, pushed to hosts and rolled out.
import { z } from 'zod'
import { ZIsoDate } from './common.ts'
import { ZHostId } from './hosts.ts'
import { ZLifecycleStatus } from './lifecycle.ts'

/** A Docker image id: the sha256 of the image's config, the same on every engine it is loaded into. */
export const IMAGE_DIGEST_RE = /^sha256:[0-9a-f]{64}$/
export const ZImageDigest = z.string().regex(IMAGE_DIGEST_RE, 'expected sha256:<64 hex digits>')

/**
 * `push`: bring one host to the current image (enrolment, or a host found without it; no decky is
 * touched). `rollout`: a new image to every host, then decky by decky. `rollback`: the same back to
 * the image a rollout replaced.
 */
export const IMAGE_ROLLOUT_KINDS = ['push', 'rollout', 'rollback'] as const
export const ZImageRolloutKind = z.enum(IMAGE_ROLLOUT_KINDS)
export type ImageRolloutKind = z.infer<typeof ZImageRolloutKind>

/** Where one host is in a rollout: its image pushed (bytes), then its deckies upgraded batch by batch. */
export const IMAGE_HOST_PHASES = ['waiting', 'pushing', 'upgrading', 'done', 'failed'] as const
export const ZImageHostPhase = z.enum(IMAGE_HOST_PHASES)
export type ImageHostPhase = z.infer<typeof ZImageHostPhase>

export const ZImageHostProgress = z.object({
  hostId: ZHostId,
  phase: ZImageHostPhase,
  /** Bytes of the image archive streamed to the host so far (0 when it already had the image). */
  bytesSent: z.number().int().nonnegative(),
  /** The image's size as its engine reports it: the archive is about this large. */
  imageBytes: z.number().int().nonnegative(),
  deckiesTotal: z.number().int().nonnegative(),
  deckiesDone: z.number().int().nonnegative(),
  error: z.string().max(2000).nullable(),
})
export type ImageHostProgress = z.infer<typeof ZImageHostProgress>

/** Each host's progress before a rollout reaches it. */
export function waitingHostProgress(hostIds: readonly string[]): ImageHostProgress[] {
  return hostIds.map((hostId) => ({
    hostId,
    phase: 'waiting',
    bytesSent: 0,
    imageBytes: 0,
    deckiesTotal: 0,
    deckiesDone: 0,
    error: null,
  }))
}

/** Decky upgrades per batch and the pause between batches (operator-chosen, bounded). */
export const ZRolloutPacing = z
  .object({
    batchSize: z.number().int().min(1).max(50).default(1),
    pauseSeconds: z.number().int().min(0).max(3600).default(0),
  })
  .strict()
export type RolloutPacing = z.infer<typeof ZRolloutPacing>

export const ZImageRollout = z.object({
  id: z.string(),
  kind: ZImageRolloutKind,
  /** A rollout moves through the lifecycle statuses, as each of its upgrade rows does. */
  status: ZLifecycleStatus,
  digest: ZImageDigest,
  /** The image this one replaced (what a rollback goes back to); null for a first push. */
  previousDigest: ZImageDigest.nullable(),
  batchSize: z.number().int(),
  pauseSeconds: z.number().int(),
  hosts: z.array(ZImageHostProgress),
  /** The upgrade lifecycle rows queued so far, in order. */
  lifecycleIds: z.array(z.string()),
  error: z.string().max(2000).nullable(),
  createdBy: z.string(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
  completedAt: ZIsoDate.nullable(),
})
export type ImageRollout = z.infer<typeof ZImageRollout>
