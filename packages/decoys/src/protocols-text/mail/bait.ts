import type { Persona } from '../shell/persona.ts'
import { rfc2822 } from '../wire-time.ts'

/** One message of the bait mailbox, as RFC 5322 text with CRLF line ends. */
export type BaitMessage = { uid: number; text: string; size: number }

const SENDERS = ['it-support', 'helpdesk', 'noreply', 'devops', 'hr', 'finance', 'security']
const COLLEAGUES = ['m.keller', 'j.ortiz', 's.nakamura', 'a.petrov', 'l.dubois', 'r.singh', 'k.olsen']

/**
 * About ten plausible internal emails carrying credential-shaped bait (VPN, database, cloud keys,
 * password resets). Generated per decky from its seed: no two deckies share a mailbox.
 */
export function baitMailbox(
  persona: Persona,
  mailbox: string,
  site: { domain: string | undefined; timezone: string },
): BaitMessage[] {
  const random = persona.random.fork('mailbox')
  // The decky's own mail domain, as its MTA and MDA name themselves.
  const domain =
    site.domain ?? `${persona.hostname.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'corp'}.internal`
  const password = () =>
    `${random.pick(['Winter', 'Summer', 'Spring', 'Autumn', 'Welcome', 'Corp'])}${random.int(2019, 2025)}${random.pick(['!', '#', '$', '@'])}`
  const templates: [string, string][] = [
    [
      'VPN access for new laptop',
      `Hi,\r\n\r\nyour VPN account is ready.\r\n\r\nGateway: vpn.${domain}\r\nUsername: ${mailbox}\r\nPassword: ${password()}\r\n\r\nPlease change it after the first login.\r\n`,
    ],
    [
      'Database migration - credentials',
      `Hi team,\r\n\r\nthe new reporting DB is up.\r\n\r\nhost=db${random.int(1, 9)}.${domain} port=5432\r\nuser=report_rw password=${password()}\r\n\r\nThanks\r\n`,
    ],
    [
      'Password reset',
      `Your password was reset by the helpdesk.\r\nTemporary password: ${password()}\r\nIt expires in 48 hours.\r\n`,
    ],
    [
      'AWS keys for the backup job',
      `Keys for the nightly S3 sync (do not forward):\r\n\r\naws_access_key_id = AKIA${random.hex(16).toUpperCase()}\r\naws_secret_access_key = ${Buffer.from(random.bytes(30)).toString('base64')}\r\n`,
    ],
    [
      'Re: router admin',
      `Router admin UI is http://10.${random.int(0, 40)}.0.1/ - admin / ${password()}\r\n`,
    ],
    [
      'Jenkins service account',
      `jenkins user: svc_build\r\npassword: ${password()}\r\nURL: https://ci.${domain}/\r\n`,
    ],
    ['Quarterly report', 'Attached the draft of the quarterly report. Comments by Friday please.\r\n'],
    ['Wi-Fi guest password', `Guest SSID: ${persona.hostname}-guest\r\nPassword: ${password()}\r\n`],
    [
      'Server maintenance window',
      `Maintenance on ${persona.hostname} this Saturday 22:00-02:00. SSH root password will be rotated afterwards.\r\n`,
    ],
    ['Re: SFTP upload', `sftp ${random.pick(COLLEAGUES)}@files.${domain}\r\npass: ${password()}\r\n`],
  ]
  const chosen = random.sample(templates, random.int(8, 10))
  const now = Date.now()
  return chosen.map(([subject, body], index) => {
    const date = new Date(now - (chosen.length - index) * random.int(6, 72) * 3_600_000)
    const from = `${random.pick(SENDERS)}@${domain}`
    const text = `Return-Path: <${from}>\r\nFrom: ${from}\r\nTo: ${mailbox}@${domain}\r\nSubject: ${subject}\r\nDate: ${rfc2822(date.getTime(), site.timezone, false)}\r\nMessage-ID: <${random.hex(16)}@${domain}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`
    return { uid: 1000 + index, text, size: Buffer.byteLength(text) }
  })
}
