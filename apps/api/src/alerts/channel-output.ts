// A channel as the procedures return it: settings and state, never a secret (only which are set).
import { type Channel, channelHealth } from '@decnet/core'
import type { ChannelRow } from '@decnet/db'
import type { SecretBox } from '../secrets/secret-box.ts'
import { TRANSPORTS } from './transports/index.ts'

/** Names of the secrets a channel has (opened to read their names; the values go nowhere). */
export function secretNamesOf(row: ChannelRow, secrets: SecretBox | undefined): string[] {
  if (!row.sealedSecrets) return []
  if (!secrets) return [...TRANSPORTS[row.kind].secretNames]
  try {
    return Object.keys(JSON.parse(secrets.open(row.sealedSecrets)) as Record<string, string>).sort()
  } catch {
    return []
  }
}

/**
 * A webhook URL often is a credential itself (Slack's and Teams' carry their token in the path):
 * viewers see only its origin; admins, who configure it, see it whole.
 */
function configFor(row: ChannelRow, admin: boolean): Record<string, unknown> {
  if (admin || row.kind !== 'webhook' || typeof row.config.url !== 'string') return row.config
  try {
    return { ...row.config, url: `${new URL(row.config.url).origin}/…` }
  } catch {
    return { ...row.config, url: '…' }
  }
}

export function toChannelOutput(
  row: ChannelRow,
  backlog: number,
  secrets: SecretBox | undefined,
  admin: boolean,
): Channel {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: configFor(row, admin),
    secretsSet: secretNamesOf(row, secrets),
    minSeverity: row.minSeverity,
    enabled: row.enabled,
    allowPrivateTargets: row.allowPrivateTargets,
    health: channelHealth(row),
    breakerState: row.breakerState,
    consecutiveFailures: row.consecutiveFailures,
    lastDeliveryAt: row.lastDeliveryAt?.toISOString() ?? null,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt?.toISOString() ?? null,
    backlog,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
