import { createHash } from 'node:crypto'
import type { ReapReport } from '@decnet/core'
import type { EventSink, RunningEmulator, StartEmulatorOptions } from '@decnet/decoys'
import { describeFailures, waitUntilReachable } from '../../probe/probe.ts'
import type { ProbeLedger } from '../../probe/probe-ledger.ts'
import { KeyedLock } from '../keyed-lock.ts'
import { emptyReapReport, reapCandidates } from '../reap.ts'
import { fileDropsOf } from '../spec.ts'
import {
  assertDeckyName,
  type ConvergeReport,
  type DeckyEngine,
  type DeckyObservation,
  type DeckyServiceSpec,
  type DeckySpec,
  type ReapOptions,
} from '../types.ts'
import { DecoyWorkerHost, type DecoyWorkerHostOptions } from './decoy-worker-host.ts'
import { loopbackAddressFor } from './loopback.ts'

export type StartService = (slug: string, options: StartEmulatorOptions) => Promise<RunningEmulator>

export type LocalEngineOptions = {
  /**
   * Starts one emulator. Default: the @decnet/decoys emulators in a supervised worker thread
   * (`DecoyWorkerHost`), so a decoy fault never reaches this process; tests may substitute one.
   */
  startService?: StartService
  /** Receives every decoy event (the in-process stand-in for following container logs). */
  onEvent?: EventSink
  readinessTimeoutMs?: number
  /** Records the readiness probes' sources, so their events are flagged as system traffic. */
  probeLedger?: ProbeLedger
  /** Restart policy, fault log and heap cap of the decoy worker (when `startService` is not given). */
  decoyHost?: Omit<DecoyWorkerHostOptions, 'onEvent'>
  /**
   * Mixed into every decky's loopback address (see loopbackAddressFor), so two engines on one machine,
   * e.g. two installations, never bind the same address and port for deckies of the same name.
   */
  addressScope?: string
}

type RunningService = { hash: string; emulator: RunningEmulator }
type LocalDecky = { address: string; services: Map<string, RunningService>; createdAt: number }

function listenerName(decky: string, slug: string): string {
  return `${decky}.${slug}`
}

/**
 * The embedded engine for machines without Docker: every decky's emulators run in this process,
 * bound to the decky's own loopback address. OS shaping (MAC, sysctls) is impossible here; the decky's
 * LAN IP is not used — `addressOf` tells where it answers.
 */
export class LocalEngine implements DeckyEngine {
  readonly kind = 'local'
  private readonly deckies = new Map<string, LocalDecky>()
  private readonly locks = new KeyedLock()
  private readonly startService: StartService
  private readonly decoyHost: DecoyWorkerHost | undefined

  constructor(private readonly options: LocalEngineOptions = {}) {
    if (options.startService) {
      this.startService = options.startService
    } else {
      this.decoyHost = new DecoyWorkerHost({
        ...options.decoyHost,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      })
      this.startService = this.decoyHost.startService
    }
  }

  /** Where a deployed decky answers (its loopback address), if it is deployed. */
  addressOf(name: string): string | undefined {
    return this.deckies.get(name)?.address
  }

  deploy(spec: DeckySpec): Promise<ConvergeReport> {
    assertDeckyName(spec.name)
    const custom = (spec.customServices ?? []).map((service) => service.name)
    // Custom services are images, and this engine runs no containers.
    if (custom.length > 0) {
      return Promise.reject(new CustomServicesUnsupportedError(spec.name, custom))
    }
    return this.locks.run(spec.name, () => this.converge(spec))
  }

  mutate(spec: DeckySpec): Promise<ConvergeReport> {
    return this.deploy(spec)
  }

  teardown(name: string): Promise<void> {
    assertDeckyName(name)
    return this.locks.run(name, async () => {
      const decky = this.deckies.get(name)
      if (!decky) return
      await Promise.all([...decky.services.values()].map(({ emulator }) => emulator.close()))
      this.deckies.delete(name)
    })
  }

  async observe(expected: Iterable<string> = []): Promise<DeckyObservation[]> {
    const hostProblem = this.decoyHostProblem()
    const observations: DeckyObservation[] = [...this.deckies].map(([name, decky]) => {
      const down = hostProblem !== undefined && decky.services.size > 0
      return {
        name,
        state: down ? 'degraded' : 'up',
        services: Object.fromEntries(
          [...decky.services.keys()].map((slug) => [slug, down ? 'restarting' : 'running']),
        ),
        problems: down ? [hostProblem] : [],
      }
    })
    for (const name of expected) {
      if (!this.deckies.has(name))
        observations.push({ name, state: 'missing', services: {}, problems: ['not running'] })
    }
    return observations
  }

  async reapOrphans(knownDeckyNames: Iterable<string>, options: ReapOptions = {}): Promise<ReapReport> {
    const report = emptyReapReport()
    const candidates = [...this.deckies].map(([name, decky]) => ({
      decky: name,
      createdAtMs: decky.createdAt,
      label: `decky '${name}'`,
      remove: async () => {
        const slugs = [...decky.services.keys()]
        await this.teardown(name)
        return slugs.map((slug) => listenerName(name, slug))
      },
    }))
    await reapCandidates(candidates, new Set(knownDeckyNames), options, report)
    return report
  }

  async close(): Promise<void> {
    await this.reapOrphans([], { minAgeMs: 0 })
    await this.decoyHost?.close()
  }

  /** Why the decoy worker is not serving (crashed and restarting, or given up), if it is not. */
  private decoyHostProblem(): string | undefined {
    if (!this.decoyHost) return undefined
    const gaveUp = this.decoyHost.problem()
    if (gaveUp) return gaveUp
    return this.decoyHost.running() ? undefined : 'decoy worker restarting after a fault'
  }

  private async converge(spec: DeckySpec): Promise<ConvergeReport> {
    const report: ConvergeReport = { created: [], kept: [], removed: [], reconfigured: [] }
    const decky = this.deckies.get(spec.name) ?? {
      address: this.allocateAddress(spec.name),
      services: new Map(),
      createdAt: Date.now(),
    }
    this.deckies.set(spec.name, decky)
    const desired = new Map(
      spec.services.map((service) => [service.slug, this.hashOf(spec, service, decky.address)]),
    )
    for (const [slug, running] of [...decky.services]) {
      if (desired.get(slug) === running.hash) continue
      await running.emulator.close()
      decky.services.delete(slug)
      report.removed.push(listenerName(spec.name, slug))
    }
    const failures: string[] = []
    await Promise.all(
      spec.services.map(async (service) => {
        const name = listenerName(spec.name, service.slug)
        if (decky.services.has(service.slug)) {
          report.kept.push(name)
          return
        }
        try {
          const emulator = await this.startService(service.slug, {
            decky: spec.name,
            bindAddress: decky.address,
            // One listener per port number: an emulator serving TCP and UDP on a port binds both itself.
            ports: [...new Set(service.ports.map(({ port }) => port))],
            config: service.config,
            seed: spec.seed,
            persona: spec.persona,
            fileDrops: fileDropsOf(spec, service.slug),
            hostname: spec.hostname,
            ...(spec.distro ? { distro: spec.distro } : {}),
            ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}),
          })
          decky.services.set(service.slug, { hash: desired.get(service.slug) ?? '', emulator })
          report.created.push(name)
        } catch (error) {
          failures.push(`${service.slug}: ${(error as Error).message}`)
        }
      }),
    )
    if (failures.length > 0) throw new Error(`decky ${spec.name} could not start: ${failures.join('; ')}`)
    const ports = spec.services.flatMap((service) => service.ports)
    const ready = await waitUntilReachable(decky.address, ports, {
      hostname: spec.hostname,
      timeoutMs: this.options.readinessTimeoutMs ?? 10_000,
      ...(this.options.probeLedger ? { ledger: { book: this.options.probeLedger, decky: spec.name } } : {}),
    })
    if (!ready.ok) {
      throw new Error(
        `decky ${spec.name} started but does not answer: ${describeFailures(decky.address, ready.failures)}`,
      )
    }
    return report
  }

  private allocateAddress(name: string): string {
    const taken = new Set([...this.deckies.values()].map((decky) => decky.address))
    return loopbackAddressFor(name, taken, this.options.addressScope)
  }

  private hashOf(spec: DeckySpec, service: DeckyServiceSpec, address: string): string {
    const identity = [
      address,
      spec.hostname,
      spec.seed,
      spec.distro,
      spec.persona,
      fileDropsOf(spec, service.slug),
      service.ports,
      Object.entries(service.config).sort(),
    ]
    return createHash('sha256').update(JSON.stringify(identity)).digest('hex')
  }
}

/** A decky with custom services asked of the local engine, which has no containers to run their images in. */
export class CustomServicesUnsupportedError extends Error {
  constructor(decky: string, services: readonly string[]) {
    super(
      `decky ${decky}: custom services (${services.join(', ')}) need the Docker engine; the local engine runs no images`,
    )
    this.name = 'CustomServicesUnsupportedError'
  }
}
