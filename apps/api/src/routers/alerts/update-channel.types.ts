import { ZChannel, ZChannelConfigInput, ZChannelName, ZChannelSecretsInput, ZSeverity } from '@decnet/core'
import { z } from 'zod'

/** Fields left out stay; secrets given replace those names only. */
export const ZUpdateChannelInput = z
  .object({
    id: z.string().min(1).max(64),
    name: ZChannelName.optional(),
    config: ZChannelConfigInput.optional(),
    secrets: ZChannelSecretsInput.optional(),
    minSeverity: ZSeverity.optional(),
    enabled: z.boolean().optional(),
    allowPrivateTargets: z.boolean().optional(),
  })
  .strict()
export const ZUpdateChannelOutput = ZChannel
