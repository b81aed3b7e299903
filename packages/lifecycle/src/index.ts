export {
  createDockerClient,
  DOCKER_CALL_TIMEOUT_MS,
  type DockerConnection,
  type EngineProbe,
  probeDockerEngine,
} from './engine/docker-client.ts'
