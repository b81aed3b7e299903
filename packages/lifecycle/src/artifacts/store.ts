import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, type ReadStream } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { SHA256_RE, type StoredArtifact } from '@decnet/core'

/**
 * The artifact store: bytes kept content-addressed under `<dir>/<first two hex>/<sha256>`, written
 * to a temporary file while hashed and renamed into place, so a file under its hash is always whole
 * and the same content is kept once. Files are 0600 in 0700 directories: they are attacker tools.
 */

/** Most bytes kept of one artifact; the rest is cut and the artifact recorded `truncated`. */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024

/** Receives one artifact's bytes as they come; `finish` stores them, `abort` drops them. */
export type ArtifactSink = {
  /** False once the cap is reached: the caller stops reading (what came past the cap is dropped). */
  push(chunk: Buffer): boolean
  finish(): Promise<StoredArtifact>
  abort(): Promise<void>
}

export type ArtifactStore = {
  readonly dir: string
  sink(maxBytes?: number): Promise<ArtifactSink>
  /** The stored file's path, or undefined when nothing is stored under that hash. */
  pathOf(sha256: string): string | undefined
  read(sha256: string): ReadStream | undefined
}

export function createArtifactStore(dir: string): ArtifactStore {
  mkdirSync(join(dir, 'tmp'), { recursive: true, mode: 0o700 })
  const pathFor = (sha256: string) => join(dir, sha256.slice(0, 2), sha256)
  const store: ArtifactStore = {
    dir,
    async sink(maxBytes = MAX_ARTIFACT_BYTES) {
      const temporary = join(dir, 'tmp', randomBytes(12).toString('hex'))
      const file = await open(temporary, 'wx', 0o600)
      const hash = createHash('sha256')
      let size = 0
      let truncated = false
      let writing: Promise<unknown> = Promise.resolve()
      let closed = false
      const close = async () => {
        if (closed) return
        closed = true
        await writing.catch(() => undefined)
        await file.close()
      }
      return {
        push(chunk) {
          if (truncated || closed) return false
          const room = maxBytes - size
          const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
          if (kept.length > 0) {
            hash.update(kept)
            size += kept.length
            // Writes are chained so the file holds the chunks in order.
            const copy = Buffer.from(kept)
            writing = writing.then(() => file.write(copy))
          }
          if (chunk.length > room) truncated = true
          return !truncated
        },
        async finish() {
          await writing
          await close()
          const sha256 = hash.digest('hex')
          const target = pathFor(sha256)
          if (existsSync(target)) await unlink(temporary)
          else {
            mkdirSync(join(dir, sha256.slice(0, 2)), { recursive: true, mode: 0o700 })
            await rename(temporary, target)
          }
          return { sha256, size, truncated }
        },
        async abort() {
          await close()
          await unlink(temporary).catch(() => undefined)
        },
      }
    },
    pathOf(sha256) {
      if (!SHA256_RE.test(sha256)) return undefined
      const path = pathFor(sha256)
      return existsSync(path) ? path : undefined
    },
    read(sha256) {
      const path = store.pathOf(sha256)
      return path ? createReadStream(path) : undefined
    },
  }
  return store
}
