import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { FileDrop } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { fileDropEnv, fileDropsFromEnv } from '../src/framework/file-drops.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { closeStartedAfterEach, startTestEmulator } from './helpers.ts'
import { debianPersona } from './shell-personas.ts'

closeStartedAfterEach()
const run = promisify(execFile)
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)
const DROPPED_AT = '2026-12-01T08:30:00.000Z'

const drop = (path: string, content: string, mode = '644', owner = 'root'): FileDrop => ({
  path,
  content,
  mode,
  owner,
  modifiedAt: DROPPED_AT,
})

function shellWith(drops: FileDrop[]) {
  const host = shellHost(debianPersona('0123456789abcdef0123456789abcdef'), {
    bindAddress: '10.20.30.40',
    nowMs: NOW,
    fileDrops: drops,
  })
  const shell = createShell(host, 'root', { now: () => NOW })
  return (line: string) => shell.run(line).output
}

describe('file drops', () => {
  it('travel through the container environment intact and in order', () => {
    const drops = Array.from({ length: 12 }, (_, i) =>
      drop(`/srv/f${i}`, `line ${i}\n\u00e9\u{1f511} "quoted" =\n`),
    )
    const env = Object.fromEntries(fileDropEnv(drops).map((entry) => entry.split(/=(.*)/s).slice(0, 2)))
    expect(Object.keys(env)).toContain('DECNET_FILE_DROP_11')
    expect(fileDropsFromEnv({ ...env, PATH: '/usr/bin' })).toEqual(drops)
    expect(() =>
      fileDropsFromEnv({ DECNET_FILE_DROP_0: Buffer.from('{"path":1}').toString('base64') }),
    ).toThrow('DECNET_FILE_DROP_0 is not a file drop')
  })

  it('the shell shows them: cat, ls -l with their mode and owner, find, over the persona files', () => {
    const sh = shellWith([
      drop('/root/passwords.txt', 'vpn: Summer2024!\n', '600'),
      drop(
        '/home/backup/.aws/credentials',
        '[default]\naws_access_key_id = AKIAEXAMPLE\n',
        '640',
        'www-data',
      ),
      drop('/etc/motd', 'Authorised use only\n'),
      // Through merged /usr: /bin is a link to usr/bin.
      drop('/bin/backup.sh', '#!/bin/sh\nrsync -a /srv /mnt\n', '755'),
      // A directory keeps its place; nothing can sit under a file.
      drop('/etc', 'not a dir'),
      drop('/etc/hostname/x', 'under a file'),
    ])
    expect(sh('cat /root/passwords.txt')).toBe('vpn: Summer2024!\n')
    expect(sh('ls -l /root/passwords.txt')).toMatch(
      /^-rw------- 1 root root 17 Dec {2}1 \d\d:30 \/root\/passwords\.txt\n$/,
    )
    expect(sh('ls -l /home/backup/.aws/credentials')).toMatch(/^-rw-r----- 1 www-data www-data 42 /)
    expect(sh('cat /etc/motd')).toBe('Authorised use only\n')
    expect(sh('cat /usr/bin/backup.sh')).toBe('#!/bin/sh\nrsync -a /srv /mnt\n')
    expect(sh('ls -l /usr/bin/backup.sh')).toMatch(/^-rwxr-xr-x /)
    expect(sh('find /home/backup -type f')).toContain('/home/backup/.aws/credentials\n')
    expect(sh('ls -ld /etc')).toMatch(/^drwxr-xr-x /)
    expect(sh('cat /etc/hostname')).not.toContain('under a file')
    // The persona's own files are still there.
    expect(sh('cat /etc/hostname')).toBe('web-prod-03\n')
  })

  it('FTP lists and serves the drops directly in its root (a real client: curl), replacing a bait file of the same name', async () => {
    const payroll = 'employee,iban\njdoe,DE89370400440532013000\n\u00e9\n'
    const ftp = await startTestEmulator('ftp', {
      fileDrops: [
        drop('/srv/ftp/payroll.csv', payroll),
        drop('/srv/ftp/users.csv', 'id,name\n1,mallory\n'),
        drop('/srv/ftp/nested/hidden.txt', 'not in the flat root'),
        drop('/root/passwords.txt', 'shell only'),
      ],
    })
    const curl = async (path: string) =>
      (
        await run('curl', ['-sS', '--max-time', '20', `ftp://${ftp.host}:${ftp.port}${path}`], {
          timeout: 30_000,
        })
      ).stdout
    const listing = await curl('/')
    expect(listing).toMatch(
      new RegExp(`\\s${Buffer.byteLength(payroll)} Dec +1 \\d\\d:\\d\\d payroll\\.csv\\r?\\n`),
    )
    expect(listing.match(/users\.csv/g)).toHaveLength(1)
    expect(listing).toContain('db_credentials.txt')
    expect(listing).not.toContain('hidden.txt')
    expect(listing).not.toContain('passwords.txt')
    expect(await curl('/payroll.csv')).toBe(payroll)
    expect(await curl('/users.csv')).toBe('id,name\n1,mallory\n')
  })
})
