import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../src/framework/random.ts'
import { LastLogins } from '../src/protocols-text/last-login.ts'
import { deriveHostKeys } from '../src/protocols-text/ssh-keys.ts'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const run = promisify(execFile)
const DEBIAN_SSH = {
  product: 'openssh',
  version: '9.2p1',
  banner: 'OpenSSH_9.2p1 Debian-2+deb12u3',
  attrs: {},
}

/** Runs Debian's ssh client with -vv against the emulator (it fails at auth; we want its log). */
async function sshDebug(host: string, port: number, options: string[] = []): Promise<string> {
  const result = await run(
    'ssh',
    [
      ...options,
      '-vv',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=20',
      '-p',
      String(port),
      `root@${host}`,
      'true',
    ],
    { timeout: 60_000 },
  ).catch((error: { stderr?: string }) => ({ stderr: error.stderr ?? '' }))
  return result.stderr
}

/** The server's proposal as `ssh -vv` prints it, by label. */
function serverProposal(log: string): Record<string, string> {
  const proposal = log.split('peer server KEXINIT proposal')[1] ?? ''
  const out: Record<string, string> = {}
  for (const match of proposal.matchAll(
    /debug2: (KEX algorithms|host key algorithms|ciphers stoc|MACs stoc|compression stoc): (.*)/g,
  )) {
    out[match[1] as string] ??= match[2] as string
  }
  return out
}

async function keyscan(host: string, port: number): Promise<string[]> {
  const { stdout } = await run('ssh-keyscan', ['-T', '30', '-p', String(port), host], { timeout: 60_000 })
  return stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(' ').slice(1).join(' '))
    .sort()
}

describe('ssh tells the persona story', () => {
  it('ident is exactly the persona banner, and the KEXINIT is OpenSSH 9.2 order (ssh -vv)', async () => {
    // Tell: the ident came from a distro list unrelated to the rest of the decky; Node ssh2 defaults in KEXINIT.
    const ssh = await startWithPersona('ssh', testPersona({ services: { ssh: DEBIAN_SSH } }))
    const raw = await rawClient(ssh.host, ssh.port)
    expect(await raw.expect(/\r\n/)).toMatch(/^SSH-2\.0-OpenSSH_9\.2p1 Debian-2\+deb12u3\r\n/)
    raw.close()
    const log = await sshDebug(ssh.host, ssh.port)
    expect(log).toContain('remote software version OpenSSH_9.2p1 Debian-2+deb12u3')
    const proposal = serverProposal(log)
    expect(proposal['KEX algorithms']).toBe(
      'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,kex-strict-s-v00@openssh.com',
    )
    // sshd offers its keys in HostKey order: RSA (SHA-2 signatures) first, then ECDSA, then Ed25519.
    expect(proposal['host key algorithms']).toMatch(
      /^rsa-sha2-512,rsa-sha2-256,.*ecdsa-sha2-nistp256,ssh-ed25519$/,
    )
    expect(proposal['ciphers stoc']).toBe(
      'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
    )
    expect(proposal['compression stoc']).toBe('none,zlib@openssh.com')
    expect(log).toContain('kex: algorithm: curve25519-sha256')
    // The client verified the server's signature with the host key it chose.
    expect(log).toMatch(/Server host key: ssh-ed25519 SHA256:/)
  }, 90_000)

  it('the RSA host key signs for each SHA-2 name it is offered under (ssh -o HostKeyAlgorithms)', async () => {
    const ssh = await startWithPersona(
      'ssh',
      testPersona({ seed: 'rsa-sign', services: { ssh: DEBIAN_SSH } }),
    )
    for (const algorithm of ['rsa-sha2-512', 'rsa-sha2-256']) {
      const log = await sshDebug(ssh.host, ssh.port, ['-o', `HostKeyAlgorithms=${algorithm}`])
      expect(log).toContain(`kex: host key algorithm: ${algorithm}`)
      expect(log).toMatch(/Server host key: ssh-rsa SHA256:/)
      // Past the key exchange: the server's signature verified and authentication began.
      expect(log).toContain('Authentications that can continue: publickey,password')
    }
  }, 90_000)

  it('a Rocky persona offers crypto-policies order; dropbear its own ident and lists', async () => {
    // Tell: every decky, whatever its distro, had the same HASSH-server.
    const rocky = await startWithPersona(
      'ssh',
      testPersona({
        os: {
          ...testPersona().os,
          id: 'rocky',
          vendor: 'Rocky Enterprise Software Foundation',
          versionId: '9.4',
        },
        services: { ssh: { product: 'openssh', version: '8.7p1', banner: 'OpenSSH_8.7', attrs: {} } },
      }),
    )
    const rockyProposal = serverProposal(await sshDebug(rocky.host, rocky.port))
    expect(rockyProposal['ciphers stoc']).toMatch(/^aes256-gcm@openssh\.com,chacha20-poly1305@openssh\.com,/)
    // 8.7 still offered SHA-1 RSA signatures.
    expect(rockyProposal['host key algorithms']).toBe(
      'rsa-sha2-512,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519',
    )

    const dropbear = await startWithPersona(
      'ssh',
      testPersona({
        seed: 'router',
        services: { ssh: { product: 'dropbear', version: '2022.83', banner: 'dropbear_2022.83', attrs: {} } },
      }),
    )
    const raw = await rawClient(dropbear.host, dropbear.port)
    expect(await raw.expect(/\r\n/)).toMatch(/^SSH-2\.0-dropbear_2022\.83\r\n/)
    raw.close()
    const proposal = serverProposal(await sshDebug(dropbear.host, dropbear.port))
    expect(proposal['MACs stoc']).toBe('hmac-sha1,hmac-sha2-256')
    expect(proposal['host key algorithms']).toMatch(/^ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-256,ssh-rsa$/)
  }, 120_000)

  it('host keys come from the persona seed: stable per decky, never shared by two (ssh-keyscan)', async () => {
    // Tell: every decky served the same host key, or a new RSA key at each restart.
    const one = await startWithPersona(
      'ssh',
      testPersona({ seed: 'decky-one', services: { ssh: DEBIAN_SSH } }),
    )
    const two = await startWithPersona(
      'ssh',
      testPersona({ seed: 'decky-two', services: { ssh: DEBIAN_SSH } }),
    )
    const keysOne = await keyscan(one.host, one.port)
    const keysTwo = await keyscan(two.host, two.port)
    expect(keysOne.map((k) => k.split(' ')[0])).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519', 'ssh-rsa'])
    for (const key of keysOne) expect(keysTwo).not.toContain(key)
    // OpenSSH 8.0+ ssh-keygen makes 3072-bit RSA host keys.
    const rsa = keysOne.find((k) => k.startsWith('ssh-rsa')) ?? ''
    const blob = Buffer.from(rsa.split(' ')[1] ?? '', 'base64')
    const typeLength = blob.readUInt32BE(0)
    const exponentLength = blob.readUInt32BE(4 + typeLength)
    const modulusLength = blob.readUInt32BE(8 + typeLength + exponentLength)
    // The modulus is an mpint: a leading zero byte keeps it positive.
    expect((modulusLength - 1) * 8).toBe(3072)
  }, 120_000)

  it('the same seed derives the same keys again (a restart keeps the fingerprints)', async () => {
    const fingerprint = (pem: string) => createHash('sha256').update(pem).digest('hex')
    const seed = testPersona({ seed: 'restart' })
    const first = await deriveHostKeys(seed, ['rsa', 'ecdsa', 'ed25519'], 2048)
    const again = await deriveHostKeys(seed, ['rsa', 'ecdsa', 'ed25519'], 2048)
    expect(first.map(fingerprint)).toEqual(again.map(fingerprint))
    const other = await deriveHostKeys(testPersona({ seed: 'other' }), ['rsa', 'ecdsa', 'ed25519'], 2048)
    const otherPrints = other.map(fingerprint)
    for (const print of first.map(fingerprint)) expect(otherPrints).not.toContain(print)
  }, 60_000)
})

describe('last login line', () => {
  it('holds still between connections, then shows the previous login (time and address)', () => {
    // Tell: "Last login" was always two days before now, in UTC, whoever had logged in since.
    const logins = new LastLogins(seededRandom('decky-a'), 'Asia/Kolkata', Date.now() - 30 * 86_400_000)
    const now = Date.now()
    const first = logins.lineFor('root', '203.0.113.7', 'sshd', now)
    expect(first).toMatch(/^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 10\.\d+\.\d+\.\d+$/)
    const other = new LastLogins(seededRandom('decky-a'), 'Asia/Kolkata', Date.now() - 30 * 86_400_000)
    expect(other.lineFor('root', '203.0.113.7', 'sshd', now + 60_000)).toBe(first)
    const second = logins.lineFor('root', '198.51.100.9', 'sshd', now + 120_000)
    expect(second).toMatch(/ from 203\.0\.113\.7$/)
    const shown = /Last login: (\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})/.exec(second)?.[1] ?? ''
    // Printed in the persona's zone (+05:30), so reading it as UTC is 5.5 h off from the login.
    expect(Date.parse(`${shown} UTC`) - now).toBeGreaterThan(5 * 3_600_000)
    expect(Date.parse(`${shown} UTC`) - now).toBeLessThan(6 * 3_600_000)
    expect(logins.lineFor('admin', '198.51.100.9', 'login', now)).toMatch(
      /^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d from 10\./,
    )
  })
})
