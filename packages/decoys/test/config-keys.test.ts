import { describe, expect, it } from 'vitest'
import { startEmulator } from '../src/start.ts'
import { loopbackHost, rawClient, startTestEmulator } from './helpers.ts'
import { sshLogin } from './ssh-login.ts'

/** Catalogue config keys reach what a scanner sees. */
describe('catalogue config keys', () => {
  it('ssh: ssh_version sets the banner; users adds accepted logins; hostname sets the prompt', async () => {
    const ssh = await startTestEmulator('ssh', {
      config: { ssh_version: 'OpenSSH_9.6p1 Debian-4', users: 'svc:one,ops:two', hostname: 'bastion-07' },
    })
    try {
      const client = await rawClient(ssh.host, ssh.port)
      expect(await client.expect(/\r\n/)).toBe('SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n')
      client.close()
      const output = await sshLogin({
        host: ssh.host,
        port: ssh.port,
        username: 'ops',
        password: 'two',
        command: 'hostname',
        readyTimeoutMs: 10_000,
      })
      expect(output).toBe('bastion-07\n')
    } finally {
      await ssh.running.close()
    }
  })

  it('telnet, ftp, imap, pop3: banner replaces the greeting', async () => {
    for (const [slug, expected] of [
      ['ftp', /^220 Welcome to corp FTP\r\n$/],
      ['imap', /^\* OK \[CAPABILITY [^\]]+\] Welcome to corp IMAP\r\n$/],
      ['pop3', /^\+OK Welcome to corp POP3\r\n$/],
      ['telnet', /Welcome to corp TELNET\r\n\S+ login: $/],
    ] as const) {
      const emulator = await startTestEmulator(slug, {
        config: { banner: `Welcome to corp ${slug.toUpperCase()}` },
      })
      try {
        const client = await rawClient(emulator.host, emulator.port)
        // A Linux telnetd prints its banner once the client answered its option requests.
        if (slug === 'telnet') client.send(Buffer.from([0xff, 0xfc, 0x18]))
        await client.expect(expected)
        client.close()
      } finally {
        await emulator.running.close()
      }
    }
  })

  it('elasticsearch version/cluster_name, k8s version, docker_api version, sip user_agent', async () => {
    const es = await startTestEmulator('elasticsearch', {
      config: { version: '7.10.2', cluster_name: 'logs-prod' },
    })
    // k8s serves TLS on its first port (6443) and plain HTTP on the second (8080).
    const k8s = await startTestEmulator('k8s', { ports: [0, 0], config: { version: 'v1.27.3' } })
    const docker = await startTestEmulator('docker_api', { config: { version: '20.10.24' } })
    const sip = await startTestEmulator('sip', { config: { user_agent: 'Yealink SIP-T46S' } })
    try {
      const root = (await (await fetch(`http://${es.host}:${es.port}/`)).json()) as {
        cluster_name: string
        version: { number: string }
      }
      expect([root.cluster_name, root.version.number]).toEqual(['logs-prod', '7.10.2'])
      const version = (await (await fetch(`http://${k8s.host}:${k8s.running.ports[1]}/version`)).json()) as {
        gitVersion: string
      }
      expect(version.gitVersion).toBe('v1.27.3')
      const ping = await fetch(`http://${docker.host}:${docker.port}/_ping`)
      expect(ping.headers.get('server')).toBe('Docker/20.10.24 (linux)')
      const client = await rawClient(sip.host, sip.port)
      client.send(
        'OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP a\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      )
      expect(await client.expect(/\r\n\r\n$/)).toContain('Server: Yealink SIP-T46S\r\n')
      client.close()
    } finally {
      await Promise.all([es, k8s, docker, sip].map((emulator) => emulator.running.close()))
    }
  })

  it('startEmulator defaults to the catalogue ports', async () => {
    // k8s' catalogue ports (6443, 8080) are unprivileged and free on a private loopback address.
    const running = await startEmulator('k8s', {
      decky: 'd',
      bindAddress: loopbackHost(),
      onEvent: () => undefined,
    })
    try {
      expect(running.ports).toEqual([6443, 8080])
    } finally {
      await running.close()
    }
  })
})
