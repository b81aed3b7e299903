// The rules of alert channels, behind the alerts.* procedures: a kind's settings are validated by its
// transport's schema, its target passes the SSRF guard's save-time check, its secrets are sealed
// (write-only: kept when an update leaves them out, never returned), and "send test" only enqueues a
// delivery for the worker — no network call happens in a request.
import {
  type Channel,
  type ChannelCreate,
  type Delivery,
  type DeliveryStatus,
  ZAlertMessage,
} from '@decnet/core'
import type { ChannelInput, ChannelRow, DeliveryRow } from '@decnet/db'
import { ZodError } from 'zod'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { toChannelOutput } from './channel-output.ts'
import { checkTargetAtSave, TargetRefused } from './target-guard.ts'
import { testAlertMessage } from './test-alert.ts'
import { TRANSPORTS, type TransportKind } from './transports/index.ts'

type AlertServices = Pick<ApiServices, 'db' | 'secrets' | 'config' | 'alerts'>

export type { ChannelCreate }

/** What an update changes; secrets given replace those names, the others are kept. */
export type ChannelUpdate = { id: string } & Partial<Omit<ChannelCreate, 'kind'>>

/** A schema's refusal as the operator reads it: the field and the reason, never the value given. */
function refusal(what: string, error: unknown): never {
  if (error instanceof ZodError) {
    const reasons = error.issues.map((issue) => `${[what, ...issue.path].join('.')}: ${issue.message}`)
    throw new AppError('invalid_input', reasons.join('; '))
  }
  throw error
}

function validConfig(transport: TransportKind, raw: unknown): Record<string, unknown> {
  try {
    return transport.parseConfig(raw)
  } catch (error) {
    refusal('config', error)
  }
}

function validSecrets(transport: TransportKind, raw: Record<string, string>): Record<string, string> {
  try {
    return transport.parseSecrets(raw)
  } catch (error) {
    refusal('secrets', error)
  }
}

function checkTarget(
  services: AlertServices,
  transport: TransportKind,
  config: Record<string, unknown>,
  allowPrivate: boolean,
): void {
  const target = transport.target(config)
  if (!target) return
  try {
    checkTargetAtSave(target.host, target.port, {
      allowPrivate,
      allowedLocal: services.config.alertAllowedTargets,
      apiPort: services.config.apiPort,
    })
  } catch (error) {
    if (error instanceof TargetRefused) throw new AppError('invalid_input', error.message)
    throw error
  }
}

function sealed(services: AlertServices, secrets: Record<string, string>): string | null {
  if (Object.keys(secrets).length === 0) return null
  if (!services.secrets) {
    throw new AppError(
      'precondition_failed',
      'channel secrets are sealed at rest: set DECNET_SECRET_KEY (at least 32 characters) and restart the API',
    )
  }
  return services.secrets.seal(JSON.stringify(secrets))
}

function openSecrets(services: AlertServices, row: ChannelRow): Record<string, string> {
  if (!row.sealedSecrets) return {}
  if (!services.secrets) {
    throw new AppError('precondition_failed', "set DECNET_SECRET_KEY to change this channel's secrets")
  }
  return JSON.parse(services.secrets.open(row.sealedSecrets)) as Record<string, string>
}

async function channelById(services: AlertServices, id: string): Promise<ChannelRow> {
  const row = await services.db.channels.get(id)
  if (!row) throw new AppError('not_found', `no alert channel ${id}`)
  return row
}

async function output(services: AlertServices, row: ChannelRow): Promise<Channel> {
  const backlog = await services.db.deliveries.backlogByChannel()
  return toChannelOutput(row, backlog.get(row.id) ?? 0, services.secrets, true)
}

/** Every channel; `admin` sees webhook URLs whole, anyone else only their origin. */
export async function listChannels(services: AlertServices, admin: boolean): Promise<Channel[]> {
  const [rows, backlog] = await Promise.all([
    services.db.channels.list(),
    services.db.deliveries.backlogByChannel(),
  ])
  return rows.map((row) => toChannelOutput(row, backlog.get(row.id) ?? 0, services.secrets, admin))
}

export async function createChannel(services: AlertServices, input: ChannelCreate): Promise<Channel> {
  const transport = TRANSPORTS[input.kind]
  const config = validConfig(transport, input.config)
  const secrets = validSecrets(transport, input.secrets)
  checkTarget(services, transport, config, input.allowPrivateTargets)
  const row: ChannelInput = {
    name: input.name,
    kind: input.kind,
    config,
    sealedSecrets: sealed(services, secrets),
    minSeverity: input.minSeverity,
    enabled: input.enabled,
    allowPrivateTargets: input.allowPrivateTargets,
  }
  return output(services, await services.db.channels.create(row))
}

export async function updateChannel(services: AlertServices, input: ChannelUpdate): Promise<Channel> {
  const existing = await channelById(services, input.id)
  const transport = TRANSPORTS[existing.kind]
  const config = validConfig(transport, input.config ?? existing.config)
  const allowPrivate = input.allowPrivateTargets ?? existing.allowPrivateTargets
  checkTarget(services, transport, config, allowPrivate)
  // Secrets are opened only when some change: those given replace theirs, the rest are kept.
  const secretsChange = input.secrets !== undefined && Object.keys(input.secrets).length > 0
  const secrets = secretsChange
    ? validSecrets(transport, { ...openSecrets(services, existing), ...input.secrets })
    : null
  const patch: Partial<ChannelInput> = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.config !== undefined ? { config } : {}),
    ...(secrets ? { sealedSecrets: sealed(services, secrets) } : {}),
    ...(input.minSeverity !== undefined ? { minSeverity: input.minSeverity } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.allowPrivateTargets !== undefined ? { allowPrivateTargets: input.allowPrivateTargets } : {}),
  }
  const row = await services.db.channels.update(input.id, patch)
  services.alerts.wake()
  return output(services, row)
}

export async function removeChannel(services: AlertServices, id: string): Promise<{ removed: true }> {
  if (!(await services.db.channels.remove(id))) throw new AppError('not_found', `no alert channel ${id}`)
  return { removed: true }
}

/** Enqueues a test alert for one channel; the worker delivers it. Returns the delivery to poll. */
export async function sendTestAlert(services: AlertServices, id: string): Promise<{ deliveryId: string }> {
  const channel = await channelById(services, id)
  if (!channel.enabled)
    throw new AppError('precondition_failed', `channel "${channel.name}" is disabled: enable it first`)
  // Through the outbox like every alert (the fan-out passes test alerts over), then to this channel only.
  const { id: _id, ...message } = testAlertMessage(channel.name)
  const alert = await services.db.incidents.addAlert({ ...message, incidentId: null })
  if (!alert) throw new Error('a fresh test alert was not stored')
  const [deliveryId] = await services.db.deliveries.enqueue([
    {
      alertId: String(alert.id),
      channelId: channel.id,
      idempotencyKey: alert.idempotencyKey,
      severity: alert.severity,
      message: JSON.stringify(alert.message),
    },
  ])
  if (!deliveryId) throw new Error('a fresh test alert was not enqueued')
  services.alerts.wake()
  return { deliveryId }
}

function titleOf(row: DeliveryRow): string {
  try {
    return ZAlertMessage.shape.title.parse((JSON.parse(row.message) as { title?: unknown }).title)
  } catch {
    return ''
  }
}

export async function listDeliveries(
  services: AlertServices,
  filter: { id?: string; channelId?: string; status?: DeliveryStatus; limit?: number },
): Promise<Delivery[]> {
  const [rows, channels] = await Promise.all([
    services.db.deliveries.list(filter),
    services.db.channels.list(),
  ])
  const names = new Map(channels.map((channel) => [channel.id, channel.name]))
  return rows.map((row) => ({
    id: row.id,
    alertId: row.alertId,
    channelId: row.channelId,
    channelName: names.get(row.channelId) ?? '',
    idempotencyKey: row.idempotencyKey,
    severity: row.severity,
    title: titleOf(row),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }))
}
