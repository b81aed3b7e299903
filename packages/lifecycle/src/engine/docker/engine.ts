import { type DeckyTopology, type ReapReport, type TcpStackShaping, tcpStackFor } from '@decnet/core'
import {
  DECKY_SERVICES_DIR,
  DECKY_SERVICES_FILE,
  DECKY_SERVICES_FILE_NAME,
  servicesDigest,
} from '@decnet/decoys/decky-services'
import type Docker from 'dockerode'
import type { GatewayAttachment } from '../../artifacts/gateway.ts'
import { describeFailures, waitUntilReachable } from '../../probe/probe.ts'
import type { ProbeLedger } from '../../probe/probe-ledger.ts'
import { createDockerClient, DOCKER_CALL_TIMEOUT_MS } from '../docker-client.ts'
import { KeyedLock } from '../keyed-lock.ts'
import { emptyReapReport, reapCandidates } from '../reap.ts'
import {
  assertDeckyName,
  type ConvergeReport,
  DEFAULT_REAP_MIN_AGE_MS,
  type DeckyEngine,
  type DeckyObservation,
  type DeckySpec,
  type NetworkContext,
  type OperationOptions,
  type ReapOptions,
} from '../types.ts'
import { dockerCall, isNotFound } from './calls.ts'
import {
  baseContainer,
  type ContainerSettings,
  customServiceContainer,
  type DesiredContainer,
  decoyContainer,
  shaperContainer,
} from './containers.ts'
import { encodedServices, firstFileInTar, singleFileTar } from './decoy-services.ts'
import { HostShim, interfaceAddress } from './host-shim.ts'
import { resolveImage } from './image.ts'
import { BASE_ROLE, DECOY_ROLE, LABEL, managedFilter, SERVICE_ROLE, SHAPER_ROLE } from './labels.ts'
import { ensureNetwork } from './network.ts'
import {
  ensureTopologyNetwork,
  linkTopologyDecky,
  removeNetworkIfUnused,
  topologyNetworkName,
} from './topology.ts'

export type DockerEngineOptions = {
  /** The decoy image (`decnet/decoy:<version>`); the engine never pulls it. */
  image: string
  /** How to build the image, quoted in the error when it is missing. */
  buildCommand?: string
  docker?: Docker
  dockerHost?: string
  /** Separates several DECNET installations (or test runs) on one daemon; part of every name and label filter. */
  instance?: string
  networkName?: string
  /** Host shim interface name (≤ 15 characters); defaults to `decnet_<driver>0`. */
  shimName?: string
  /**
   * Whether this machine needs a shim to reach macvlan/ipvlan deckies (true by default). False for an
   * engine on another machine: the shim is the daemon host's own workaround, and this one is just
   * another machine on the LAN.
   */
  hostShim?: boolean
  /** Entry point of base containers (default: the decoy image's pause process). */
  baseCommand?: string[]
  /** Command of decoy containers; the image's default when unset. */
  decoyCommand?: string[]
  /** Entry point of the TCP/IP stack shaper (default: the decoy image's `shape` under its pause process). */
  shaperCommand?: string[]
  /** How long a started shaper may take to report its program attached (default 20 s). */
  shaperTimeoutMs?: number
  /** Bound of every single Docker call. */
  callTimeoutMs?: number
  /** Budget for all service ports of a decky to answer after start. */
  readinessTimeoutMs?: number
  /**
   * Records the readiness probes' sources, so their events are flagged as system traffic (the probes
   * run from this machine for a remote engine too, so the same ledger covers enrolled hosts).
   */
  probeLedger?: ProbeLedger
  logMaxSize?: string
  /**
   * The artifact gateway on this daemon's machine: its socket directory is bind-mounted read-only
   * into every service container, with the decky's token, so `wget`/`curl` fetch through it. Unset
   * (an enrolled host: the socket is not on that machine) the deckies' downloads fail as offline.
   */
  artifactGateway?: GatewayAttachment
}

type Existing = Docker.ContainerInfo

const INSTANCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,30}$/

function label(container: Existing, key: string): string | undefined {
  return container.Labels[key]
}

function containerName(container: Existing): string {
  return container.Names[0]?.replace(/^\//, '') ?? container.Id.slice(0, 12)
}

/** The decky's TCP/IP stack shaper could not attach its program: the decky would answer as Linux. */
export class StackShapingError extends Error {
  constructor(decky: string, detail: string) {
    super(`decky ${decky}: TCP/IP stack shaping failed: ${detail}`)
    this.name = 'StackShapingError'
  }
}

const SHAPER_REPORT_RE = /decnet-shaper: ([^\n]*)/g

/** A decoy running live could not take its new service set (a live edit or a mutation). */
export class DecoyServicesError extends Error {
  constructor(decky: string, detail: string) {
    super(`decky ${decky}: its decoy did not take the new services: ${detail}`)
    this.name = 'DecoyServicesError'
  }
}

export class DeckyNotReachableError extends Error {
  constructor(decky: string, detail: string) {
    super(`decky ${decky} started but does not answer: ${detail}`)
    this.name = 'DeckyNotReachableError'
  }
}

/**
 * The production engine, on real Docker: one decky = a base container (its network namespace, a
 * pause process), one decoy container running all of its built-in services in one process, a stack
 * shaper when its persona needs one, and one container per custom service.
 */
export class DockerEngine implements DeckyEngine {
  readonly kind = 'docker'
  readonly instance: string
  readonly networkName: string
  private readonly docker: Docker
  private readonly timeoutMs: number
  private readonly locks = new KeyedLock()

  constructor(private readonly options: DockerEngineOptions) {
    this.instance = options.instance ?? 'decnet'
    if (!INSTANCE_PATTERN.test(this.instance))
      throw new Error(`invalid engine instance ${JSON.stringify(this.instance)}`)
    this.networkName = options.networkName ?? 'decnet_lan'
    this.timeoutMs = options.callTimeoutMs ?? DOCKER_CALL_TIMEOUT_MS
    this.docker =
      options.docker ??
      createDockerClient({
        timeoutMs: this.timeoutMs,
        ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
      })
  }

  deploy(spec: DeckySpec, network: NetworkContext, options: OperationOptions = {}): Promise<ConvergeReport> {
    assertDeckyName(spec.name)
    return this.locks.run(`decky:${spec.name}`, () => this.converge(spec, network, options.signal))
  }

  /** Same convergence as deploy: the base's settings are unchanged by a mutation, so only changed services are replaced. */
  mutate(spec: DeckySpec, network: NetworkContext, options: OperationOptions = {}): Promise<ConvergeReport> {
    return this.deploy(spec, network, options)
  }

  teardown(name: string): Promise<void> {
    assertDeckyName(name)
    return this.locks.run(`decky:${name}`, async () => {
      const containers = await this.list(name)
      const networks = containers.flatMap((container) => topologyNetworksOf(container))
      await this.removeDecky(containers)
      // The last decky of a topology network takes the network with it.
      for (const network of new Set(networks)) {
        await this.locks.run(`network:${network}`, () =>
          removeNetworkIfUnused(this.docker, network, this.timeoutMs),
        )
      }
    })
  }

  async observe(expected: Iterable<string> = []): Promise<DeckyObservation[]> {
    const byDecky = new Map<string, Existing[]>()
    for (const container of await this.list()) {
      const decky = label(container, LABEL.decky)
      if (decky) byDecky.set(decky, [...(byDecky.get(decky) ?? []), container])
    }
    for (const name of expected) if (!byDecky.has(name)) byDecky.set(name, [])
    return [...byDecky].map(([name, containers]) => observeDecky(name, containers, this.networkName))
  }

  async reapOrphans(knownDeckyNames: Iterable<string>, options: ReapOptions = {}): Promise<ReapReport> {
    const known = new Set(knownDeckyNames)
    const report = emptyReapReport()
    let containers: Existing[]
    try {
      containers = await this.list()
    } catch (error) {
      report.errors.push(`docker list failed: ${(error as Error).message}`)
      return report
    }
    // Services first, then bases, as in teardown.
    const isBase = (container: Existing) => Number(label(container, LABEL.role) === BASE_ROLE)
    const candidates = [...containers]
      .sort((a, b) => isBase(a) - isBase(b))
      .map((container) => ({
        decky: label(container, LABEL.decky) ?? '',
        createdAtMs: container.Created * 1000,
        label: `container '${containerName(container)}'`,
        remove: async () => {
          await this.removeContainer(container)
          return [containerName(container)]
        },
      }))
    await reapCandidates(candidates, known, options, report)
    const createdBefore = (Date.now() - (options.minAgeMs ?? DEFAULT_REAP_MIN_AGE_MS)) / 1000
    // A topology network belongs to its deckies: empty (its last decky's teardown was cut short), it is
    // an orphan whatever else is known. The LAN belongs to the fleet as a whole.
    const topologyPrefix = topologyNetworkName(this.instance, '')
    await this.reapNetworks(
      report,
      createdBefore,
      (name) => known.size === 0 || name.startsWith(topologyPrefix),
    )
    return report
  }

  /** Removes the managed networks `reapable` names that nothing is attached to and are old enough. */
  private async reapNetworks(
    report: ReapReport,
    createdBefore: number,
    reapable: (name: string) => boolean,
  ): Promise<void> {
    try {
      const networks = await this.call('list networks', () =>
        this.docker.listNetworks({ filters: managedFilter(this.instance) }),
      )
      for (const summary of networks.filter((network) => reapable(network.Name))) {
        try {
          const info = await this.call(`inspect network ${summary.Name}`, () =>
            this.docker.getNetwork(summary.Id).inspect(),
          )
          if (
            Object.keys(info.Containers ?? {}).length > 0 ||
            Date.parse(info.Created) / 1000 > createdBefore
          )
            continue
          await this.call(`remove network ${summary.Name}`, () => this.docker.getNetwork(summary.Id).remove())
          report.networksRemoved.push(summary.Name)
          const shim = this.shimNameFor(info.Driver)
          if (shim) await HostShim.remove(shim)
        } catch (error) {
          report.errors.push(`network '${summary.Name}': ${(error as Error).message}`)
        }
      }
    } catch (error) {
      report.errors.push(`docker list failed: ${(error as Error).message}`)
    }
  }

  private async converge(
    spec: DeckySpec,
    network: NetworkContext,
    signal: AbortSignal | undefined,
  ): Promise<ConvergeReport> {
    // Checked before every change to Docker: an abandoned operation stops at its next step.
    const step = () => signal?.throwIfAborted()
    step()
    const slugs = [
      ...spec.services.map((service) => service.slug),
      ...(spec.customServices ?? []).map((c) => c.name),
    ]
    if (new Set(slugs).size !== slugs.length)
      throw new Error(`decky ${spec.name} lists a service twice: ${slugs.join(', ')}`)
    // Read-only look-ups together; the network (which may create things) only once the images are
    // known to exist, so a missing image fails without side effects.
    const [imageId, customImageIds, existing] = await Promise.all([
      resolveImage(
        this.docker,
        this.options.image,
        { what: 'decoy image', remedy: `build it with: ${this.buildCommand}` },
        this.timeoutMs,
      ),
      Promise.all(
        (spec.customServices ?? []).map((custom) =>
          resolveImage(
            this.docker,
            custom.image,
            { what: `custom service ${custom.name}'s image`, remedy: 'load or build it there first' },
            this.timeoutMs,
          ),
        ),
      ),
      this.list(spec.name),
    ])
    step()
    const shim = spec.topology
      ? await this.ensureTopologyNetworks(spec.topology)
      : await this.locks.run('network', () => this.ensureNetworkAndShim(network))
    step()
    const settings: ContainerSettings = {
      instance: this.instance,
      networkName: this.networkName,
      imageId,
      baseCommand: this.options.baseCommand ?? ['/opt/decnet/pause'],
      shaperCommand: this.options.shaperCommand ?? [
        '/opt/decnet/pause',
        '/usr/bin/node',
        '/opt/decnet/shape',
      ],
      ...(this.options.decoyCommand ? { decoyCommand: this.options.decoyCommand } : {}),
      logMaxSize: this.options.logMaxSize ?? '10m',
      stopTimeoutSeconds: 2,
      ...(this.options.artifactGateway ? { artifactGateway: this.options.artifactGateway } : {}),
    }
    const report: ConvergeReport = { created: [], kept: [], removed: [], reconfigured: [] }
    const role = (container: Existing) => label(container, LABEL.role)
    const bases = existing.filter((container) => role(container) === BASE_ROLE)
    let joined = existing.filter((container) => role(container) !== BASE_ROLE)
    const shaping = shapingFor(spec)

    const desiredBase = baseContainer(spec, settings, shim?.name, shaping)
    // A base that lost its LAN address (disconnected, or back from a daemon restart without it) is
    // recreated like a stopped one: what joined its namespace follows it into the new one.
    const base = bases.find(
      (container) =>
        label(container, LABEL.configHash) === desiredBase.hash &&
        container.State === 'running' &&
        baseNetworkProblem(container, this.networkName) === undefined,
    )
    if (!base) {
      // A new base is a new network namespace: every joined container must be recreated to join it.
      for (const container of joined) {
        step()
        await this.remove(container, report)
      }
      joined = []
    }
    for (const stale of bases.filter((container) => container !== base)) await this.remove(stale, report)
    let baseId: string
    let baseStarted: Promise<unknown> = Promise.resolve()
    if (base) {
      baseId = base.Id
      report.kept.push(desiredBase.name)
    } else {
      step()
      const created = await this.create(desiredBase)
      baseId = created.id
      // Joined containers only need the base to exist to be created; they wait for it to run to start.
      baseStarted = this.start(desiredBase.name, created)
      // Awaited below; this only keeps an early exit (a failed removal) from leaving it unhandled.
      baseStarted.catch(() => undefined)
      report.created.push(desiredBase.name)
    }

    const desiredDecoy = spec.services.length > 0 ? decoyContainer(spec, baseId, settings) : undefined
    const desiredShaper = shaping ? shaperContainer(spec, shaping, baseId, settings) : undefined
    const desiredCustoms = (spec.customServices ?? []).map((custom, index) =>
      customServiceContainer(spec, custom, customImageIds[index] ?? '', baseId, settings),
    )
    // Kept: running with the wanted configuration. Everything else joined to the base goes, including
    // the one-container-per-service layout of engines before decoy containers.
    const keep = new Set<Existing>()
    const keptFor = (want: DesiredContainer | undefined, wantedRole: string) => {
      if (!want) return undefined
      const match = joined.find(
        (container) =>
          !keep.has(container) &&
          role(container) === wantedRole &&
          label(container, LABEL.configHash) === want.hash &&
          container.State === 'running',
      )
      if (match) keep.add(match)
      return match
    }
    const keptDecoy = keptFor(desiredDecoy, DECOY_ROLE)
    const keptShaper = keptFor(desiredShaper, SHAPER_ROLE)
    const keptCustoms = new Set(
      desiredCustoms.filter((want) => keptFor(want, SERVICE_ROLE) !== undefined).map((want) => want.name),
    )
    step()
    await Promise.all(
      joined.filter((container) => !keep.has(container)).map((stale) => this.remove(stale, report)),
    )

    const { topology } = spec
    const routed = shim
      ? baseStarted.then(() => shim.routeTo(spec.ip))
      : topology
        ? // Idempotent: a kept base gets any network it lost back, and its route again.
          baseStarted.then(() =>
            linkTopologyDecky(this.docker, this.instance, baseId, topology, this.timeoutMs),
          )
        : baseStarted
    const createAndStart = async (want: DesiredContainer) => {
      step()
      const container = await this.create(want)
      await baseStarted
      step()
      await this.start(want.name, container)
      report.created.push(want.name)
      return container
    }
    const shaped = (async () => {
      if (!desiredShaper) return
      if (keptShaper) {
        report.kept.push(desiredShaper.name)
        return
      }
      const container = await createAndStart(desiredShaper)
      await this.verifyShaper(spec.name, container, signal)
    })()
    const decoyReady = (async () => {
      if (!desiredDecoy) return
      if (!keptDecoy) {
        await createAndStart(desiredDecoy)
        return
      }
      // The decoy keeps running; only its service set may differ (a mutation or a live edit).
      const services = encodedServices(spec)
      if ((await this.runningServicesDigest(keptDecoy)) === servicesDigest(services)) {
        report.kept.push(desiredDecoy.name)
        return
      }
      step()
      await this.applyServices(spec.name, keptDecoy, services, signal)
      report.reconfigured.push(desiredDecoy.name)
    })()
    await Promise.all([
      routed,
      shaped,
      decoyReady,
      ...desiredCustoms.map(async (want) => {
        if (keptCustoms.has(want.name)) report.kept.push(want.name)
        else await createAndStart(want)
      }),
    ])
    step()
    await this.waitUntilReachable(spec, signal)
    step()
    return report
  }

  /**
   * Waits for the shaper's own report (one stderr line): attached, or the failing step with tc's or
   * ip's message. A crash loop under the restart policy repeats the failure line, so it is read too.
   */
  private async verifyShaper(decky: string, container: Docker.Container, signal: AbortSignal | undefined) {
    await this.awaitReport(container, {
      what: `${decky}'s stack shaper`,
      timeoutMs: this.options.shaperTimeoutMs ?? 20_000,
      signal,
      decide: (logs) => {
        const last = [...logs.matchAll(SHAPER_REPORT_RE)].map((m) => m[1] ?? '').at(-1)
        if (last === undefined) return false
        if (last.includes(' attached to ')) return true
        throw new StackShapingError(decky, last.slice(0, 500))
      },
      timedOut: (state) =>
        new StackShapingError(decky, `the shaper did not report within its time (${state})`),
    })
  }

  /** The digest of the service set a running decoy runs: its services file's, else its creation set's. */
  private async runningServicesDigest(decoy: Existing): Promise<string | undefined> {
    try {
      const archive = await this.call(`read the services of ${containerName(decoy)}`, async () => {
        const stream = await this.docker.getContainer(decoy.Id).getArchive({ path: DECKY_SERVICES_FILE })
        const chunks: Buffer[] = []
        for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk)
        return Buffer.concat(chunks)
      })
      return servicesDigest(firstFileInTar(archive).toString('utf8'))
    } catch (error) {
      if (isNotFound(error)) return label(decoy, LABEL.services)
      throw error
    }
  }

  /**
   * A live edit: writes the new service set into the running decoy's services volume, signals it,
   * and waits for its acknowledgement (`applied <digest>`), which names any service it could not
   * start. The services it keeps are never restarted, so their sessions stay up.
   */
  private async applyServices(
    decky: string,
    decoy: Existing,
    services: string,
    signal: AbortSignal | undefined,
  ) {
    const name = containerName(decoy)
    const container = this.docker.getContainer(decoy.Id)
    const archive = singleFileTar(DECKY_SERVICES_FILE_NAME, Buffer.from(services))
    await this.call(`write the services of ${name}`, () =>
      container.putArchive(archive, { path: DECKY_SERVICES_DIR }),
    )
    // Docker's `since` has whole seconds: a second back, and the digest tells the lines apart.
    const since = Math.floor(Date.now() / 1000) - 1
    await this.call(`signal ${name}`, () => container.kill({ signal: 'SIGHUP' }))
    const applied = new RegExp(`decnet-decoy: applied ${servicesDigest(services)}: ([^\n]*)`)
    await this.awaitReport(container, {
      what: `${decky}'s decoy`,
      timeoutMs: this.options.readinessTimeoutMs ?? 30_000,
      signal,
      since,
      decide: (logs) => {
        const report = applied.exec(logs)?.[1]
        if (report === undefined) return false
        const failed = report.indexOf('; cannot start ')
        if (failed === -1) return true
        throw new DecoyServicesError(decky, report.slice(failed + 2, failed + 502))
      },
      timedOut: (state) =>
        new DecoyServicesError(decky, `the decoy did not apply its new services in time (${state})`),
    })
  }

  /**
   * Polls a container's stderr until `decide` finds its report (true), throws what it reports, or
   * the time is up (`timedOut` with the container's state).
   */
  private async awaitReport(
    container: Docker.Container,
    wait: {
      what: string
      timeoutMs: number
      signal: AbortSignal | undefined
      /** Only lines from this Unix time (seconds) on. */
      since?: number
      decide: (logs: string) => boolean
      timedOut: (state: string) => Error
    },
  ): Promise<void> {
    const deadline = Date.now() + wait.timeoutMs
    for (;;) {
      wait.signal?.throwIfAborted()
      const logs = await this.call(`logs of ${wait.what}`, () =>
        container.logs({
          stdout: false,
          stderr: true,
          follow: false,
          ...(wait.since ? { since: wait.since } : {}),
        }),
      )
      if (wait.decide(Buffer.from(logs).toString('utf8'))) return
      if (Date.now() > deadline) {
        const state = await this.call(`inspect ${wait.what}`, () => container.inspect())
        throw wait.timedOut(state.State.Status)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  private async waitUntilReachable(spec: DeckySpec, signal: AbortSignal | undefined): Promise<void> {
    // A custom UDP port speaks an unknown protocol that need not answer a probe: its TCP ports are probed.
    const ports = [
      ...spec.services.flatMap((service) => service.ports),
      ...(spec.customServices ?? []).flatMap((custom) =>
        custom.ports.filter((port) => port.protocol === 'tcp'),
      ),
    ]
    if (ports.length === 0) return
    const result = await waitUntilReachable(spec.ip, ports, {
      hostname: spec.hostname,
      timeoutMs: this.options.readinessTimeoutMs ?? 30_000,
      ...(signal ? { signal } : {}),
      ...(this.options.probeLedger ? { ledger: { book: this.options.probeLedger, decky: spec.name } } : {}),
    })
    if (result.ok) return
    signal?.throwIfAborted()
    const stopped = (await this.list(spec.name))
      .filter((container) => container.State !== 'running')
      .map((container) => `${containerName(container)} is ${container.Status}`)
    throw new DeckyNotReachableError(
      spec.name,
      [describeFailures(spec.ip, result.failures), ...stopped].join('; '),
    )
  }

  /** Creates (or reuses) the Docker network of each of a topology decky's links; they need no shim. */
  private async ensureTopologyNetworks(topology: DeckyTopology): Promise<undefined> {
    for (const link of topology.links) {
      const network = {
        name: link.network,
        subnet: link.subnet,
        gateway: link.networkGateway,
        entry: !link.internal,
      }
      await this.locks.run(`network:${topologyNetworkName(this.instance, link.network)}`, () =>
        ensureTopologyNetwork(this.docker, this.instance, network, this.timeoutMs),
      )
    }
    return undefined
  }

  private async ensureNetworkAndShim(network: NetworkContext): Promise<HostShim | undefined> {
    await ensureNetwork(
      this.docker,
      this.networkName,
      network,
      { [LABEL.managed]: 'true', [LABEL.instance]: this.instance },
      this.timeoutMs,
    )
    if (network.driver === 'bridge') return undefined
    if (!network.parent) throw new Error(`network driver ${network.driver} needs a parent interface`)
    const shimName = this.shimNameFor(network.driver)
    if (!shimName) return undefined
    const address = network.hostAddress ?? (await interfaceAddress(network.parent))
    if (!address) {
      throw new Error(
        `host shim: interface ${network.parent} has no IPv4 address; set the network's hostAddress to a free address in ${network.subnet}`,
      )
    }
    const shim = new HostShim(shimName, network.driver, network.parent, address)
    await shim.ensure()
    return shim
  }

  private shimNameFor(driver: string): string | undefined {
    if (driver !== 'macvlan' && driver !== 'ipvlan') return undefined
    if (this.options.hostShim === false) return undefined
    return this.options.shimName ?? `decnet_${driver}0`
  }

  private get buildCommand(): string {
    return this.options.buildCommand ?? 'pnpm --filter @decnet/decoys build:image'
  }

  private call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return dockerCall(operation, this.timeoutMs, call)
  }

  private list(decky?: string): Promise<Existing[]> {
    return this.call('list containers', () =>
      this.docker.listContainers({ all: true, filters: managedFilter(this.instance, decky) }),
    )
  }

  private create({ name, options }: DesiredContainer): Promise<Docker.Container> {
    return this.call(`create container ${name}`, () => this.docker.createContainer({ ...options, name }))
  }

  private start(name: string, container: Docker.Container): Promise<unknown> {
    return this.call(`start container ${name}`, () => container.start())
  }

  private async remove(container: Existing, report: ConvergeReport): Promise<void> {
    await this.removeContainer(container)
    report.removed.push(containerName(container))
  }

  /** Force-removal kills at once (the pause process and emulators hold no state worth a graceful stop). */
  private async removeContainer(container: Existing): Promise<void> {
    try {
      await this.call(`remove container ${containerName(container)}`, () =>
        this.docker.getContainer(container.Id).remove({ force: true, v: true }),
      )
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    const shim = label(container, LABEL.shim)
    const ip = label(container, LABEL.ip)
    if (shim && ip) await HostShim.dropRoute(shim, ip)
  }

  private async removeDecky(containers: Existing[]): Promise<void> {
    const isBase = (container: Existing) => label(container, LABEL.role) === BASE_ROLE
    await Promise.all(
      containers
        .filter((container) => !isBase(container))
        .map((container) => this.removeContainer(container)),
    )
    for (const base of containers.filter(isBase)) await this.removeContainer(base)
  }
}

/** The topology networks a base joins (its label); none for a flat-LAN base or any other container. */
function topologyNetworksOf(container: Existing): string[] {
  if (label(container, LABEL.role) !== BASE_ROLE) return []
  return (label(container, LABEL.networks) ?? '').split(',').filter((name) => name !== '')
}

/**
 * Why a running base does not hold its decky's address on its network (the LAN, or its topology's
 * first) or lost one of its further topology networks; undefined when all is in place.
 */
function baseNetworkProblem(base: Existing, lanName: string): string | undefined {
  const [networkName = lanName, ...further] = topologyNetworksOf(base)
  const want = label(base, LABEL.ip)
  const attached = base.NetworkSettings?.Networks?.[networkName]
  if (!attached) return `base container not attached to ${networkName}`
  if (want && attached.IPAddress !== want)
    return `base container has ${attached.IPAddress || 'no address'} on ${networkName}, not ${want}`
  const lost = further.filter((name) => !base.NetworkSettings?.Networks?.[name])
  if (lost.length > 0) return `base container not attached to ${lost.join(', ')}`
  return undefined
}

/** The packet shaping of the decky's stack profile, or undefined when sysctls are all it gets. */
function shapingFor(spec: DeckySpec): TcpStackShaping | undefined {
  return spec.stack ? tcpStackFor(spec.osFamily, spec.stack).shaping : undefined
}

function observeDecky(name: string, containers: Existing[], networkName: string): DeckyObservation {
  const base = containers.find((container) => label(container, LABEL.role) === BASE_ROLE)
  const services = Object.fromEntries(
    containers
      .filter((container) => label(container, LABEL.role) === SERVICE_ROLE)
      .map((container) => [label(container, LABEL.service) ?? containerName(container), container.State]),
  )
  const problems: string[] = []
  if (!base) problems.push('base container missing')
  else if (base.State !== 'running') problems.push(`base container ${base.State}`)
  else {
    const network = baseNetworkProblem(base, networkName)
    if (network) problems.push(network)
  }
  for (const [slug, state] of Object.entries(services))
    if (state !== 'running') problems.push(`${slug} ${state}`)
  const decoy = containers.find((container) => label(container, LABEL.role) === DECOY_ROLE)
  if (decoy && decoy.State !== 'running') problems.push(`decoy container ${decoy.State}`)
  // Unshaped, a decky answers nmap -O as Linux whatever it claims to be.
  const program = base ? label(base, LABEL.stackProgram) : undefined
  const shaper = containers.find((container) => label(container, LABEL.role) === SHAPER_ROLE)
  if (program && !shaper)
    problems.push(`TCP/IP stack shaper (${program}) missing: the decky answers as Linux`)
  else if (shaper && shaper.State !== 'running')
    problems.push(`TCP/IP stack shaper ${shaper.State}: the decky answers as Linux (${shaper.Status})`)
  const state = containers.length === 0 ? 'missing' : problems.length === 0 ? 'up' : 'degraded'
  return {
    name,
    state,
    services,
    ...(decoy ? { decoy: decoy.State } : {}),
    problems: containers.length === 0 ? ['no containers'] : problems,
  }
}
