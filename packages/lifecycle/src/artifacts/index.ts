export { type EgressGuard, egressGuard, ownAddresses } from './egress-guard.ts'
export {
  createFetcher,
  FETCH_TIMEOUT_MS,
  type Fetcher,
  type FetcherOptions,
  MAX_REDIRECTS,
} from './fetcher.ts'
export {
  type ArtifactGateway,
  artifactPaths,
  CONTAINER_GATEWAY_DIR,
  deckyToken,
  GATEWAY_SOCKET_NAME,
  type GatewayAttachment,
  type GatewayOptions,
  type GatewayPaths,
  gatewayAttachment,
  gatewayKey,
  MAX_GATEWAY_CONCURRENCY,
  startArtifactGateway,
} from './gateway.ts'
export { type ArtifactSink, type ArtifactStore, createArtifactStore, MAX_ARTIFACT_BYTES } from './store.ts'
