import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { derivePersona, seedFromName } from '@decnet/core'
import type { Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach } from './helpers.ts'
import { startWithPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const run = promisify(execFile)
const PORTS: Record<string, number> = { ftp: 21, ssh: 22, telnet: 23, smtp: 25, pop3: 110, imap: 143 }

/** What nmap must print for a persona's product (a word of the product name, as nmap spells it). */
const NMAP_NAME: Record<string, RegExp> = {
  openssh: /OpenSSH/,
  dropbear: /Dropbear sshd/,
  'cisco-ios': /Cisco/,
  'linux-telnetd': /telnetd/,
  busybox: /BusyBox telnetd|JetDirect/,
  vsftpd: /vsftpd/,
  proftpd: /ProFTPD/,
  'pure-ftpd': /Pure-FTPd/,
  'microsoft-ftp': /Microsoft ftpd/,
  'embedded-ftp': /ftp/,
  postfix: /Postfix smtpd/,
  exim: /Exim smtpd/,
  sendmail: /Sendmail/,
  exchange: /Microsoft Exchange/,
  dovecot: /Dovecot/,
}

describe('personas as derivePersona makes them, scanned with nmap -sV', () => {
  it('every mail/ftp/ssh/telnet product the derivation picks is recognised as that product', async () => {
    // Tell: a product/version pair the derivation can emit that the emulator renders unrecognisably.
    const personas: Persona[] = [
      ['mail-debian', 'linux', 'debian', ['smtp', 'imap', 'pop3', 'ftp', 'ssh', 'telnet']],
      ['mail-ubuntu', 'linux', 'ubuntu22', ['smtp', 'imap', 'pop3', 'ftp', 'ssh', 'telnet']],
      ['mail-rocky', 'linux', 'rocky9', ['smtp', 'imap', 'pop3', 'ftp', 'ssh']],
      ['exch', 'windows_server', 'debian', ['smtp', 'imap', 'pop3', 'ftp']],
      ['gw', 'embedded', 'debian', ['ssh', 'telnet', 'ftp']],
      ['sw', 'cisco', 'debian', ['ssh', 'telnet']],
    ].map(([name, osFamily, distro, services]) =>
      derivePersona({
        seed: seedFromName(name as string),
        osFamily: osFamily as Persona['family'],
        distro: distro as string,
        services: services as string[],
      }),
    )
    const base = `127.94.${(process.pid % 200) + 1}`
    const started: { host: string; persona: Persona; slugs: string[] }[] = []
    for (const [index, persona] of personas.entries()) {
      const host = `${base}.${index + 10}`
      const slugs = Object.keys(PORTS).filter((slug) => persona.services[slug])
      for (const slug of slugs)
        await startWithPersona(slug, persona, { host, ports: [PORTS[slug] as number] })
      started.push({ host, persona, slugs })
    }
    const { stdout } = await run(
      'nmap',
      ['-sV', '-Pn', '-n', '-p', Object.values(PORTS).join(','), ...started.map((s) => s.host)],
      { timeout: 240_000, maxBuffer: 4 * 1024 * 1024 },
    )
    expect(stdout).not.toContain('unrecognized despite returning data')
    const reports = stdout.split('Nmap scan report for ').slice(1)
    for (const { host, persona, slugs } of started) {
      const report = reports.find((r) => r.startsWith(`${host}\n`)) ?? ''
      for (const slug of slugs) {
        const product = persona.services[slug]?.product ?? ''
        const line = report.split('\n').find((l) => l.startsWith(`${PORTS[slug]}/tcp `)) ?? 'missing'
        const context = `${persona.hostname} ${slug} ${product} ${persona.services[slug]?.banner}: ${line}`
        expect(line, context).toMatch(NMAP_NAME[product] ?? /^$/)
        // A version nmap reads must be the persona's, never another.
        const version = persona.services[slug]?.version ?? ''
        const shown = /(\d+\.\d+[\w.+~-]*)/.exec(
          line
            .split(/\s{2,}/)
            .slice(3)
            .join(' '),
        )?.[1]
        // (Generic device greetings — the embedded fallback `FTP server ready` — are whatever nmap makes of them.)
        if (shown && !['linux-telnetd', 'busybox', 'embedded-ftp'].includes(product))
          expect(
            persona.services[slug]?.banner.includes(shown) ||
              version.includes(shown) ||
              shown.includes(version),
            context,
          ).toBe(true)
      }
    }
  }, 300_000)
})
