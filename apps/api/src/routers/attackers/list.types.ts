import { ZAttackersListRequest } from '@decnet/core'
import { z } from 'zod'
import { ZAttackerOutput } from './attacker-output.ts'

export const ZListAttackersInput = ZAttackersListRequest
export const ZListAttackersOutput = z.object({
  total: z.number().int(),
  rows: z.array(ZAttackerOutput),
  nextCursor: z.string().optional(),
})
