export type { Bus, BusHandler, SubscribeOptions } from './bus/bus.ts'
export type {
  BusEvent,
  BusEventType,
  BusMessage,
  BusPayloads,
  BusTopicOf,
  LifecycleOperation,
  LifecycleStatus,
} from './bus/events.ts'
export { InProcessBus } from './bus/in-process.ts'
export { topicMatches, topics } from './bus/topics.ts'
export {
  createDockerClient,
  DOCKER_CALL_TIMEOUT_MS,
  type DockerConnection,
  type EngineProbe,
  probeDockerEngine,
} from './engine/docker-client.ts'
export type {
  ConvergeReport,
  DeckyEngine,
  DeckyHealth,
  DeckyObservation,
  DeckyServiceSpec,
  DeckySpec,
  EngineKind,
  NetworkContext,
  NetworkDriver,
  PortProtocol,
  ReapReport,
  ServiceConfigValue,
  ServicePort,
} from './engine/types.ts'
