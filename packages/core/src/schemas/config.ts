// config.*, stats.get and health.get shapes.
import { z } from 'zod'
import { ZIntervalString } from './common.ts'

export const ZEngineKind = z.enum(['docker', 'local'])
export type EngineKind = z.infer<typeof ZEngineKind>

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

export const ZHealthStatus = z.enum(['healthy', 'degraded', 'unhealthy'])
export const ZComponentHealth = z.object({ status: ZHealthStatus, detail: z.string().optional() })
export const ZHealth = z.object({
  status: ZHealthStatus,
  components: z.record(z.string(), ZComponentHealth),
})
export type Health = z.infer<typeof ZHealth>

export const ZStats = z.object({
  deckies: z.number().int(),
  deckiesUp: z.number().int(),
  logs: z.number().int(),
  attackers: z.number().int(),
  logs24h: z.number().int(),
})
