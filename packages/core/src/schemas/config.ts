// config.*, stats.get and health.get shapes.
import { z } from 'zod'
import { ZIntervalString } from './common.ts'

/** The engine that runs deckies: Docker containers, or in-process listeners on loopback (`local`). */
export const ENGINE_KINDS = ['docker', 'local'] as const
export const ZEngineKind = z.enum(ENGINE_KINDS)
export type EngineKind = z.infer<typeof ZEngineKind>
/** DECNET_ENGINE: one engine kind, or `auto` (Docker when it answers at start-up, else local). */
export const ZEngineSetting = z.enum(['auto', ...ENGINE_KINDS])
export type EngineSetting = z.infer<typeof ZEngineSetting>

export const ZConfigOutput = z.object({
  deploymentLimit: z.number().int().min(1).max(500),
  globalMutationInterval: ZIntervalString.nullable(),
  engine: ZEngineKind,
  developerMode: z.boolean(),
})
export type ConfigOutput = z.infer<typeof ZConfigOutput>

export const ZSetDeploymentLimitRequest = z
  .object({ deploymentLimit: z.number().int().min(1).max(500) })
  .strict()
export const ZSetGlobalMutationIntervalRequest = z.object({ interval: ZIntervalString.nullable() }).strict()
export const ZPurgeResponse = z.object({
  message: z.string(),
  deleted: z.object({ logs: z.number().int(), credentials: z.number().int(), attackers: z.number().int() }),
})

/** health.get's overall verdict. */
export const ZHealthStatus = z.enum(['healthy', 'degraded', 'unhealthy'])
export type HealthStatus = z.infer<typeof ZHealthStatus>
/** One component's state in health.get (`degraded`: it works, but not fully). */
export const ZComponentStatus = z.enum(['up', 'degraded', 'down', 'disabled'])
export type ComponentStatus = z.infer<typeof ZComponentStatus>

/** What a background worker last reported about itself (its heartbeat row). */
export const WORKER_STATUSES = ['ok', 'degraded', 'failed'] as const
export const ZWorkerStatus = z.enum(WORKER_STATUSES)
export type WorkerStatus = z.infer<typeof ZWorkerStatus>

export const ZStats = z.object({
  deckies: z.number().int(),
  deckiesUp: z.number().int(),
  logs: z.number().int(),
  attackers: z.number().int(),
  logs24h: z.number().int(),
})
