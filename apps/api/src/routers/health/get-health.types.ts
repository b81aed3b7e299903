import { z } from 'zod'

export const ZComponentHealth = z.object({
  status: z.enum(['up', 'down', 'disabled']),
  detail: z.string().max(500),
})

export const ZGetHealthRequest = z.void()

export const ZGetHealthResponse = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  version: z.string(),
  uptimeSeconds: z.number().int().nonnegative(),
  engine: z.enum(['docker', 'local']),
  components: z.object({
    api: ZComponentHealth,
    engine: ZComponentHealth,
  }),
})

export type TGetHealthResponse = z.infer<typeof ZGetHealthResponse>
