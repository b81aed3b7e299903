import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import {
  type EngineKind,
  type ImageHostProgress,
  isTerminalStatus,
  LOCAL_HOST_ID,
  waitingHostProgress,
} from '@decnet/core'
import type { DecnetDatabase, ImageRolloutRow, ImageRolloutUpdate } from '@decnet/db'
import { activateImage, IMAGE_TRANSFER_TIMEOUT_MS, imageDigest, transferImage } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { hostTls, remoteDocker } from '../hosts/remote-engine.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import {
  AVAILABLE_IMAGE_SETTING,
  type AvailableImage,
  readAvailableImage,
  rolloutHostIds,
} from './image-versions.ts'

export type ImageRolloutWorkerDeps = {
  db: DecnetDatabase
  /** This machine's engine: where a new image is built, and the source of every push. */
  docker: Docker
  engine: EngineKind
  secrets: SecretBox | undefined
  /** The decoy image tag deckies are created from (`decnet/decoy:<version>`). */
  image: string
  /** Nudges the lifecycle runners after upgrade rows are queued. */
  wakeRunners: () => void
  pollMs: number
  leaseMs?: number
  report: (error: unknown) => void
}

/** Progress is written at most this often while bytes stream (each write also renews the lease). */
const PROGRESS_WRITE_MS = 500
const WAIT_POLL_MS = 250
const PUSH_RETRY_MS = 60_000

/** The lease was taken over (this process stalled past it): another worker carries the rollout on. */
class LeaseLost extends Error {}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Carries out image rollouts (db.images): pushes, fleet-wide rollouts and rollbacks, one at a time,
 * under a lease so a crashed process's rollout is resumed (every step is idempotent). Each tick it
 * also records which decoy image this machine has and queues a push to every host that has no image
 * recorded yet (just enrolled). Per host: the image is copied over the host's own connection (mutual
 * TLS), its digest verified, the decoy tag pointed at it and the version recorded; then, for a
 * rollout or rollback, its deckies are upgraded `batchSize` at a time, each batch waited for, with
 * `pauseSeconds` between batches. The first failure stops the rollout.
 */
export class ImageRolloutWorker {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}:images`
  private readonly leaseMs: number
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private stopped = false
  private current: { rollout: ImageRolloutRow; host: ImageHostProgress | undefined } | undefined

  constructor(private readonly deps: ImageRolloutWorkerDeps) {
    this.leaseMs = deps.leaseMs ?? 60_000
  }

  start(): void {
    this.wake()
  }

  /** Looks for work now rather than at the next poll. */
  wake(): void {
    if (this.stopped || this.ticking) return
    clearTimeout(this.timer)
    this.ticking = this.tick()
      .catch(this.deps.report)
      .finally(() => {
        this.ticking = undefined
        if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.deps.pollMs)
      })
  }

  /** What it is doing, for its heartbeat. */
  describe(): string {
    if (!this.current) return `idle; ${this.deps.image}`
    const { rollout, host } = this.current
    const where = host ? `: host ${host.hostId} ${host.phase}` : ''
    return `${rollout.kind} ${rollout.id} of ${rollout.digest.slice(0, 19)}${where}`.slice(0, 500)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.ticking
  }

  private async tick(): Promise<void> {
    await this.observeLocalImage()
    await this.queueMissingPushes()
    for (;;) {
      if (this.stopped) return
      const rollout = await this.deps.db.images.claim(this.owner, this.leaseMs)
      if (!rollout) return
      await this.drive(rollout)
    }
  }

  private async observeLocalImage(): Promise<void> {
    if (this.deps.engine !== 'docker') return
    const digest = await imageDigest(this.deps.docker, this.deps.image)
    const known = await readAvailableImage(this.deps.db)
    if (known?.digest === digest && known.image === this.deps.image) return
    const available: AvailableImage = { image: this.deps.image, digest, checkedAt: new Date().toISOString() }
    await this.deps.db.settings.set(AVAILABLE_IMAGE_SETTING, available)
  }

  /** A host with no image recorded (just enrolled, or the first start) gets the fleet's image. */
  private async queueMissingPushes(): Promise<void> {
    const { db } = this.deps
    const recorded = await db.images.hostImages()
    const fleet = recorded.find((row) => row.hostId === LOCAL_HOST_ID)?.digest ?? recorded[0]?.digest
    const digest = fleet ?? (await readAvailableImage(db))?.digest
    if (!digest) return
    const hostIds = await rolloutHostIds({ db, engine: this.deps.engine })
    // A push that failed is retried, but not before PUSH_RETRY_MS (its error stays readable meanwhile).
    const recent = (await db.images.list()).filter(
      (row) =>
        row.kind === 'push' &&
        row.status === 'failed' &&
        Date.now() - row.updatedAt.getTime() < PUSH_RETRY_MS,
    )
    const waiting = (id: string) =>
      !recorded.some((row) => row.hostId === id) && !recent.some((row) => row.hostId === id)
    for (const hostId of hostIds.filter(waiting)) {
      await db.images.createRollout({
        kind: 'push',
        digest,
        previousDigest: null,
        hostId,
        batchSize: 1,
        pauseSeconds: 0,
        hosts: waitingHostProgress([hostId]),
        createdBy: 'system',
      })
    }
  }

  private async drive(rollout: ImageRolloutRow): Promise<void> {
    const hosts = rollout.hosts.map((host) => ({ ...host }))
    const lifecycleIds = [...rollout.lifecycleIds]
    const save = async (update: ImageRolloutUpdate = {}) => {
      const held = await this.deps.db.images.advance(rollout.id, this.owner, this.leaseMs, {
        hosts,
        lifecycleIds,
        ...update,
      })
      if (!held) throw new LeaseLost(`image rollout ${rollout.id}: lease lost`)
    }
    try {
      for (const progress of hosts) {
        if (progress.phase === 'done') continue
        this.current = { rollout, host: progress }
        await this.driveHost(rollout, progress, lifecycleIds, save)
      }
      await save({ status: 'succeeded', error: null })
    } catch (error) {
      if (error instanceof LeaseLost) return
      const failed = hosts.find((host) => host.phase !== 'done' && host.phase !== 'waiting')
      if (failed) {
        failed.phase = 'failed'
        failed.error = describe(error)
      }
      await save({ status: 'failed', error: describe(error) }).catch(this.deps.report)
    } finally {
      this.current = undefined
    }
  }

  private async driveHost(
    rollout: ImageRolloutRow,
    progress: ImageHostProgress,
    lifecycleIds: string[],
    save: () => Promise<void>,
  ): Promise<void> {
    const { db } = this.deps
    progress.phase = 'pushing'
    await save()
    const target = await this.dockerOf(progress.hostId)
    if (target !== this.deps.docker) {
      let written = 0
      const sent = await transferImage({
        from: this.deps.docker,
        to: target,
        image: this.deps.image,
        digest: rollout.digest,
        onProgress: ({ bytesSent, imageBytes }) => {
          progress.bytesSent = bytesSent
          progress.imageBytes = imageBytes
          if (Date.now() - written < PROGRESS_WRITE_MS) return
          written = Date.now()
          save().catch(this.deps.report)
        },
      })
      Object.assign(progress, sent)
    }
    await activateImage(target, this.deps.image, rollout.digest)
    await db.images.recordHostImage(progress.hostId, rollout.digest)
    if (rollout.kind !== 'push') {
      progress.phase = 'upgrading'
      const deckies = (await db.fleet.list())
        .filter((decky) => decky.hostId === progress.hostId && decky.state !== 'pending_removal')
        .map((decky) => decky.name)
      progress.deckiesTotal = deckies.length
      progress.deckiesDone = 0
      await save()
      for (let start = 0; start < deckies.length; start += rollout.batchSize) {
        if (start > 0 && rollout.pauseSeconds > 0) await this.waitRenewing(rollout.pauseSeconds * 1000, save)
        const batch = deckies.slice(start, start + rollout.batchSize)
        const ids = await db.fleet.commitUpgrade(batch, { imageRollout: rollout.id, digest: rollout.digest })
        lifecycleIds.push(...ids)
        await save()
        this.deps.wakeRunners()
        await this.awaitRows(ids, save)
        progress.deckiesDone += batch.length
        await save()
      }
    }
    progress.phase = 'done'
    await save()
  }

  /** Waits until every row is finished; the first failed one stops the rollout with its reason. */
  private async awaitRows(ids: string[], save: () => Promise<void>): Promise<void> {
    for (;;) {
      const rows = await this.deps.db.lifecycle.get(ids)
      const failed = rows.find((row) => row.status === 'failed')
      if (failed)
        throw new Error(`upgrade of ${failed.deckyName} failed: ${failed.error ?? 'no reason given'}`)
      if (rows.length === ids.length && rows.every((row) => isTerminalStatus(row.status))) return
      if (this.stopped) throw new LeaseLost('stopping')
      await sleep(WAIT_POLL_MS)
      await save()
    }
  }

  private async waitRenewing(ms: number, save: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms
    while (Date.now() < until) {
      if (this.stopped) throw new LeaseLost('stopping')
      await sleep(Math.min(WAIT_POLL_MS, until - Date.now()))
      await save()
    }
  }

  /** The host's engine: this machine's, or the enrolled host's over mutual TLS (patient: images are large). */
  private async dockerOf(hostId: string): Promise<Docker> {
    if (hostId === LOCAL_HOST_ID) return this.deps.docker
    const host = await this.deps.db.hosts.get(hostId)
    if (host?.status !== 'active')
      throw new Error(`host ${host?.name ?? hostId} is ${host?.status ?? 'gone'}`)
    if (!this.deps.secrets) throw new Error('DECNET_SECRET_KEY is not set: enrolled hosts cannot be reached')
    return remoteDocker(host.dockerUrl, hostTls(host, this.deps.secrets), IMAGE_TRANSFER_TIMEOUT_MS)
  }
}
