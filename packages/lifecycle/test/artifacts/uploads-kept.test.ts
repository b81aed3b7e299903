// What attackers send is kept whole: real Debian clients (OpenSSH scp, curl for FTP STOR, HTTP POST
// and SMTP) against the real emulators, which stream the bytes through the real artifact gateway
// into the content-addressed store; each artifact's sighting names the decky and its source.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator } from '../../../decoys/test/helpers.ts'
import { createFetcher, egressGuard } from '../../src/index.ts'
import { startTestGateway, type TestGateway } from '../support/artifact-gateway.ts'

const run = promisify(execFile)
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')
type Emulator = Awaited<ReturnType<typeof startTestEmulator>>

/** scp's and sftp's options for the decoy on `port`: no host-key prompts, only errors printed. */
const copyOptions = (port: number) => [
  '-P',
  String(port),
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
]

describe('uploads kept in the artifact store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'decnet-uploads-'))
  let kept: TestGateway
  const running: Emulator[] = []

  /** The bytes stored under `hash`, waiting for the gateway to finish (it answers the decoy later). */
  async function storedSighting(hash: string) {
    for (let i = 0; i < 100; i++) {
      const artifact = await kept.db.artifacts.get(hash)
      if (artifact) return { artifact, bytes: readFileSync(kept.store.pathOf(hash) as string) }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`nothing stored under ${hash}`)
  }

  beforeAll(async () => {
    kept = await startTestGateway(dataDir, (store) =>
      createFetcher({ store, guard: egressGuard(), egress: false }),
    )
    // As the Docker engine hands them to a service container.
    Object.assign(process.env, {
      DECNET_ARTIFACT_GATEWAY: kept.gateway.socket,
      DECNET_ARTIFACT_TOKEN: kept.tokenFor('decky-test'),
      DECNET_DECKY: 'decky-test',
    })
  })
  afterAll(async () => {
    for (const emulator of running) await emulator.running.close()
    delete process.env.DECNET_ARTIFACT_GATEWAY
    delete process.env.DECNET_ARTIFACT_TOKEN
    delete process.env.DECNET_DECKY
    await kept.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('scp (OpenSSH, legacy protocol) drops a file: kept byte for byte', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'Upload-Root-1' }, seed: 'uploads-ssh' })
    running.push(ssh)
    const file = join(dataDir, 'miner.sh')
    const bytes = Buffer.from(`#!/bin/sh\n${'nohup ./xmrig -o pool:3333 &\n'.repeat(300)}`)
    writeFileSync(file, bytes)
    await run('sshpass', [
      '-p',
      'Upload-Root-1',
      'scp',
      '-O',
      ...copyOptions(ssh.port),
      file,
      `root@${ssh.host}:/tmp/`,
    ])
    const { artifact, bytes: kept } = await storedSighting(sha256(bytes))
    expect(kept).toEqual(bytes)
    expect(artifact.seen[0]).toMatchObject({ decky: 'decky-test', source: 'upload', name: '/tmp/miner.sh' })
    expect((await ssh.waitFor((e) => e.event === 'upload')).fields).toMatchObject({ sha256: sha256(bytes) })
  })

  it('sftp put drops files: kept byte for byte, an upload event each', async () => {
    const ssh = await startTestEmulator('ssh', {
      config: { password: 'Upload-Root-1' },
      seed: 'uploads-sftp',
    })
    running.push(ssh)
    const first = Buffer.from(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'k'.repeat(40)} backdoor\n`)
    const second = Buffer.alloc(300_000, 0x90)
    writeFileSync(join(dataDir, 'authorized_keys'), first)
    writeFileSync(join(dataDir, 'kinsing'), second)
    writeFileSync(
      join(dataDir, 'batch'),
      `put ${join(dataDir, 'authorized_keys')} /root/.ssh/authorized_keys\nput ${join(dataDir, 'kinsing')} /tmp/kinsing\n`,
    )
    await run('sshpass', [
      '-p',
      'Upload-Root-1',
      'sftp',
      ...copyOptions(ssh.port),
      // -b implies BatchMode (no password prompt); sshpass answers the prompt.
      '-o',
      'BatchMode=no',
      '-b',
      join(dataDir, 'batch'),
      `root@${ssh.host}`,
    ])
    const keys = await storedSighting(sha256(first))
    expect(keys.bytes).toEqual(first)
    expect(keys.artifact.seen[0]).toMatchObject({ source: 'upload', name: '/root/.ssh/authorized_keys' })
    const miner = await storedSighting(sha256(second))
    expect(miner.bytes).toEqual(second)
    expect(miner.artifact.seen[0]).toMatchObject({ source: 'upload', name: '/tmp/kinsing' })
    const upload = await ssh.waitFor((e) => e.event === 'upload' && e.fields.path === '/tmp/kinsing')
    expect(upload.fields).toMatchObject({
      via: 'sftp',
      bytes: second.length,
      sha256: sha256(second),
      username: 'root',
    })
  })

  it('FTP STOR, an HTTP POST body and a whole SMTP message (curl) are kept with their source', async () => {
    const [ftp, http, smtp] = await Promise.all([
      startTestEmulator('ftp', { seed: 'uploads-ftp' }),
      startTestEmulator('http', { seed: 'uploads-http' }),
      startTestEmulator('smtp_relay', { seed: 'uploads-smtp' }),
    ])
    running.push(ftp, http, smtp)
    const stored = Buffer.from('MZ\x90\x00 dropped by ftp '.repeat(100), 'latin1')
    const file = join(dataDir, 'bot.exe')
    writeFileSync(file, stored)
    await run('curl', ['-s', '-T', file, '--user', 'anonymous:x@y', `ftp://${ftp.host}:${ftp.port}/bot.exe`])
    const posted = '<?php system($_GET["c"]); ?>'
    await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '--data-binary',
      posted,
      `http://${http.host}:${http.port}/upload.php`,
    ])
    const message = `From: a@example.test\r\nTo: b@example.test\r\nSubject: invoice\r\n\r\n${'attached invoice, see link\r\n'.repeat(50)}`
    const mail = join(dataDir, 'mail.eml')
    writeFileSync(mail, message)
    await run('curl', [
      '-s',
      `smtp://${smtp.host}:${smtp.port}`,
      '--mail-from',
      'a@example.test',
      '--mail-rcpt',
      'b@example.test',
      '-T',
      mail,
    ])
    const ftpKept = await storedSighting(sha256(stored))
    expect(ftpKept.bytes).toEqual(stored)
    expect(ftpKept.artifact.seen[0]).toMatchObject({ source: 'upload', name: 'bot.exe' })
    expect(ftpKept.artifact.seen[0]?.attackerIp).toMatch(/^127\.\d+\.\d+\.\d+$/)
    const httpKept = await storedSighting(sha256(posted))
    expect(httpKept.artifact.seen[0]).toMatchObject({ source: 'http_body', name: 'POST /upload.php' })
    expect((await http.waitFor((e) => e.event === 'request')).fields).toMatchObject({
      sha256: sha256(posted),
    })
    const mailKept = await storedSighting(sha256(message))
    expect(mailKept.bytes.toString()).toBe(message)
    expect(mailKept.artifact.seen[0]).toMatchObject({
      source: 'message',
      name: 'a@example.test -> b@example.test',
    })
  })
})
