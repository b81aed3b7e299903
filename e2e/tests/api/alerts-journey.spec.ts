// Issue 15's acceptance journey over the real stack (start.mjs, Docker engine): four alert channels to
// real receivers on loopback (webhook verifying the HMAC and de-duplicating on the idempotency key,
// rsyslogd over TLS with its own pinned CA, an SMTP server with STARTTLS and AUTH, an NDJSON file);
// two deckies deployed, whose readiness probes (from this machine, the very address the attack later
// comes from) make no attacker, incident nor alert; then a real SSH login attempt with Debian's
// sshpass/ssh makes exactly one incident and one delivery per channel; more attempts update the
// incident without re-alerting; a second decky touched from the same address is noted on it.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ApiClient } from '@decnet/api/client'
import { sshpassArgs } from '../../../packages/decoys/test/support/ssh-client.ts'
import {
  parseRfc5424,
  Rsyslog,
  type SmtpReceiver,
  startSmtpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../fixtures/alert-receivers.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
import { expect, type RunningStack, startStack, test } from '../../fixtures/stack.ts'

const HMAC_KEY = 'e2e-journey-hmac-key-0123456789'
const SMTP = { username: 'alerts', password: 'smtp-secret-pw-42' }
const NDJSON_FILE = 'journey/alerts.ndjson'
const CHANNELS = ['hook', 'siem', 'mail', 'file'] as const

type DeckyStatus = { name: string; state: string; address: string }

/** One SSH password login attempt with Debian's OpenSSH client; the decoy refuses the password. */
function sshAttempt(address: string, password: string): void {
  const result = spawnSync('sshpass', sshpassArgs({ address, password, command: 'id' }), {
    encoding: 'utf8',
    timeout: 60_000,
  })
  // The decoy refused the password (ssh gives up after its one prompt); any other end means no attempt.
  expect(result.stderr).toContain('Permission denied (publickey,password)')
  expect(result.status).not.toBe(0)
}

let running: RunningStack | undefined
let webhook: WebhookReceiver | undefined
let smtp: SmtpReceiver | undefined
const rsyslog = new Rsyslog()

test.afterAll(async () => {
  await running?.stop()
  await webhook?.close()
  await smtp?.close()
  await rsyslog.dispose()
})

test('probes make no alert; one SSH login attempt makes one incident and one delivery per channel, then updates it', async () => {
  test.setTimeout(420_000)
  webhook = await startWebhookReceiver(HMAC_KEY)
  await rsyslog.start()
  smtp = await startSmtpReceiver(rsyslog.certs, SMTP)
  // Loopback targets are refused unless the operator lists them: exactly these three receivers.
  const allowed = [webhook.port, rsyslog.ports.tls, smtp.port].map((port) => `127.0.0.1:${port}`).join(',')
  running = await startStack({
    DECNET_SECRET_KEY: 'e2e-alerts-journey-secret-key-0123456789',
    DECNET_ALERT_ALLOWED_TARGETS: allowed,
  })
  const { stack } = running
  const { client: admin, token } = await signInAdmin(stack)
  const since = new Date().toISOString()

  // The API's own port stays refused even to an operator who allows all of loopback's other ports.
  await expect(
    admin.alerts.channels.create.mutate({
      name: 'self',
      kind: 'webhook',
      config: { url: `${stack.apiUrl}/hook` },
      secrets: { hmacKey: HMAC_KEY },
    }),
  ).rejects.toThrow(/target refused/)

  const channelIds = new Map<string, string>()
  const create = async (input: Parameters<ApiClient['alerts']['channels']['create']['mutate']>[0]) => {
    const channel = await admin.alerts.channels.create.mutate(input)
    channelIds.set(channel.name, channel.id)
    return channel
  }
  const hook = await create({
    name: 'hook',
    kind: 'webhook',
    config: { url: webhook.url, format: 'json' },
    secrets: { hmacKey: HMAC_KEY },
  })
  expect(hook.secretsSet).toEqual(['hmacKey'])
  expect(JSON.stringify(hook)).not.toContain(HMAC_KEY)
  await create({
    name: 'siem',
    kind: 'syslog',
    config: { protocol: 'tls', host: '127.0.0.1', port: rsyslog.ports.tls, caPem: rsyslog.certs.ca },
  })
  const mail = await create({
    name: 'mail',
    kind: 'email',
    config: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      caPem: rsyslog.certs.ca,
      username: SMTP.username,
      from: 'decnet@alerts.example',
      to: ['soc@example.org'],
    },
    secrets: { password: SMTP.password },
  })
  expect(JSON.stringify(mail)).not.toContain(SMTP.password)
  await create({ name: 'file', kind: 'ndjson', config: { path: NDJSON_FILE } })

  // Two deckies; their readiness probes come from this machine, as the attack below will.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-alerts-journey-'))
  const fleetIni = path.join(dir, 'fleet.ini')
  writeFileSync(fleetIni, '[acc-ssh]\nservices = ssh\n\n[acc-web]\nservices = http\n')
  const env = { url: stack.apiUrl, token }
  const deployed = await decnet(['deploy', '-c', fleetIni], env)
  expect(deployed.stderr).toBe('')
  expect(deployed.stdout).toContain('all 2 done')
  const fleet = JSON.parse((await decnet(['--json', 'status'], env)).stdout) as DeckyStatus[]
  const address = (name: string) => fleet.find((decky) => decky.name === name)!.address

  // The probes did reach the decoys (stored, flagged system) …
  await expect
    .poll(async () => (await admin.logs.search.query({ q: 'system:true', limit: 50 })).rows.length, {
      timeout: 60_000,
    })
    .toBeGreaterThan(0)
  // … and once the incident worker has had many passes over them, nothing came of them.
  await new Promise((resolve) => setTimeout(resolve, 8_000))
  expect((await admin.attackers.list.query({})).total).toBe(0)
  expect((await admin.incidents.list.query({})).total).toBe(0)
  expect(await admin.alerts.deliveries.list.query({})).toEqual([])
  expect(webhook.requests).toBe(0)
  expect(smtp.received).toHaveLength(0)
  expect(rsyslog.lines()).toEqual([])

  // A real SSH login attempt on the ssh decky.
  const attackStart = Date.now()
  sshAttempt(address('acc-ssh'), 'not-it-0')
  await expect.poll(async () => (await admin.incidents.list.query({})).total, { timeout: 60_000 }).toBe(1)
  const [incident] = (await admin.incidents.list.query({})).rows
  expect(incident!.decky).toBe('acc-ssh')
  expect(incident!.services).toContain('ssh')
  expect(['medium', 'high', 'critical']).toContain(incident!.severity)
  // The probes from the same address were not folded into it.
  expect(Date.parse(incident!.firstSeen)).toBeGreaterThanOrEqual(attackStart - 1_000)

  const deliveredEverywhere = async () => {
    const rows = await admin.alerts.deliveries.list.query({})
    return rows.filter((row) => row.status === 'delivered').map((row) => row.channelName)
  }
  await expect
    .poll(async () => (await deliveredEverywhere()).sort(), { timeout: 60_000 })
    .toEqual([...CHANNELS].sort())
  const deliveries = await admin.alerts.deliveries.list.query({})
  expect(deliveries).toHaveLength(4)
  const idempotencyKey = deliveries[0]!.idempotencyKey
  expect(new Set(deliveries.map((row) => row.idempotencyKey))).toEqual(new Set([idempotencyKey]))

  // Webhook: signature verified on the raw body, the alert names the incident.
  expect(webhook.badSignatures).toBe(0)
  expect(webhook.accepted).toHaveLength(1)
  expect(webhook.accepted[0]!.key).toBe(idempotencyKey)
  const body = webhook.accepted[0]!.body as { reason: string; incident: { id: string; attackerIp: string } }
  expect(body.reason).toBe('opened')
  expect(body.incident.id).toBe(incident!.id)
  expect(body.incident.attackerIp).toBe(incident!.attackerIp)

  // Syslog: the line rsyslogd wrote parses as RFC 5424 and carries the same alert.
  const line = parseRfc5424(await rsyslog.lineFor(idempotencyKey))
  expect(line.version).toBe(1)
  expect(line.appName).toBe('decnet')
  expect(JSON.stringify(line.structuredData)).toContain(incident!.attackerIp)

  // Email: received over STARTTLS with AUTH, with a plain and an HTML part.
  expect(smtp.received).toHaveLength(1)
  const received = smtp.received[0]!
  expect(received.secure).toBe(true)
  expect(received.user).toBe(SMTP.username)
  expect(received.mail.text).toContain(incident!.attackerIp)
  expect(received.mail.html).toBeTruthy()
  expect(String(received.mail.html)).toContain(incident!.attackerIp)

  // NDJSON: one line in the operator's alert directory.
  const ndjsonLines = () =>
    readFileSync(path.join(stack.dataDir, 'alerts', NDJSON_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
  expect(ndjsonLines()).toHaveLength(1)
  const record = JSON.parse(ndjsonLines()[0]!) as { kind: string; idempotencyKey: string }
  expect(record).toMatchObject({ kind: 'decnet.alert', idempotencyKey })

  // More attempts from the same address: the incident counts them, nobody is alerted again (throttle).
  const before = (await admin.incidents.get.query({ id: incident!.id })).eventCount
  for (const password of ['not-it-1', 'not-it-2', 'not-it-3']) sshAttempt(address('acc-ssh'), password)
  await expect
    .poll(async () => (await admin.incidents.get.query({ id: incident!.id })).eventCount, { timeout: 60_000 })
    .toBeGreaterThan(before)

  // A second decky touched from the same address is noted on the same incident.
  execFileSync('curl', ['-sS', '-o', '/dev/null', '--max-time', '10', `http://${address('acc-web')}/admin`])
  await expect
    .poll(async () => (await admin.incidents.get.query({ id: incident!.id })).deckies, { timeout: 60_000 })
    .toEqual(['acc-ssh', 'acc-web'])
  // Give the delivery worker time to send anything it would (it sends within a second or two).
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  expect((await admin.incidents.list.query({})).total).toBe(1)
  expect(await admin.alerts.deliveries.list.query({})).toHaveLength(4)
  expect(webhook.requests).toBe(1)
  expect(smtp.received).toHaveLength(1)
  expect(rsyslog.lines()).toHaveLength(1)
  expect(ndjsonLines()).toHaveLength(1)
  expect((await admin.attackers.list.query({})).total).toBe(1)

  // Every admin action of the journey is in the audit log.
  const audit = await admin.audit.list.query({ since, limit: 200 })
  const actions = audit.rows.filter((entry) => entry.actor === 'admin').map((entry) => entry.action)
  expect(actions.filter((action) => action === 'alerts.channels.create')).toHaveLength(CHANNELS.length + 1)
  expect(actions).toContain('fleet.deploy')
  const refused = audit.rows.find(
    (entry) => entry.action === 'alerts.channels.create' && entry.outcome !== 'ok',
  )
  expect(refused).toBeTruthy()
  expect(JSON.stringify(audit.rows)).not.toContain(HMAC_KEY)
  expect(JSON.stringify(audit.rows)).not.toContain(SMTP.password)
  expect([...channelIds.keys()].sort()).toEqual([...CHANNELS].sort())
})
