/**
 * The engine contract: operations on ONE decky each, idempotent "make it so" steps, so a lifecycle row
 * resumed after a crash can simply run again. The concepts (engine kinds, drivers, name rule) are
 * core's; the integrator maps the `Decky` row onto `DeckySpec`.
 */
import {
  type ConfigValue,
  type CustomService,
  DECKY_NAME_RE,
  type DeckyTopology,
  type EngineKind,
  type FileDrop,
  type NetworkDriver,
  type Persona,
  type ReapReport,
  type ServicePort,
} from '@decnet/core'

export type DeckyServiceSpec = {
  slug: string
  ports: ServicePort[]
  config: Record<string, ConfigValue>
}

export type DeckySpec = {
  name: string
  ip: string
  mac: string
  hostname: string
  osFamily: string
  /** Catalogue distro slug: emulators pick banners and shell output that fit it. */
  distro?: string
  /** OS-shaping sysctls applied to the base container (service containers share its network stack). */
  sysctls: Record<string, string | number>
  /**
   * TCP/IP stack profile id (core's tcp-stacks.ts). The Docker engine attaches the profile's packet
   * shaper when it has one; unset means no shaper (sysctls only). deckySpecFor always sets it.
   */
  stack?: string
  services: DeckyServiceSpec[]
  /** Custom services (Docker only: the local engine refuses a spec with any); none when absent. */
  customServices?: CustomService[]
  /** The persona's seed (emulators' per-decky values are keyed by it). */
  seed: string
  /** The decky's stored persona: every service container gets it (`DECNET_PERSONA`). */
  persona: Persona
  /** Bait files in the decky's filesystem: the services that show one get them (core's FILE_DROP_SERVICES). */
  fileDrops?: FileDrop[]
  /**
   * Its topology networks (a `[network.*]` INI): the decky joins them instead of the host's LAN, at its
   * first link's address; absent on the flat LAN. Docker only.
   */
  topology?: DeckyTopology
}

export type NetworkContext = {
  driver: NetworkDriver
  /** Host interface the macvlan/ipvlan network hangs off; required for those drivers. */
  parent?: string
  subnet: string
  gateway: string
  /**
   * The host's own address inside the subnet, put on the host shim interface (macvlan/ipvlan) so the
   * host can reach its deckies. Defaults to the parent interface's first IPv4 address.
   */
  hostAddress?: string
  /** A bridge Docker keeps off the outside world (a topology's inner network, reached through pivots). */
  internal?: boolean
}

export type DeckyHealth = 'up' | 'degraded' | 'missing'

export type DeckyObservation = {
  name: string
  state: DeckyHealth
  /**
   * Service → the state of its own container (or listener), e.g. `running`, `exited`: custom services
   * on Docker, every service on the local engine.
   */
  services: Record<string, string>
  /**
   * The state of the one process hosting all of the decky's built-in services (Docker's decoy
   * container), when the engine hosts them so; absent when it has none running.
   */
  decoy?: string
  /** Human-readable reasons for `degraded`/`missing` (which container is absent or not running). */
  problems: string[]
}

/** What a deploy/mutate did, by container (or in-process listener) name. */
export type ConvergeReport = {
  created: string[]
  kept: string[]
  removed: string[]
  /** Kept running, but told to run another service set (Docker's decoy container after a live edit). */
  reconfigured: string[]
}

export type OperationOptions = {
  /**
   * Aborts the operation at its next step (before a Docker change, or during the readiness wait): its
   * lease was lost or its host stopped answering, so nothing it does would be recorded.
   */
  signal?: AbortSignal
}

export type ReapOptions = {
  /** Default 60 s. */
  minAgeMs?: number
}

export const DEFAULT_REAP_MIN_AGE_MS = 60_000

export interface DeckyEngine {
  readonly kind: EngineKind
  /**
   * Ensures the network, creates or replaces exactly this decky's base and service containers (keeping
   * the unchanged ones), then waits until every service port answers a probe. Rejects with the reason
   * when the decky cannot be made reachable.
   */
  deploy(spec: DeckySpec, network: NetworkContext, options?: OperationOptions): Promise<ConvergeReport>
  /**
   * Changes only the services whose configuration changed (replaced, or applied in place by the
   * process hosting them); the base is kept when unchanged.
   */
  mutate(spec: DeckySpec, network: NetworkContext, options?: OperationOptions): Promise<ConvergeReport>
  /** Removes this decky's service containers, then its base; nothing else. Idempotent. */
  teardown(name: string): Promise<void>
  /**
   * The actual state of every decky this engine manages; names in `expected` that have nothing running
   * are reported as `missing`.
   */
  observe(expected?: Iterable<string>): Promise<DeckyObservation[]>
  /**
   * Removes managed resources whose decky is not in `knownDeckyNames`; per-resource failures are
   * reported, never thrown. Resources younger than `minAgeMs` are spared: the known list was read a
   * moment ago, and a decky committed since then may be deploying right now.
   */
  reapOrphans(knownDeckyNames: Iterable<string>, options?: ReapOptions): Promise<ReapReport>
}

/** Decky names are always valid in container names, bus topics and URLs (spec §4). */
export function assertDeckyName(name: string): void {
  if (!DECKY_NAME_RE.test(name)) throw new Error(`invalid decky name ${JSON.stringify(name)}`)
}
