import type { EngineKind } from '@decnet/core'
import type { EventSink } from '@decnet/decoys'
import { DECOY_IMAGE_TAG } from '@decnet/decoys/image-tag'
import {
  type DeckyEngine,
  DockerEngine,
  type GatewayAttachment,
  LocalEngine,
  type ProbeLedger,
} from '@decnet/lifecycle'
import type Docker from 'dockerode'

const BUILD_IMAGE = 'pnpm --filter @decnet/decoys build:image'

/** The decoy image built from this repository's packages/decoys (DECNET_DECOY_IMAGE overrides). */
export function decoyImage(): string {
  return process.env.DECNET_DECOY_IMAGE || DECOY_IMAGE_TAG
}

/**
 * DECNET_ENGINE_DELAY_MS slows every deploy/mutate/teardown on purpose: the API benchmark measures
 * request latency while operations are slow, which must not matter to requests.
 */
function withDelay(engine: DeckyEngine, delayMs: number): DeckyEngine {
  const after = <T>(operation: () => Promise<T>) =>
    new Promise((resolve) => setTimeout(resolve, delayMs)).then(operation)
  return {
    kind: engine.kind,
    deploy: (spec, network, options) => after(() => engine.deploy(spec, network, options)),
    mutate: (spec, network, options) => after(() => engine.mutate(spec, network, options)),
    teardown: (name) => after(() => engine.teardown(name)),
    observe: (expected) => engine.observe(expected),
    reapOrphans: (known, options) => engine.reapOrphans(known, options),
  }
}

function withConfiguredDelay(engine: DeckyEngine): DeckyEngine {
  const delayMs = Number(process.env.DECNET_ENGINE_DELAY_MS)
  return Number.isInteger(delayMs) && delayMs > 0 ? withDelay(engine, delayMs) : engine
}

/**
 * The local host's engine; `onEvent` receives the local engine's decoy events (in-process collection).
 * `probeLedger` records the readiness probes' sources, so ingest flags their events as system traffic.
 * `dataDir` scopes the local engine's loopback addresses to this installation.
 * `artifactGateway`: the artifact gateway's socket on this machine, handed to the Docker deckies.
 */
export function createEngine(
  kind: EngineKind,
  docker: Docker,
  onEvent: EventSink,
  probeLedger: ProbeLedger,
  dataDir: string,
  readinessTimeoutMs: number,
  artifactGateway?: GatewayAttachment,
): DeckyEngine {
  return withConfiguredDelay(
    kind === 'local'
      ? new LocalEngine({ onEvent, probeLedger, addressScope: dataDir })
      : dockerEngine(docker, true, BUILD_IMAGE, probeLedger, readinessTimeoutMs, artifactGateway),
  )
}

/**
 * An enrolled host's engine, over its mutual-TLS Docker client; it never pulls, so the image is copied
 * there. Its readiness probes run from this machine, recorded in the same ledger as the local ones.
 */
export function createRemoteEngine(
  docker: Docker,
  dockerUrl: string,
  probeLedger: ProbeLedger,
  readinessTimeoutMs: number,
): DeckyEngine {
  const copy = `${BUILD_IMAGE} && docker save ${decoyImage()} | docker --tlsverify -H ${dockerUrl} load`
  return withConfiguredDelay(dockerEngine(docker, false, copy, probeLedger, readinessTimeoutMs))
}

export function engineInstance(): string {
  return process.env.DECNET_INSTANCE || 'decnet'
}

/** `hostShim`: this machine is the daemon's host (see DockerEngineOptions.hostShim). */
function dockerEngine(
  docker: Docker,
  hostShim: boolean,
  buildCommand: string,
  probeLedger: ProbeLedger,
  readinessTimeoutMs: number,
  artifactGateway?: GatewayAttachment,
): DockerEngine {
  const instance = engineInstance()
  return new DockerEngine({
    image: decoyImage(),
    buildCommand,
    docker,
    instance,
    networkName: instance === 'decnet' ? 'decnet_lan' : `${instance}_lan`,
    hostShim,
    probeLedger,
    readinessTimeoutMs,
    ...(artifactGateway ? { artifactGateway } : {}),
  })
}
