import type Docker from 'dockerode'
import type { ApiConfig } from './config.ts'

/** Long-lived services the procedures use; built once at start-up. */
export type ApiServices = {
  config: ApiConfig
  docker: Docker
  startedAt: Date
}

export type ApiContext = {
  services: ApiServices
}
