import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const run = promisify(execFile)
const ftpService = (product: string, version: string, banner = version) => ({
  ftp: { product, version, banner, attrs: {} },
})

async function dialogue(persona = testPersona()) {
  const ftp = await startWithPersona('ftp', persona)
  const client = await rawClient(ftp.host, ftp.port)
  const greeting = await client.expect(/^220 [^\r\n]*\r\n$|\r\n220 [^\r\n]*\r\n$/)
  const say = async (line: string) => {
    client.send(`${line}\r\n`)
    return client.expect(/^\d{3} [^\r\n]*\r\n$|\r\n\d{3} [^\r\n]*\r\n$/)
  }
  return { ftp, greeting, say }
}

describe('FTP speaks one product, from the persona', () => {
  it('vsftpd: banner with the persona version, prelogin rules, FEAT/HELP and error texts', async () => {
    // Tell: the FTP banner was picked at random, unrelated to the decky's other services.
    const { greeting, say } = await dialogue(testPersona({ services: ftpService('vsftpd', '3.0.3') }))
    expect(greeting).toBe('220 (vsFTPd 3.0.3)\r\n')
    expect(await say('SYST')).toBe('530 Please login with USER and PASS.\r\n')
    expect(await say('FEAT')).toBe(
      '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n',
    )
    expect(await say('USER anonymous')).toBe('331 Please specify the password.\r\n')
    expect(await say('PASS x@y')).toBe('230 Login successful.\r\n')
    expect(await say('SYST')).toBe('215 UNIX Type: L8\r\n')
    expect(await say('XYZZY')).toBe('500 Unknown command.\r\n')
    expect(await say('HELP')).toMatch(
      /^214-The following commands are recognized\.\r\n[\s\S]*214 Help OK\.\r\n$/,
    )
  })

  it('ProFTPD on Debian: its banner, named-user prompt and "not understood" errors', async () => {
    const { ftp, greeting, say } = await dialogue(
      testPersona({ services: ftpService('proftpd', '1.3.8', 'ProFTPD Server (Debian)') }),
    )
    expect(greeting).toBe(`220 ProFTPD 1.3.8 Server (Debian) [::ffff:${ftp.host}]\r\n`)
    expect(await say('USER bob')).toBe('331 Password required for bob\r\n')
    expect(await say('PASS hunter2')).toBe('530 Login incorrect.\r\n')
    expect(await say('USER anonymous')).toBe(
      '331 Anonymous login ok, send your complete email address as your password\r\n',
    )
    expect(await say('PASS a@b')).toBe('230 Anonymous access granted, restrictions apply\r\n')
    expect(await say('FOO')).toBe('500 FOO not understood\r\n')
    expect(await say('FEAT')).toMatch(/^211-Features:\r\n LANG en-US\*\r\n[\s\S]*211 End\r\n$/)
  })

  it('Pure-FTPd greets with the local time of the connection in the persona timezone', async () => {
    // Tell: times frozen at start or printed in UTC on a host claiming another zone.
    const { greeting, say } = await dialogue(
      testPersona({ timezone: 'Asia/Kolkata', services: ftpService('pure-ftpd', '1.0.50') }),
    )
    const shown = /220-Local time is now (\d\d):(\d\d)\. Server port: \d+\./.exec(greeting)
    expect(shown).not.toBeNull()
    const kolkata = new Date(Date.now() + 330 * 60_000)
    const minutes = kolkata.getUTCHours() * 60 + kolkata.getUTCMinutes()
    const shownMinutes = Number(shown?.[1]) * 60 + Number(shown?.[2])
    // Allow for the minute turning over between the greeting and this check (and midnight).
    expect(
      Math.min(Math.abs(minutes - shownMinutes), 1440 - Math.abs(minutes - shownMinutes)),
    ).toBeLessThanOrEqual(1)
    expect(greeting).toMatch(/^220---------- Welcome to Pure-FTPd \[privsep\] \[TLS\] ----------\r\n/)
    expect(await say('NOOP')).toBe('200 Zzz...\r\n')
    expect(await say('LIST')).toBe("530 You aren't logged in\r\n")
  })

  it('Microsoft FTP: Windows SYST and a DOS-style listing through a real client (curl)', async () => {
    const ftp = await startWithPersona(
      'ftp',
      testPersona({
        os: { ...testPersona().os, id: 'windows', vendor: 'Microsoft', name: 'Windows Server 2019 Standard' },
        hostname: 'FS01',
        services: ftpService('microsoft-ftp', '10.0'),
      }),
    )
    const { stdout, stderr } = await run(
      'curl',
      [
        '-sv',
        '--max-time',
        '30',
        '-Q',
        'SYST',
        '--user',
        'anonymous:guest@x',
        `ftp://${ftp.host}:${ftp.port}/`,
      ],
      { timeout: 60_000 },
    )
    expect(stderr).toContain('< 220 Microsoft FTP Service')
    expect(stderr).toContain('< 215 Windows_NT')
    expect(stdout).toMatch(/^\d\d-\d\d-\d\d {2}\d\d:\d\d[AP]M +\d+ db_credentials\.txt\r?$/m)
  })

  it('an embedded server greets as its device says (persona banner)', async () => {
    const { greeting, say } = await dialogue(
      testPersona({
        services: ftpService('embedded-ftp', '1.0', 'NAS-4F2C FTP server ready.'),
      }),
    )
    expect(greeting).toBe('220 NAS-4F2C FTP server ready.\r\n')
    expect(await say('USER admin')).toBe('331 Password required.\r\n')
  })
})
