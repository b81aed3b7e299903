import type { Channel } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { draftOf, EMPTY_DRAFT, payloadOf, targetOf } from '@/lib/channel-form.ts'

const channel: Channel = {
  id: 'c1',
  name: 'ops',
  kind: 'webhook',
  config: { url: 'https://hooks.example.com/services/T0?token=secret', format: 'slack' },
  secretsSet: ['hmacKey'],
  minSeverity: 'high',
  enabled: true,
  allowPrivateTargets: false,
  health: 'healthy',
  breakerState: 'closed',
  consecutiveFailures: 0,
  lastDeliveryAt: null,
  lastError: null,
  lastErrorAt: null,
  backlog: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
}

describe('the alert channel form', () => {
  it('a webhook sends its URL and format, and its key only when one is typed', () => {
    const draft = { ...EMPTY_DRAFT, name: ' ops ', url: ' https://h.example/x ', format: 'teams' as const }
    expect(payloadOf(draft)).toEqual({
      ok: true,
      payload: expect.objectContaining({
        name: 'ops',
        config: { url: 'https://h.example/x', format: 'teams' },
        secrets: {},
      }),
    })
    const keyed = payloadOf({ ...draft, secretValue: 'k'.repeat(20) })
    expect(keyed.ok && keyed.payload.secrets).toEqual({ hmacKey: 'k'.repeat(20) })
  })

  it('editing starts from the channel without its secrets', () => {
    const draft = draftOf(channel)
    expect(draft).toMatchObject({
      url: channel.config.url,
      format: 'slack',
      minSeverity: 'high',
      secretValue: '',
    })
  })

  it('other kinds take JSON settings, refused unless an object', () => {
    const draft = { ...EMPTY_DRAFT, kind: 'syslog' as const, settingsJson: '[1]' }
    expect(payloadOf(draft)).toEqual({ ok: false, problem: 'settings must be a JSON object' })
    expect(payloadOf({ ...draft, settingsJson: '{' })).toEqual({
      ok: false,
      problem: 'settings are not valid JSON',
    })
    const ok = payloadOf({ ...draft, settingsJson: '{"host":"10.0.0.5","port":514}' })
    expect(ok.ok && ok.payload.config).toEqual({ host: '10.0.0.5', port: 514 })
  })

  it('the list shows a webhook target without its query (it may carry a token)', () => {
    expect(targetOf(channel)).toBe('https://hooks.example.com/services/T0')
    const asViewer = { ...channel, config: { url: 'https://hooks.example.com/…' } }
    expect(targetOf(asViewer)).toBe('https://hooks.example.com/…')
  })
})
