// Webhook bodies: the generic JSON (the AlertMessage itself), Slack-compatible (`text` + Block Kit)
// and Teams-compatible (MessageCard). Titles, deckies, services and summaries carry attacker text, so
// each format escapes it for what that receiver interprets: JSON encoding alone for the generic body,
// Slack's `& < >` control characters (else `<!channel>` pings everyone, `<http://x|y>` disguises a
// link), and HTML plus markdown for Teams. Every text is capped.
import type { AlertMessage } from '@decnet/core'
import { z } from 'zod'

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const
export const ZWebhookFormat = z.enum(WEBHOOK_FORMATS)
export type WebhookFormat = z.infer<typeof ZWebhookFormat>

const MAX_TEXT = 2_000
const MAX_EVENTS = 10

function capped(text: string, max = MAX_TEXT): string {
  // Control characters never help a chat message; they can confuse a renderer.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

/** Slack mrkdwn: `&`, `<` and `>` are its control characters (https://api.slack.com/reference/surfaces/formatting). */
export function escapeSlack(text: string): string {
  return capped(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Teams renders a subset of HTML and markdown in MessageCard text: neutralise both. */
export function escapeTeams(text: string): string {
  return capped(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
}

function eventLines(message: AlertMessage, escapeText: (text: string) => string): string[] {
  return message.events
    .slice(0, MAX_EVENTS)
    .map(
      (event) =>
        `${event.timestamp} ${escapeText(event.decky)} ${escapeText(event.service)} ${escapeText(event.eventType)}: ${escapeText(event.summary)}`,
    )
}

function slackBody(message: AlertMessage): unknown {
  const { incident } = message
  const fields = [
    `*Severity:* ${escapeSlack(message.severity)}`,
    `*Source:* ${escapeSlack(incident.attackerIp)}`,
    `*Deckies:* ${escapeSlack(incident.deckies.join(', '))}`,
    `*Services:* ${escapeSlack(incident.services.join(', '))}`,
    `*Events:* ${incident.eventCount}`,
  ]
  const events = eventLines(message, escapeSlack)
  return {
    text: escapeSlack(message.title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: capped(message.title, 150), emoji: false } },
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
      ...(events.length > 0
        ? [{ type: 'section', text: { type: 'mrkdwn', text: capped(events.join('\n'), 2_900) } }]
        : []),
      ...(message.url
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.url}|Open in DECNET>` }] }]
        : []),
    ],
  }
}

const TEAMS_COLOURS = { low: '6B7280', medium: 'D97706', high: 'DC2626', critical: '7F1D1D' } as const

function teamsBody(message: AlertMessage): unknown {
  const { incident } = message
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: escapeTeams(message.title),
    themeColor: TEAMS_COLOURS[message.severity],
    title: escapeTeams(message.title),
    sections: [
      {
        facts: [
          { name: 'Severity', value: escapeTeams(message.severity) },
          { name: 'Source', value: escapeTeams(incident.attackerIp) },
          { name: 'Deckies', value: escapeTeams(incident.deckies.join(', ')) },
          { name: 'Services', value: escapeTeams(incident.services.join(', ')) },
          { name: 'Events', value: String(incident.eventCount) },
        ],
        text: eventLines(message, escapeTeams).join('<br>'),
      },
    ],
    ...(message.url
      ? {
          potentialAction: [
            { '@type': 'OpenUri', name: 'Open in DECNET', targets: [{ os: 'default', uri: message.url }] },
          ],
        }
      : {}),
  }
}

/** The request body for `format`, as JSON text (what is signed and sent). */
export function webhookBody(message: AlertMessage, format: WebhookFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(message)
    case 'slack':
      return JSON.stringify(slackBody(message))
    case 'teams':
      return JSON.stringify(teamsBody(message))
  }
}
