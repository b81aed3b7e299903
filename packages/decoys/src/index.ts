export type {
  ConnectionLimits,
  DecoyEvent,
  EmittedEvent,
  Emulator,
  EmulatorContext,
  EmulatorLoader,
  RunningEmulator,
  ServiceConfigValue,
} from './emulator.ts'
export {
  type ArtifactUpload,
  askGateway,
  type GatewayAddress,
  gatewayFromEnv,
  MAX_FORWARDED_BYTES,
  startUpload,
} from './framework/artifact-gateway.ts'
export {
  configBool,
  configInt,
  configString,
  type ServiceConfig,
} from './framework/config.ts'
export {
  createEmitter,
  type EventSink,
  type FittedEvent,
  fitEvent,
  MAX_EVENT_BYTES,
  peerAddress,
  serializeEvent,
  stdoutSink,
} from './framework/events.ts'
export { fileDropEnv, fileDropsFromEnv } from './framework/file-drops.ts'
export {
  type HttpReply,
  type HttpRequest,
  type HttpServiceOptions,
  listenHttp,
  parseExtraHeaders,
} from './framework/http.ts'
export { onEveryPort, running, tcpOnEveryPort, udpOnEveryPort } from './framework/listeners.ts'
export { type SeededRandom, seededRandom } from './framework/random.ts'
export {
  createLineReader,
  type Fields,
  listenTcp,
  type TcpHandler,
  type TcpListener,
  type TcpListenOptions,
  type TcpSession,
} from './framework/tcp.ts'
export type { TlsIdentity } from './framework/tls.ts'
export { listenUdp, type UdpListener, type UdpListenOptions, type UdpPeer } from './framework/udp.ts'
export { type DownloadResult, gatewayDownloader } from './protocols-text/shell/downloads.ts'
export { type Persona, personaFor } from './protocols-text/shell/persona.ts'
export { EMULATOR_SLUGS, loadEmulator } from './registry.ts'
export { type StartEmulatorOptions, startEmulator, UnknownServiceError } from './start.ts'
