import { ZChannel, ZChannelName, ZSeverity } from '@decnet/core'
import { z } from 'zod'
import { ZChannelConfigInput, ZChannelSecretsInput } from './create-channel.types.ts'

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
