import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { ServiceProduct } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const run = promisify(execFile)
const svc = (product: string, version: string, banner = version): ServiceProduct => ({
  product,
  version,
  banner,
  attrs: {},
})

/** Each persona's products, and what nmap -sV must call each port (never "unrecognized"). */
const CASES: { name: string; services: Record<string, ServiceProduct>; expected: Record<number, RegExp> }[] =
  [
    {
      name: 'debian-postfix',
      services: {
        smtp: svc('postfix', '3.7.11', 'ESMTP Postfix (Debian/GNU)'),
        imap: svc('dovecot', '2.3.19.1', 'Dovecot (Debian) ready.'),
        pop3: svc('dovecot', '2.3.19.1', 'Dovecot (Debian) ready.'),
        ftp: svc('vsftpd', '3.0.3', '(vsFTPd 3.0.3)'),
        ssh: svc('openssh', '9.2p1', 'OpenSSH_9.2p1 Debian-2+deb12u3'),
        telnet: svc('linux-telnetd', '0.17'),
      },
      expected: {
        21: /ftp +vsftpd 3\.0\.3$/,
        22: /ssh +OpenSSH 9\.2p1 Debian 2\+deb12u3 \(protocol 2\.0\)$/,
        23: /telnet +Linux telnetd$/,
        25: /smtp +Postfix smtpd$/,
        110: /pop3 +Dovecot pop3d$/,
        143: /imap +Dovecot imapd$/,
        587: /smtp +Postfix smtpd$/,
      },
    },
    {
      name: 'exim-device',
      services: {
        smtp: svc('exim', '4.96', 'ESMTP Exim 4.96'),
        imap: svc('dovecot', '2.3.19.1', 'Dovecot (Debian) ready.'),
        pop3: svc('dovecot', '2.3.19.1', 'Dovecot (Debian) ready.'),
        ftp: svc('proftpd', '1.3.8', 'ProFTPD Server (Debian)'),
        ssh: svc('dropbear', '2022.83', 'dropbear_2022.83'),
        telnet: svc('busybox', '1.36.1', 'BusyBox v1.36.1'),
      },
      expected: {
        21: /ftp +ProFTPD 1\.3\.8$/,
        22: /ssh +Dropbear sshd 2022\.83 \(protocol 2\.0\)$/,
        23: /telnet +BusyBox telnetd$/,
        25: /smtp +Exim smtpd 4\.96$/,
        587: /smtp +Exim smtpd 4\.96$/,
      },
    },
    {
      name: 'exchange',
      services: {
        smtp: svc('exchange', '15.1.2507.39', 'Microsoft ESMTP MAIL Service ready'),
        imap: svc('exchange', '15.1.2507.39', 'The Microsoft Exchange IMAP4 service is ready.'),
        pop3: svc('exchange', '15.1.2507.39', 'The Microsoft Exchange POP3 service is ready.'),
        ftp: svc('microsoft-ftp', '10.0', 'Microsoft FTP Service'),
        ssh: svc('openssh', '8.1', 'OpenSSH_for_Windows_8.1'),
      },
      expected: {
        21: /ftp +Microsoft ftpd$/,
        22: /ssh +OpenSSH for_Windows_8\.1 \(protocol 2\.0\)$/,
        25: /smtp +Microsoft Exchange smtpd$/,
        110: /pop3 +Microsoft Exchange .*pop3d$/,
        143: /imap +Microsoft Exchange .*imapd$/,
      },
    },
    {
      name: 'ubuntu-sendmail',
      services: {
        smtp: svc('sendmail', '8.17.1.9', 'ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2'),
        ftp: svc('pure-ftpd', '1.0.50', 'Pure-FTPd'),
        ssh: svc('openssh', '8.9p1', 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.10'),
      },
      expected: {
        21: /ftp +Pure-FTPd$/,
        22: /ssh +OpenSSH 8\.9p1 Ubuntu 3ubuntu0\.10 \(Ubuntu Linux; protocol 2\.0\)$/,
        25: /smtp +Sendmail 8\.17\.1\.9\/8\.17\.1\.9\/Debian-2$/,
      },
    },
    {
      name: 'cisco-switch',
      services: {
        ssh: svc('cisco-ios', '15.2(7)E10', 'Cisco-1.25'),
        telnet: svc('cisco-ios', '15.2(7)E10', 'User Access Verification'),
      },
      expected: {
        22: /ssh +Cisco SSH 1\.25 \(protocol 2\.0\)$/,
        // nmap names IOS's telnetd either way depending on how much of the greeting its probe read.
        23: /telnet +Cisco (IOS|router) telnetd$/,
      },
    },
    {
      name: 'printer',
      services: {
        ftp: svc('embedded-ftp', '1.0', 'JD FTP Server Ready'),
        telnet: svc('busybox', '1.0', 'HP JetDirect'),
      },
      expected: {
        21: /ftp +HP JetDirect ftpd$/,
        23: /telnet +HP JetDirect printer telnetd$/,
      },
    },
  ]

const PORTS: Record<string, number[]> = {
  ftp: [21],
  ssh: [22],
  telnet: [23],
  smtp: [25, 587],
  pop3: [110],
  imap: [143],
}

describe('nmap -sV names every product the persona claims', () => {
  it('ftp, ssh, telnet, smtp, pop3, imap per product: product/version match, nothing unrecognized', async () => {
    // Tell: nmap saw one fixed product mix on every decky, or printed an "unrecognized service" fingerprint.
    const base = `127.93.${(process.pid % 200) + 1}`
    const hosts: string[] = []
    for (const [index, testCase] of CASES.entries()) {
      const host = `${base}.${index + 10}`
      hosts.push(host)
      const persona = testPersona({ seed: testCase.name, services: testCase.services })
      for (const slug of Object.keys(testCase.services)) {
        await startWithPersona(slug, persona, { host, ports: PORTS[slug] })
      }
    }
    const { stdout } = await run('nmap', ['-sV', '-Pn', '-n', '-p', '21,22,23,25,110,143,587', ...hosts], {
      timeout: 240_000,
      maxBuffer: 4 * 1024 * 1024,
    })
    expect(stdout).not.toContain('unrecognized despite returning data')
    const reports = stdout.split('Nmap scan report for ').slice(1)
    for (const [index, testCase] of CASES.entries()) {
      const report = reports.find((r) => r.startsWith(`${hosts[index]}\n`)) ?? ''
      for (const [port, pattern] of Object.entries(testCase.expected)) {
        const line = report.split('\n').find((l) => l.startsWith(`${port}/tcp `)) ?? `${port}: missing`
        expect(line, `${testCase.name} port ${port}`).toMatch(/ open /)
        expect(line, `${testCase.name} port ${port}`).toMatch(pattern)
      }
    }
  }, 300_000)
})
