// The HTML rendering of an alert (email HTML part). Every value is HTML-escaped, styles are inline,
// and nothing is loaded from elsewhere: no images, fonts or scripts, so opening the mail tells nobody
// anything. The only link is the console URL, and only when it is http(s).
import type { AlertMessage } from '@decnet/core'
import { alertFacts, eventLine, reasonText } from './alert-facts.ts'

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

const SEVERITY_COLOUR: Record<AlertMessage['severity'], string> = {
  low: '#4b6b8a',
  medium: '#b7791f',
  high: '#c05621',
  critical: '#c53030',
}

function consoleLink(url: string | null): string {
  if (!url || !/^https?:\/\//i.test(url)) return ''
  const href = escapeHtml(url)
  return `<p><a href="${href}">Open the incident in the DECNET console</a></p>`
}

export function renderAlertHtml(message: AlertMessage): string {
  const rows = alertFacts(message)
    .map(
      (f) =>
        `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(f.label)}</th>` +
        `<td style="padding:2px 0;font-family:monospace">${escapeHtml(f.value)}</td></tr>`,
    )
    .join('\n')
  const events =
    message.events.length === 0
      ? ''
      : `<h3>Recent events</h3>\n<ul>\n${message.events
          .map((e) => `<li style="font-family:monospace">${escapeHtml(eventLine(e))}</li>`)
          .join('\n')}\n</ul>`
  const colour = SEVERITY_COLOUR[message.severity]
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(message.title)}</title></head>
<body style="font-family:sans-serif;font-size:14px;color:#1a202c">
<p style="color:${colour};font-weight:bold;text-transform:uppercase">${escapeHtml(reasonText(message))} · ${escapeHtml(message.severity)}</p>
<h2 style="margin-top:0">${escapeHtml(message.title)}</h2>
<table>
${rows}
</table>
${events}
${consoleLink(message.url)}
<p style="color:#718096">DECNET</p>
</body></html>
`
}
