// The alert channel form's draft and what it sends: a webhook has its own fields (URL, format, HMAC
// key); other kinds take their settings as a JSON object and one optional secret. Secrets are
// write-only: an edit that leaves a secret empty keeps the stored one (nothing is sent for it).
import type { Channel, ChannelCreate, ChannelKind, Severity } from '@decnet/core/schemas'

export type WebhookFormat = 'json' | 'slack' | 'teams'

export type ChannelDraft = {
  name: string
  kind: ChannelKind
  url: string
  format: WebhookFormat
  /** Other kinds' settings, as JSON text. */
  settingsJson: string
  /** The secret's name (webhook: hmacKey) and a new value ('' keeps the stored one on edit). */
  secretName: string
  secretValue: string
  minSeverity: Severity
  enabled: boolean
  allowPrivateTargets: boolean
}

export const EMPTY_DRAFT: ChannelDraft = {
  name: '',
  kind: 'webhook',
  url: '',
  format: 'json',
  settingsJson: '{}',
  secretName: 'hmacKey',
  secretValue: '',
  minSeverity: 'low',
  enabled: true,
  allowPrivateTargets: false,
}

/** The draft of an existing channel (secrets are never known to the console: left empty). */
export function draftOf(channel: Channel): ChannelDraft {
  const config = channel.config
  const webhook = channel.kind === 'webhook'
  return {
    name: channel.name,
    kind: channel.kind,
    url: webhook && typeof config.url === 'string' ? config.url : '',
    format: webhook && (config.format === 'slack' || config.format === 'teams') ? config.format : 'json',
    settingsJson: webhook ? '{}' : JSON.stringify(config, null, 2),
    secretName: webhook ? 'hmacKey' : (channel.secretsSet[0] ?? 'password'),
    secretValue: '',
    minSeverity: channel.minSeverity,
    enabled: channel.enabled,
    allowPrivateTargets: channel.allowPrivateTargets,
  }
}

export type ChannelPayload = ChannelCreate

/** What the form sends, or why it cannot yet (a problem the operator fixes in the form). */
export function payloadOf(
  draft: ChannelDraft,
): { ok: true; payload: ChannelPayload } | { ok: false; problem: string } {
  let config: Record<string, unknown>
  if (draft.kind === 'webhook') {
    config = { url: draft.url.trim(), format: draft.format }
  } else {
    try {
      const parsed: unknown = JSON.parse(draft.settingsJson || '{}')
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, problem: 'settings must be a JSON object' }
      }
      config = parsed as Record<string, unknown>
    } catch {
      return { ok: false, problem: 'settings are not valid JSON' }
    }
  }
  const secretName = draft.secretName.trim()
  return {
    ok: true,
    payload: {
      name: draft.name.trim(),
      kind: draft.kind,
      config,
      secrets: secretName && draft.secretValue ? { [secretName]: draft.secretValue } : {},
      minSeverity: draft.minSeverity,
      enabled: draft.enabled,
      allowPrivateTargets: draft.allowPrivateTargets,
    },
  }
}

/** Where a channel sends, for the list: a webhook's origin and path (no query, which may hold a token). */
export function targetOf(channel: Channel): string {
  const { config } = channel
  if (channel.kind === 'webhook' && typeof config.url === 'string') {
    // Viewers get the origin only, already cut ("https://hooks.example.com/…").
    if (config.url.endsWith('…')) return config.url
    try {
      const url = new URL(config.url)
      return `${url.origin}${url.pathname}`
    } catch {
      return config.url
    }
  }
  const host =
    typeof config.host === 'string' ? config.host : typeof config.path === 'string' ? config.path : ''
  return host
}
