// NDJSON file alert channel: an append-only file, one JSON object per line per alert, for log
// shippers (Filebeat, Vector, Fluent Bit) to tail. Durability: sends are queued and written in
// batches (group commit); a send resolves only after the fdatasync that covers its line, so a
// resolved send survives a crash. Sends are serialised, so concurrent alerts never interleave.
// Rotation is by size: the file is renamed to .1 (older ones shift up to .keep, the oldest is
// overwritten) before a line would take it past maxBytes. Files are created 0600. The path must lie
// inside the directory DECNET's operator allowed for alert files (symlinks cannot lead out of it).
import { constants, type Stats } from 'node:fs'
import { type FileHandle, lstat, mkdir, open, realpath, rename } from 'node:fs/promises'
import path from 'node:path'
import type { AlertMessage } from '@decnet/core'
import { z } from 'zod'
import { type AlertTransport, TransportError } from '../transport.ts'

export const ZNdjsonConfig = z.object({
  /** The file, relative to the allowed alert-file directory (or absolute inside it). */
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine((p) => !p.includes('\0'), 'no NUL characters'),
  /** Rotate before the file would grow past this many bytes. */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 ** 3)
    .default(64 * 1024 ** 2),
  /** How many rotated files (.1 … .keep) to keep. */
  keep: z.number().int().min(1).max(100).default(5),
})
export type NdjsonConfig = z.input<typeof ZNdjsonConfig>

/** A file sink has no secrets; the schema exists so every channel kind has the same shape. */
export const ZNdjsonSecrets = z.object({}).strict()
export type NdjsonSecrets = z.infer<typeof ZNdjsonSecrets>

/** What the running DECNET decides, not the channel's admin: where alert files may be written. */
export interface NdjsonEnvironment {
  allowedDir: string
}

/** One line of the file: the alert, tagged so consumers can tell the record kind and version. */
export function ndjsonRecord(message: AlertMessage): string {
  return `${JSON.stringify({ kind: 'decnet.alert', version: 1, ...message })}\n`
}

function outside(file: string): TransportError {
  return new TransportError(`alert file ${JSON.stringify(file)} is outside the allowed directory`, false)
}

function isInside(dir: string, target: string): boolean {
  const relative = path.relative(dir, target)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/**
 * The absolute path of the alert file, refusing anything outside `allowedDir` lexically or through
 * a symlinked directory. Creates the allowed directory (0700) and the file's parent directories.
 */
export async function resolveNdjsonPath(file: string, allowedDir: string): Promise<string> {
  await mkdir(allowedDir, { recursive: true, mode: 0o700 })
  const root = await realpath(allowedDir)
  const target = path.resolve(root, file)
  if (!isInside(root, target)) throw outside(file)
  const parent = path.dirname(target)
  await mkdir(parent, { recursive: true, mode: 0o700 })
  const realParent = await realpath(parent)
  if (realParent !== root && !isInside(root, realParent)) throw outside(file)
  return path.join(realParent, path.basename(target))
}

interface Pending {
  line: Buffer
  signal: AbortSignal
  resolve: () => void
  reject: (err: unknown) => void
}

class NdjsonFile {
  private handle: FileHandle | null = null
  private inode = 0
  private size = 0
  private readonly queue: Pending[] = []
  private draining: Promise<void> | null = null
  private closed = false

  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {}

  append(line: string, signal: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('alert file is closed', false))
    if (signal.aborted) return Promise.reject(new TransportError('alert file write aborted'))
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: Buffer.from(line), signal, resolve, reject })
      this.draining ??= this.drain().finally(() => {
        this.draining = null
      })
    })
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0).filter((pending) => {
        if (!pending.signal.aborted) return true
        pending.reject(new TransportError('alert file write aborted'))
        return false
      })
      if (batch.length === 0) continue
      try {
        await this.writeBatch(batch.map((pending) => pending.line))
        for (const pending of batch) pending.resolve()
      } catch (err) {
        // Reopen on the next batch: the handle may be what failed.
        await this.closeHandle().catch(() => {})
        const reason =
          err instanceof TransportError ? err : new TransportError(`alert file write failed: ${err}`)
        for (const pending of batch) pending.reject(reason)
      }
    }
  }

  private async writeBatch(lines: Buffer[]): Promise<void> {
    const handle = await this.current()
    let chunk: Buffer[] = []
    let chunkBytes = 0
    for (const line of lines) {
      if (this.size + chunkBytes > 0 && this.size + chunkBytes + line.length > this.maxBytes) {
        await this.write(Buffer.concat(chunk))
        chunk = []
        chunkBytes = 0
        await this.rotate()
      }
      chunk.push(line)
      chunkBytes += line.length
    }
    await this.write(Buffer.concat(chunk))
    await (this.handle ?? handle).datasync()
  }

  private async write(data: Buffer): Promise<void> {
    if (data.length === 0) return
    const handle = this.handle!
    let offset = 0
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset)
      offset += bytesWritten
    }
    this.size += data.length
  }

  /** The open handle, reopened when the file was moved or removed behind our back (e.g. logrotate). */
  private async current(): Promise<FileHandle> {
    if (this.handle) {
      const onDisk = await lstat(this.file).catch(() => null)
      if (onDisk?.ino === this.inode) return this.handle
      await this.closeHandle()
    }
    // O_NOFOLLOW: a symlink planted at the file's name is refused, not followed out of the directory.
    const handle = await open(
      this.file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o600,
    ).catch((err: NodeJS.ErrnoException) => {
      throw new TransportError(`cannot open the alert file: ${err.code ?? err.message}`, err.code !== 'ELOOP')
    })
    let stats: Stats
    try {
      stats = await handle.stat()
      if (!stats.isFile()) throw new TransportError('the alert file path is not a regular file', false)
      // A file that existed with a wider mode is narrowed: alerts name attackers and deckies.
      if ((stats.mode & 0o777) !== 0o600) await handle.chmod(0o600)
    } catch (err) {
      await handle.close()
      throw err
    }
    this.handle = handle
    this.inode = stats.ino
    this.size = stats.size
    return handle
  }

  private async rotate(): Promise<void> {
    await this.handle?.datasync()
    await this.closeHandle()
    for (let i = this.keep - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(ignoreMissing)
    }
    await rename(this.file, `${this.file}.1`).catch(ignoreMissing)
    await syncDirectory(path.dirname(this.file))
    await this.current()
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle
    this.handle = null
    await handle?.close()
  }

  async close(): Promise<void> {
    this.closed = true
    await this.draining
    await this.closeHandle()
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err
}

/** Makes the renames of a rotation durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Refuses (non-retryable TransportError) a path outside `environment.allowedDir` before anything is
 * written; the check runs once, when the first alert is sent or `ready()` is awaited.
 */
export function createNdjsonTransport(
  config: NdjsonConfig,
  secrets: NdjsonSecrets,
  environment: NdjsonEnvironment,
): AlertTransport & { ready(): Promise<string> } {
  const c = ZNdjsonConfig.parse(config)
  ZNdjsonSecrets.parse(secrets)
  const resolved = resolveNdjsonPath(c.path, environment.allowedDir).catch((err: unknown) => {
    if (err instanceof TransportError) throw err
    throw new TransportError(`alert file directory unusable: ${(err as NodeJS.ErrnoException).code ?? err}`)
  })
  resolved.catch(() => {})
  // The promise is kept, not the file: sends that arrive together before the path is resolved share
  // one NdjsonFile (one handle, one queue) instead of each opening its own and leaking all but one.
  let file: Promise<NdjsonFile> | null = null
  const sink = () => {
    file ??= resolved.then((resolvedPath) => new NdjsonFile(resolvedPath, c.maxBytes, c.keep))
    return file
  }
  return {
    ready: () => resolved,
    async send(message, signal) {
      await (await sink()).append(ndjsonRecord(message), signal)
    },
    async close() {
      await (await file?.catch(() => null))?.close()
    },
  }
}
