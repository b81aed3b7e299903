// Hostile command lines against the fake shell: a fork bomb, 1000-deep nesting, a 1 MB line, endless
// loops and growing output end in a clean error or a truncation, the shell answers the next line, and
// memory stays bounded. The last case sends them through a real SSH client to a running decoy.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../src/emulator.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { MAX_OUTPUT_CHARS } from '../src/protocols-text/shell/sh/interpreter.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { startEmulator } from '../src/start.ts'
import { loopbackHost } from './helpers.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'
import { sshpassArgs } from './support/ssh-client.ts'

const debian = debianPersona('0123456789abcdef0123456789abcdef')

function shell(persona = debian) {
  const limits: string[] = []
  const fake = createShell(shellHost(persona, { bindAddress: '10.20.30.40' }), 'root', {
    limitReached: (limit) => limits.push(limit),
  })
  return { run: (line: string) => fake.run(line), limits }
}

describe('bad input to the fake shell', () => {
  it('a fork bomb ends in fork errors, recorded as a limit, and the shell goes on', () => {
    const { run, limits } = shell()
    const bomb = run(':(){ :|:& };:')
    expect(bomb.output).toBe(
      '-bash: fork: retry: Resource temporarily unavailable\n-bash: fork: Resource temporarily unavailable\n',
    )
    expect(bomb.exit).toBe(false)
    expect(limits.length).toBe(1)
    expect(run('echo alive').output).toBe('alive\n')
    // busybox ash says it its own way.
    expect(shell(alpinePersona('2'.repeat(32))).run('bomb(){ bomb|bomb& }; bomb').output).toBe(
      "-ash: can't fork: Resource temporarily unavailable\n",
    )
  })

  it('1000-deep $( ), backticks and subshells are refused before running anything', () => {
    const { run } = shell()
    const deep = `${'echo $('.repeat(1000)}echo x${')'.repeat(1000)}`
    expect(run(deep)).toMatchObject({ output: '-bash: maximum nesting level exceeded\n', status: 2 })
    expect(run(`${'('.repeat(1000)}true${')'.repeat(1000)}`).output).toBe(
      '-bash: maximum nesting level exceeded\n',
    )
    expect(run(`${'{ '.repeat(1000)}true${'; }'.repeat(1000)}`).output).toBe(
      '-bash: maximum nesting level exceeded\n',
    )
    // Recursion at run time stops too.
    expect(run('f() { f; }; f').output).toBe('-bash: maximum function nesting level exceeded (100)\n')
    expect(run('echo ok').output).toBe('ok\n')
  })

  it('a 1 MB command line is refused cleanly; a long but sane one runs', () => {
    const { run } = shell()
    expect(run(`echo ${'A'.repeat(1024 * 1024)}`)).toMatchObject({
      output: '-bash: Argument list too long\n',
      status: 2,
    })
    expect(run(`echo ${'B'.repeat(100_000)} | wc -c`).output).toBe('100001\n')
  })

  it('endless loops and doubling words stop at the step and size bounds', () => {
    const { run, limits } = shell()
    const flood = run('while true; do echo flood; done')
    expect(flood.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200)
    expect(flood.output).toMatch(/^(flood\n)+-bash: xmalloc: cannot allocate memory\n$/)
    const doubling = run('x=ab; while :; do x=$x$x; done; echo ${#x}')
    expect(doubling.output).toBe('-bash: xmalloc: cannot allocate memory\n')
    expect(run('echo ${#x}').output).toBe(`${1024 * 1024}\n`)
    const big = run("x=$(printf '%065536d' 0); while :; do echo $x $x $x $x $x $x $x $x; done")
    expect(big.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200)
    expect(limits).toContain('shell_output')
    expect(limits).toContain('shell_steps')
    const heap = process.memoryUsage().heapUsed
    for (let i = 0; i < 3; i++) run('x=ab; while :; do x=$x$x$x$x; y="$x$x$x$x"; done')
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(512 * 1024 * 1024)
  })
})

describe('bad input through a real ssh client', () => {
  let running: RunningEmulator
  let target: { host: string; port: number }
  beforeAll(async () => {
    const host = loopbackHost()
    running = await startEmulator('ssh', {
      decky: 'decky-limits',
      bindAddress: host,
      ports: [0],
      config: { password: 'Winter2026!' },
      persona: debian,
      onEvent: () => undefined,
    })
    target = { host, port: running.ports[0] as number }
  })
  afterAll(() => running.close())

  const ssh = async (command: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        'sshpass',
        sshpassArgs({
          address: target.host,
          port: target.port,
          password: 'Winter2026!',
          command,
          quiet: true,
        }),
        { timeout: 60_000 },
      )
      return { out: stdout + stderr, code: 0 }
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number }
      return { out: failed.stdout + failed.stderr, code: failed.code }
    }
  }

  it('the fork bomb and a flood end cleanly, the decoy stays up, and the attacker finds their file next session', async () => {
    expect(await ssh(':(){ :|:& };:')).toEqual({
      out: '-bash: fork: retry: Resource temporarily unavailable\n-bash: fork: Resource temporarily unavailable\n',
      code: 254,
    })
    const flood = await ssh('while :; do echo flood; done')
    expect(flood.out.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200)
    expect(await ssh('echo persisted > /tmp/.mark; chmod +x /tmp/.mark; false')).toEqual({ out: '', code: 1 })
    const next = await ssh('cat /tmp/.mark; ls -l /tmp/.mark | cut -c1-10; nosuch')
    expect(next).toEqual({ out: 'persisted\n-rwxr-xr-x\n-bash: nosuch: command not found\n', code: 127 })
  }, 120_000)
})
