import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, type ClientChannel } from 'ssh2'
import { describe, expect, it } from 'vitest'
import type { DecoyEvent } from '../src/emulator.ts'
import { serializeEvent } from '../src/framework/events.ts'
import {
  createSessionRecorder,
  type Frame,
  MAX_CHUNK_WIRE_BYTES,
} from '../src/protocols-text/shell/recorder.ts'
import { closeStartedAfterEach, rawClient, startTestEmulator } from './helpers.ts'
import { sshpassArgs } from './support/ssh-client.ts'

closeStartedAfterEach()

/** The session's frames, reassembled from its tty_output chunks in seq order. */
function framesOf(events: DecoyEvent[], sid: string): Frame[] {
  return events
    .filter((e) => e.event === 'tty_output' && e.fields.sid === sid)
    .sort((a, b) => Number(a.fields.seq) - Number(b.fields.seq))
    .flatMap((e) => JSON.parse(String(e.fields.frames)) as Frame[])
}

const textOf = (frames: Frame[], code: 'o' | 'i') =>
  frames
    .filter((f) => f[1] === code)
    .map((f) => f[2])
    .join('')

describe('terminal session recording', () => {
  it('records an interactive OpenSSH session (pty, typed commands, pauses) as asciicast frames', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'Winter2026!' } })
    // Debian's OpenSSH client with a forced pty, fed keystrokes with pauses, as a person types.
    const child = spawn(
      'sshpass',
      sshpassArgs({ address: ssh.host, port: ssh.port, password: 'Winter2026!', tty: true, quiet: true }),
      { env: { ...process.env, TERM: 'xterm-256color' } },
    )
    let shown = ''
    child.stdout.on('data', (chunk: Buffer) => {
      shown += chunk.toString()
    })
    const waitShown = async (pattern: RegExp) => {
      const deadline = Date.now() + 30_000
      while (!pattern.test(shown)) {
        if (Date.now() > deadline) throw new Error(`never shown: ${pattern} in ${JSON.stringify(shown)}`)
        await sleep(50)
      }
    }
    await waitShown(/# $/)
    child.stdin.write('uname -a\n')
    await waitShown(/GNU\/Linux[\s\S]*# $/)
    await sleep(1200)
    child.stdin.write('cat /etc/hostname\n')
    await sleep(300)
    child.stdin.write('exit\n')
    await new Promise((resolve) => child.once('close', resolve))

    const start = await ssh.waitFor((e) => e.event === 'tty_start')
    const sid = String(start.fields.sid)
    expect(start.fields).toMatchObject({ username: 'root', via: 'ssh', term: 'xterm-256color' })
    expect(Number(start.fields.width)).toBeGreaterThan(0)
    const end = await ssh.waitFor((e) => e.event === 'tty_end' && e.fields.sid === sid)
    expect(end.fields.truncated).toBe(false)
    const frames = framesOf(ssh.events, sid)
    expect(frames.length).toBe(end.fields.frames)
    const seqs = ssh.events.filter((e) => e.event === 'tty_output').map((e) => e.fields.seq)
    expect(seqs).toEqual([...seqs.keys()])
    // Times are relative, never go back, and keep the pause the typist made.
    for (let i = 1; i < frames.length; i++)
      expect(frames[i]?.[0]).toBeGreaterThanOrEqual(frames[i - 1]?.[0] ?? 0)
    const typed = textOf(frames, 'i')
    expect(typed).toContain('uname -a')
    expect(typed).toContain('cat /etc/hostname')
    const output = textOf(frames, 'o')
    expect(output).toContain('uname -a\r\n')
    expect(output).toMatch(/GNU\/Linux\r\n/)
    const unameAt = frames.find((f) => f[1] === 'i' && f[2].includes('u'))?.[0] ?? 0
    const catAt = frames.find((f) => f[1] === 'i' && f[2].startsWith('c'))?.[0] ?? 0
    expect(catAt - unameAt).toBeGreaterThanOrEqual(1.2)
    expect(Number(end.fields.duration)).toBeGreaterThanOrEqual(catAt)
    // The shell's own command events are still there; recording adds, it does not replace.
    expect(ssh.events.filter((e) => e.event === 'command').map((e) => e.fields.cmd)).toEqual([
      'uname -a',
      'cat /etc/hostname',
      'exit',
    ])
  }, 90_000)

  it('records a telnet shell after login, and ends the recording when the client hangs up', async () => {
    const telnet = await startTestEmulator('telnet', { config: { user: 'admin', user_password: 'admin123' } })
    const client = await rawClient(telnet.host, telnet.port)
    await client.expect(/'$/)
    client.send(Buffer.from([0xff, 0xfc, 0x18]))
    await client.expect(/login: $/)
    client.send('admin\r\n')
    await client.expect(/Password: $/)
    client.send('admin123\r\n')
    await client.expect(/\$ $/)
    client.send('id\r\n')
    await client.expect(/uid=[\s\S]*\$ $/)
    client.socket.destroy()
    const end = await telnet.waitFor((e) => e.event === 'tty_end')
    const sid = String(end.fields.sid)
    const frames = framesOf(telnet.events, sid)
    // The password was typed before the shell: it is in the auth event, not the recording.
    expect(textOf(frames, 'i')).toBe('id\r\n')
    expect(textOf(frames, 'o')).toMatch(/\$ id\r\nuid=/)
    expect(telnet.events.find((e) => e.event === 'tty_start')?.fields).toMatchObject({
      sid,
      via: 'telnet',
      username: 'admin',
      width: 80,
      height: 24,
    })
  })
})

/** An ssh2 client shell: with a pty of `cols`x`rows` (resized once), or a bare pipe like `ssh -T`. */
function ssh2Shell(
  target: { host: string; port: number },
  pty: { cols: number; rows: number } | undefined,
  script: (stream: ClientChannel, shown: () => string) => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    client
      .on('ready', () => {
        const options = pty ? { term: 'vt100', cols: pty.cols, rows: pty.rows } : false
        client.shell(options, (error, stream) => {
          if (error) return reject(error)
          let shown = ''
          stream.on('data', (chunk: Buffer) => {
            shown += chunk.toString()
          })
          stream.on('close', () => {
            client.end()
            resolve()
          })
          script(stream, () => shown).catch(reject)
        })
      })
      .on('error', reject)
      .connect({ host: target.host, port: target.port, username: 'root', password: 'Winter2026!' })
  })
}

const until = async (read: () => string, pattern: RegExp) => {
  const deadline = Date.now() + 15_000
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`never shown: ${pattern} in ${JSON.stringify(read())}`)
    await sleep(20)
  }
}

describe('terminal recording of other shells', () => {
  it('records the pty size the client asked for, and each window resize as an r frame', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'Winter2026!' } })
    await ssh2Shell(ssh, { cols: 132, rows: 43 }, async (stream, shown) => {
      await until(shown, /# $/)
      stream.setWindow(50, 200, 0, 0)
      await sleep(200)
      stream.write('pwd\r')
      await until(shown, /\/root[\s\S]*# $/)
      stream.write('exit\r')
    })
    const start = await ssh.waitFor((e) => e.event === 'tty_start')
    expect(start.fields).toMatchObject({ width: 132, height: 43, term: 'vt100' })
    await ssh.waitFor((e) => e.event === 'tty_end')
    const frames = framesOf(ssh.events, String(start.fields.sid))
    expect(frames.filter((f) => f[1] === 'r').map((f) => f[2])).toEqual(['200x50'])
  })

  it('records a shell without a pty (ssh -T) with terminal line ends, so it replays straight', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'Winter2026!' } })
    await ssh2Shell(ssh, undefined, async (stream, shown) => {
      await until(shown, /# $/)
      stream.write('id\n')
      await until(shown, /uid=0[\s\S]*# $/)
      stream.end('exit\n')
    })
    const end = await ssh.waitFor((e) => e.event === 'tty_end')
    const output = textOf(framesOf(ssh.events, String(end.fields.sid)), 'o')
    expect(output).toMatch(/uid=0\([^)]*\)[^\n]*\r\n/)
    expect(output).not.toMatch(/[^\r]\n/)
  })
})

describe('session recorder', () => {
  const collect = () => {
    const events: DecoyEvent[] = []
    const emit = (event: string, fields: DecoyEvent['fields']) =>
      events.push({
        ts: new Date().toISOString(),
        decky: 'd',
        service: 'ssh',
        event,
        src_ip: '1.2.3.4',
        src_port: 1,
        fields,
      })
    return { events, emit }
  }

  it('caps a session, records the cut as a marker frame and tells the connection', () => {
    const { events, emit } = collect()
    const limits: [string, number][] = []
    let clock = 1_000
    const recorder = createSessionRecorder({
      emit,
      username: 'root',
      via: 'ssh',
      maxBytes: 5000,
      now: () => clock,
      limitReached: (limit, max) => limits.push([limit, max]),
    })
    for (let i = 0; i < 10; i++) {
      clock += 500
      recorder.output('x'.repeat(1000))
    }
    recorder.input(Buffer.from('more'))
    recorder.end()
    recorder.end()
    const end = events.filter((e) => e.event === 'tty_end')
    expect(end).toHaveLength(1)
    expect(end[0]?.fields).toMatchObject({ truncated: true, bytes: 5000, cut_at: 3 })
    const frames = framesOf(events, String(end[0]?.fields.sid))
    expect(textOf(frames, 'o')).toBe('x'.repeat(5000))
    expect(frames.at(-1)?.[1]).toBe('m')
    expect(frames.at(-1)?.[2]).toContain('recording cut')
    expect(frames.map((f) => f[0]).slice(0, 2)).toEqual([0.5, 1])
    expect(limits).toEqual([['tty_bytes', 5000]])
  })

  it('keeps every chunk under the event cap, whatever bytes the session holds', () => {
    const { events, emit } = collect()
    const recorder = createSessionRecorder({ emit, username: 'root', via: 'ssh' })
    // Control characters escape to six characters each, twice over once inside the event's JSON.
    const hostile = '\u001b[31m\u0000\u0001"\\'.repeat(3000)
    recorder.output(hostile)
    recorder.input(Buffer.from([0xff, 0xfe, 0x41]))
    recorder.end()
    const chunks = events.filter((e) => e.event === 'tty_output')
    expect(chunks.length).toBeGreaterThan(3)
    for (const chunk of chunks) {
      expect(Buffer.byteLength(JSON.stringify(chunk.fields.frames))).toBeLessThanOrEqual(
        MAX_CHUNK_WIRE_BYTES + 2,
      )
      // Fits the decoys' line cap untouched (fitEvent would cut the frames' JSON in half otherwise).
      expect(serializeEvent(chunk)).toBe(JSON.stringify(chunk))
    }
    const frames = framesOf(events, String(chunks[0]?.fields.sid))
    expect(textOf(frames, 'o')).toBe(hostile)
    expect(textOf(frames, 'i')).toBe('\ufffd\ufffdA')
  })
})
