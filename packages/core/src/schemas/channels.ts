// Alert channels as operators configure them, and the state of their deliveries. Shared by the
// delivery worker, the alerts.* procedures, the console's channel page and the CLI.
import { z } from 'zod'
import { ZChannelKind } from './alerts.ts'
import { ZIsoDate } from './common.ts'
import { ZSeverity } from './incidents.ts'

/** A channel's name: what operators and the CLI call it by. */
export const ZChannelName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/,
    'channel names are 1-64 of A-Z a-z 0-9 space _ . - (no leading space)',
  )

/**
 * One delivery of one alert to one channel: pending (not tried yet), failed (the last attempt failed,
 * another is scheduled), delivered, dead (given up: too many attempts, or the receiver refused it).
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES)
export type DeliveryStatus = z.infer<typeof ZDeliveryStatus>

/** Circuit breaker of a channel: closed (sending), open (resting after failures), half_open (one probe). */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const
export const ZBreakerState = z.enum(BREAKER_STATES)
export type BreakerState = z.infer<typeof ZBreakerState>

/** What the console shows: healthy, failing (recent attempts failed), breaker open, or disabled. */
export const CHANNEL_HEALTHS = ['healthy', 'failing', 'breaker_open', 'disabled'] as const
export const ZChannelHealth = z.enum(CHANNEL_HEALTHS)
export type ChannelHealth = z.infer<typeof ZChannelHealth>

export function channelHealth(channel: {
  enabled: boolean
  breakerState: BreakerState
  consecutiveFailures: number
}): ChannelHealth {
  if (!channel.enabled) return 'disabled'
  if (channel.breakerState !== 'closed') return 'breaker_open'
  return channel.consecutiveFailures > 0 ? 'failing' : 'healthy'
}

/** A channel as every signed-in user may see it: settings without secrets, only which secrets are set. */
export const ZChannel = z.object({
  id: z.string(),
  name: ZChannelName,
  kind: ZChannelKind,
  /** The kind's settings (URL, format, host, port …); never a secret. */
  config: z.record(z.string(), z.unknown()),
  /** Names of the write-only secrets that are set (e.g. ["hmacKey"]); their values never leave the API. */
  secretsSet: z.array(z.string()),
  minSeverity: ZSeverity,
  enabled: z.boolean(),
  allowPrivateTargets: z.boolean(),
  health: ZChannelHealth,
  breakerState: ZBreakerState,
  consecutiveFailures: z.number().int(),
  lastDeliveryAt: ZIsoDate.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: ZIsoDate.nullable(),
  /** Deliveries not yet delivered nor dead. */
  backlog: z.number().int(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
})
export type Channel = z.infer<typeof ZChannel>

/** A kind's settings, checked against its transport's own schema by the API's alerts module. */
export const ZChannelConfigInput = z.record(z.string().max(64), z.unknown())
/** Write-only secrets by name (e.g. hmacKey, password); never returned. */
export const ZChannelSecretsInput = z.record(z.string().max(64), z.string().max(8_192))

/** A new channel, as the console's form sends it and alerts.createChannel accepts it. */
export const ZChannelCreate = z
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
/** With defaults applied. */
export type ChannelCreate = z.output<typeof ZChannelCreate>

export const ZDelivery = z.object({
  id: z.string(),
  alertId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  idempotencyKey: z.string(),
  severity: ZSeverity,
  title: z.string(),
  status: ZDeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: ZIsoDate,
  lastError: z.string().nullable(),
  deliveredAt: ZIsoDate.nullable(),
  createdAt: ZIsoDate,
})
export type Delivery = z.infer<typeof ZDelivery>
