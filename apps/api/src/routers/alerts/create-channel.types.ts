import { ZChannel, ZChannelKind, ZChannelName, ZSeverity } from '@decnet/core'
import { z } from 'zod'

/** A kind's settings, checked against its transport's own schema by the domain module. */
export const ZChannelConfigInput = z.record(z.string().max(64), z.unknown())
/** Write-only secrets by name (e.g. hmacKey, password); never returned. */
export const ZChannelSecretsInput = z.record(z.string().max(64), z.string().max(8_192))

export const ZCreateChannelInput = z
  .object({
    name: ZChannelName,
    kind: ZChannelKind,
    config: ZChannelConfigInput,
    secrets: ZChannelSecretsInput.default({}),
    minSeverity: ZSeverity.default('low'),
    enabled: z.boolean().default(true),
    allowPrivateTargets: z.boolean().default(false),
  })
  .strict()
export const ZCreateChannelOutput = ZChannel
