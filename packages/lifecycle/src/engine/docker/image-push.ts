import { Transform } from 'node:stream'
import type Docker from 'dockerode'
import { dockerCall, isNotFound } from './calls.ts'

/** How long one image-sized step (save, load) may run: a few hundred MB over a LAN. */
export const IMAGE_TRANSFER_TIMEOUT_MS = 15 * 60_000
const INSPECT_TIMEOUT_MS = 10_000

export type ImageTransferProgress = { bytesSent: number; imageBytes: number }

/** The digest loaded is not the one sent: the engine holds something else under that name. */
export class ImageDigestMismatchError extends Error {
  constructor(expected: string, found: string) {
    super(`image loaded but its digest is ${found}, not ${expected}`)
    this.name = 'ImageDigestMismatchError'
  }
}

/** `decnet/decoy:0.1.0` → `decnet/decoy` (the tag after the last path segment's colon). */
function repositoryOf(image: string): string {
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  return colon > slash ? image.slice(0, colon) : image
}

function splitReference(image: string): { repo: string; tag: string } {
  const repo = repositoryOf(image)
  return { repo, tag: image.length > repo.length ? image.slice(repo.length + 1) : 'latest' }
}

/**
 * The tag that keeps one image version on an engine whatever the decoy tag points at, so the image a
 * rollout replaced stays there for a rollback: `decnet/decoy:sha256-<hex>`.
 */
export function imageVersionTag(image: string, digest: string): string {
  return `${repositoryOf(image)}:${digest.replace(':', '-')}`
}

/** The image id (content digest) `reference` names on this engine, or null when it has none. */
export async function imageDigest(docker: Docker, reference: string): Promise<string | null> {
  try {
    const info = await dockerCall(`inspect image ${reference}`, INSPECT_TIMEOUT_MS, () =>
      docker.getImage(reference).inspect(),
    )
    return info.Id
  } catch (error) {
    if (isNotFound(error)) return null
    throw error
  }
}

async function tagImage(docker: Docker, digest: string, reference: string): Promise<void> {
  await dockerCall(`tag image ${digest} as ${reference}`, INSPECT_TIMEOUT_MS, () =>
    docker.getImage(digest).tag(splitReference(reference)),
  )
}

/**
 * Points `image` (the tag deckies are created from) at `digest` on this engine. The image it named
 * before keeps its version tag, so it is not left dangling (a rebuild would leave it so) and a
 * rollback finds it; so does this one.
 */
export async function activateImage(docker: Docker, image: string, digest: string): Promise<void> {
  const current = await imageDigest(docker, image)
  if (current && current !== digest) await tagImage(docker, current, imageVersionTag(image, current))
  await tagImage(docker, digest, imageVersionTag(image, digest))
  if (current !== digest) await tagImage(docker, digest, image)
}

type LoadEvent = { stream?: string; error?: string; errorDetail?: { message?: string } }

/**
 * Copies image `digest` from the engine `from` to the engine `to` (the Docker API's save streamed into
 * its load, over whatever connection `to` uses, mutual TLS for an enrolled host), reporting the bytes
 * sent, and verifies the engine then has exactly that digest. Nothing is sent when it has it already.
 * The copy carries the version tag only: `activateImage` decides what the decoy tag points at.
 */
export async function transferImage({
  from,
  to,
  image,
  digest,
  onProgress = () => undefined,
  timeoutMs = IMAGE_TRANSFER_TIMEOUT_MS,
}: {
  from: Docker
  to: Docker
  image: string
  digest: string
  onProgress?: (progress: ImageTransferProgress) => void
  timeoutMs?: number
}): Promise<ImageTransferProgress> {
  const versionTag = imageVersionTag(image, digest)
  const source = await dockerCall(`inspect image ${digest}`, INSPECT_TIMEOUT_MS, () =>
    from.getImage(digest).inspect(),
  )
  const imageBytes = Number(source.Size ?? 0)
  if ((await imageDigest(to, digest)) === digest) {
    await tagImage(to, digest, versionTag)
    return { bytesSent: 0, imageBytes }
  }
  // Saved by a tag, so the archive names it and the receiving engine tags what it loads.
  await tagImage(from, digest, versionTag)
  let bytesSent = 0
  await dockerCall(`copy image ${versionTag}`, timeoutMs, async () => {
    const archive = await from.getImage(versionTag).get()
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesSent += chunk.length
        onProgress({ bytesSent, imageBytes })
        done(null, chunk)
      },
    })
    archive.on('error', (error) => counted.destroy(error))
    archive.pipe(counted)
    const response = await to.loadImage(counted, { quiet: true })
    await new Promise<void>((resolve, reject) => {
      to.modem.followProgress(
        response,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: LoadEvent) => {
          if (event.error) reject(new Error(event.errorDetail?.message ?? event.error))
        },
      )
    })
  })
  const loaded = await imageDigest(to, versionTag)
  if (loaded !== digest) throw new ImageDigestMismatchError(digest, loaded ?? 'missing')
  return { bytesSent, imageBytes }
}
