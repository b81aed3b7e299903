#!/usr/bin/env node
// Chromium in its own network namespace, for the UI tests.
//
// Why: Chromium aborts every in-flight request with net::ERR_NETWORK_CHANGED when any interface of
// its namespace gains or loses an address, and the suites beside it create Docker bridges all the
// time. In a namespace that holds only its own loopback, nothing ever changes under it.
//
// How it still reaches the stacks on the host's 127.0.0.1: this process (host namespace) serves
// SOCKS5 on a Unix socket, which a path-named socket can cross namespaces to reach. It starts itself
// again under `unshare --net` as the relay: loopback up, 127.0.0.1:1080 piped to that Unix socket,
// then Chromium with the proxy set for every destination, loopback included. Playwright's pipe to
// Chromium (fds 3 and 4) is passed straight through both processes.
//
// Only loopback destinations are served: test traffic never leaves the machine.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const RELAY_FLAG = '--decnet-relay'
const RELAY_PORT = 1080
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
// stdin, stdout, stderr and Playwright's --remote-debugging-pipe (3 in, 4 out).
const PASS_FDS = ['inherit', 'inherit', 'inherit', 3, 4]

/** Runs `command` with the pipe fds passed through, and ends this process as it ends. */
function runAndMirrorExit(command, args, onExit) {
  const child = spawn(command, args, { stdio: PASS_FDS })
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    onExit?.()
    if (signal) process.kill(process.pid, signal)
    process.exit(code ?? 1)
  })
}

/** SOCKS5 CONNECT (no authentication) to loopback destinations only; RFC 1928. */
function socksConnection(client) {
  let buffered = Buffer.alloc(0)
  let stage = 'greeting'
  const reply = (code) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0])
  const onData = (chunk) => {
    buffered = Buffer.concat([buffered, chunk])
    if (stage === 'greeting') {
      if (buffered.length < 2 || buffered.length < 2 + buffered[1]) return
      buffered = buffered.subarray(2 + buffered[1])
      client.write(Buffer.from([5, 0]))
      stage = 'request'
    }
    if (stage !== 'request' || buffered.length < 5) return
    const type = buffered[3]
    const addressLength = type === 1 ? 4 : type === 4 ? 16 : type === 3 ? 1 + buffered[4] : -1
    if (addressLength < 0 || buffered[1] !== 1) return client.end(reply(7))
    if (buffered.length < 4 + addressLength + 2) return
    const raw = buffered.subarray(4, 4 + addressLength)
    const host = type === 1 ? [...raw].join('.') : type === 4 ? ipv6(raw) : raw.subarray(1).toString('latin1')
    const port = buffered.readUInt16BE(4 + addressLength)
    const rest = buffered.subarray(4 + addressLength + 2)
    stage = 'connecting'
    client.off('data', onData)
    client.pause()
    if (!isLoopback(host)) return client.end(reply(2))
    const upstream = net.connect(port, host)
    upstream.once('connect', () => {
      client.write(reply(0))
      if (rest.length) upstream.write(rest)
      client.pipe(upstream).pipe(client)
      client.resume()
    })
    upstream.on('error', () => (upstream.connecting ? client.end(reply(5)) : client.destroy()))
    client.on('error', () => upstream.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }
  client.on('data', onData)
  client.on('error', () => client.destroy())
}

function ipv6(raw) {
  const groups = []
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16))
  return groups.join(':')
}

function isLoopback(host) {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '0:0:0:0:0:0:0:1'
}

if (process.argv[2] === RELAY_FLAG) {
  // Inside the new namespace: loopback up, the proxy port relayed to the host's SOCKS socket.
  const [socketPath, ...chromiumArgs] = process.argv.slice(3)
  execFileSync('ip', ['link', 'set', 'lo', 'up'])
  const relay = net.createServer((inner) => {
    const outer = net.connect(socketPath)
    inner.pipe(outer).pipe(inner)
    inner.on('error', () => outer.destroy())
    outer.on('error', () => inner.destroy())
  })
  relay.listen(RELAY_PORT, '127.0.0.1', () => {
    runAndMirrorExit(CHROMIUM, [
      ...chromiumArgs,
      `--proxy-server=socks5://127.0.0.1:${RELAY_PORT}`,
      // Chromium never proxies loopback unless told to: here loopback is only the relay.
      '--proxy-bypass-list=<-loopback>',
    ])
  })
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-chromium-'))
  const socketPath = path.join(dir, 'socks.sock')
  const server = net.createServer(socksConnection)
  server.listen(socketPath, () => {
    const self = fileURLToPath(import.meta.url)
    runAndMirrorExit(
      'unshare',
      ['--net', '--', process.execPath, self, RELAY_FLAG, socketPath, ...process.argv.slice(2)],
      () => {
        server.close()
        rmSync(dir, { recursive: true, force: true })
      },
    )
  })
}
