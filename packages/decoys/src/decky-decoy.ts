/**
 * All built-in services of one decky in one process (the decky's decoy container): one Node runtime
 * per decky instead of one per service. The set can change while it runs (`apply`): only services
 * whose slug, ports or config changed are restarted, so a session to any other service stays up.
 */
import type { DeckyService } from './decky-services.ts'
import type { RunningEmulator } from './emulator.ts'
import { currentService, inServiceScope } from './framework/service-scope.ts'
import { type StartEmulatorOptions, startEmulator } from './start.ts'

/** What every service of the decky shares (the persona, the decky name, where events go, …). */
export type DeckyDecoyOptions = Omit<StartEmulatorOptions, 'ports' | 'config'>

type Hosted = { service: DeckyService; key: string; emulator: RunningEmulator }

const keyOf = (service: DeckyService) => JSON.stringify([service.ports, service.config])

export class DeckyDecoy {
  private readonly hosted = new Map<string, Hosted>()
  /** Changes run one at a time, in order: a reload never races a restart or another reload. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: DeckyDecoyOptions) {}

  /** The services running now, in start order, with the ports each bound. */
  get listening(): { slug: string; ports: number[] }[] {
    return [...this.hosted.values()].map(({ service, emulator }) => ({
      slug: service.slug,
      ports: emulator.ports,
    }))
  }

  /**
   * Makes the running services exactly `services`: removed and changed ones are closed first (a new
   * service may take a removed one's port), then changed and added ones start. Every service is
   * tried; the ones that could not start are returned as `slug: reason` (they are not running).
   */
  apply(services: readonly DeckyService[]): Promise<string[]> {
    return this.enqueue(async () => {
      const wanted = new Map(services.map((service) => [service.slug, service]))
      const stale = [...this.hosted.values()].filter((hosted) => {
        const want = wanted.get(hosted.service.slug)
        return want === undefined || keyOf(want) !== hosted.key
      })
      await Promise.all(stale.map((hosted) => this.stop(hosted.service.slug)))
      // Side by side: one service's key derivation (threadpool) overlaps another's module loading.
      const started = await Promise.all(
        services.filter((service) => !this.hosted.has(service.slug)).map((service) => this.start(service)),
      )
      const failures: string[] = []
      for (const result of started) {
        if (typeof result === 'string') failures.push(result)
        else this.hosted.set(result.service.slug, result)
      }
      return failures
    })
  }

  /**
   * A fault no handler caught (an uncaught exception, an unhandled rejection), reported through `say`.
   * Pinned on a service (the code ran in its scope), that service alone restarts: `restarting`. A
   * fault of no service's leaves the process in an unknown state: `fatal`, the caller ends it and
   * Docker starts it afresh.
   */
  fault(error: unknown, say: (message: string) => void): 'restarting' | 'fatal' {
    const service = currentService()
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    say(`fault in ${service ?? 'the decoy process'}: ${message.slice(0, 2000)}`)
    if (!service || !this.hosted.has(service)) return 'fatal'
    void this.restart(service).then((failure) => {
      if (failure) say(`cannot restart ${failure}`)
    })
    return 'restarting'
  }

  /** Restarts one service after a fault pinned on it; its sessions end, the others' stay. */
  restart(slug: string): Promise<string | undefined> {
    return this.enqueue(async () => {
      const hosted = this.hosted.get(slug)
      if (!hosted) return undefined
      await this.stop(slug)
      const restarted = await this.start(hosted.service)
      if (typeof restarted === 'string') return restarted
      this.hosted.set(slug, restarted)
      return undefined
    })
  }

  close(): Promise<unknown> {
    return this.enqueue(() => Promise.all([...this.hosted.keys()].map((slug) => this.stop(slug))))
  }

  private enqueue<T>(change: () => Promise<T>): Promise<T> {
    const next = this.queue.then(change)
    this.queue = next.catch(() => undefined)
    return next
  }

  /** The started service, or why it could not start (`slug: reason`). */
  private async start(service: DeckyService): Promise<Hosted | string> {
    try {
      const emulator = await inServiceScope(service.slug, () =>
        startEmulator(service.slug, { ...this.options, ports: service.ports, config: service.config }),
      )
      return { service, key: keyOf(service), emulator }
    } catch (error) {
      return `${service.slug}: ${(error as Error).message}`
    }
  }

  private async stop(slug: string): Promise<void> {
    const hosted = this.hosted.get(slug)
    this.hosted.delete(slug)
    // A listener that fails to close is gone for this process either way.
    await hosted?.emulator.close().catch(() => undefined)
  }
}
