import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { typeOverSsh } from '../../../packages/decoys/test/support/ssh-client.ts'
import { recordingForViewer } from '../src/sessions/recording.ts'
import { codeOf } from './support/accounts.ts'
import { deployOne, inProcessApiOfSuite } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const run = promisify(execFile)
const PASSWORD = 'Hunter2-Root-Login'
const DB_PASSWORD = 'Db-Secret-5521'

describe('sessions: recorded shells and per-connection interactions', () => {
  const api = inProcessApiOfSuite({ viewer: 'watcher' })
  const { admin, viewer } = api
  let address: string
  let attackerId: string
  beforeAll(async () => {
    address = await deployOne(
      admin,
      `[shell-01]\nservices = ssh, http\n\n[shell-01.ssh]\npassword = ${PASSWORD}\n`,
    )
    await typeOverSsh({ address, password: PASSWORD }, [
      'uname -a',
      `mysql -u root --password=${DB_PASSWORD} -e 'show databases'`,
    ])
    await run('curl', ['-s', '-o', '/dev/null', `http://${address}/admin/`])
    await run('curl', ['-s', '-o', '/dev/null', `http://${address}/.env`])
    const profile = await eventually(
      async () => {
        const list = await admin.attackers.list({ limit: 10 })
        const found = list.rows.find((row) => row.services.includes('http') && row.services.includes('ssh'))
        if (!found) return undefined
        const sessions = await admin.attackers.sessions({ id: found.id })
        const recorded = sessions.terminal[0]
        return recorded?.endedAt && sessions.connections.filter((c) => c.service === 'http').length === 2
          ? found
          : undefined
      },
      (found) => found !== undefined,
      'the recorded shell and both HTTP connections to be ingested',
      60_000,
    )
    attackerId = profile?.id ?? ''
  }, 180_000)

  it('lists the attacker’s recorded shell and its HTTP connections, one per connection', async () => {
    const sessions = await viewer.attackers.sessions({ id: attackerId })
    expect(sessions.terminalTotal).toBe(1)
    expect(sessions.terminal[0]).toMatchObject({
      decky: 'shell-01',
      service: 'ssh',
      username: 'root',
      via: 'ssh',
      truncated: false,
    })
    expect(sessions.terminal[0]?.frameCount).toBeGreaterThan(3)
    const http = sessions.connections.filter((c) => c.service === 'http')
    expect(http).toHaveLength(2)
    for (const connection of http) {
      expect(connection).toMatchObject({ connected: true, disconnected: true, decky: 'shell-01' })
      expect(connection.eventTypes.find((t) => t.eventType === 'request')?.count).toBe(1)
    }
    // The ssh connection is a connection too, and none of the recording is counted as events of it.
    const ssh = sessions.connections.find((c) => c.service === 'ssh')
    expect(ssh?.eventTypes.map((t) => t.eventType)).not.toContain('tty_output')
    const profile = await admin.attackers.get({ id: attackerId })
    expect(profile.recentLogs.some((log) => log.eventType.startsWith('tty_'))).toBe(false)
    expect(await codeOf(viewer.attackers.sessions({ id: 'no-such-attacker' }))).toBe('NOT_FOUND')
  })

  it('sessions.get replays the shell as asciicast v2; viewers get it without keystrokes or secrets', async () => {
    const [recorded] = (await admin.attackers.sessions({ id: attackerId })).terminal
    const full = await admin.sessions.get({ id: recorded?.id ?? '' })
    expect(full.header).toMatchObject({ version: 2, env: { SHELL: '/bin/bash' } })
    expect(full.header.width).toBeGreaterThan(0)
    expect(full.masked).toBe(false)
    const output = full.events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('')
    const typed = full.events
      .filter((e) => e[1] === 'i')
      .map((e) => e[2])
      .join('')
    expect(output).toContain('uname -a\r\n')
    expect(output).toContain(DB_PASSWORD)
    expect(typed).toContain('uname -a')
    const times = full.events.map((e) => e[0])
    expect(times).toEqual([...times].sort((a, b) => a - b))

    const masked = await viewer.sessions.get({ id: recorded?.id ?? '' })
    expect(masked.masked).toBe(true)
    expect(masked.events.some((e) => e[1] === 'i')).toBe(false)
    const shown = masked.events.map((e) => e[2]).join('')
    expect(shown).toContain('uname -a')
    expect(shown).not.toContain(DB_PASSWORD)
    expect(await codeOf(viewer.sessions.get({ id: 'nope' }))).toBe('NOT_FOUND')
  })
})

describe('viewer copy of a recording', () => {
  it('masks a secret echoed one keystroke per frame, and leaves a harmless session frame for frame', () => {
    const typed = 'mysql --password=S3cretPass -e x\r\n'
    const frames = [...typed].map((char, i) => [i / 10, 'o', char] as [number, 'o', string])
    const { events, masked } = recordingForViewer([[0, 'i', 'c'], ...frames])
    expect(masked).toBe(true)
    expect(events.map((e) => e[2]).join('')).not.toContain('S3cretPass')
    expect(events.at(-1)?.[0]).toBe((typed.length - 1) / 10)
    const harmless = recordingForViewer(frames.slice(0, 4))
    expect(harmless).toEqual({ events: frames.slice(0, 4), masked: false })
  })
})
