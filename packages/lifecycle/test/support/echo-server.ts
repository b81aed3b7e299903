// The custom-service test image's parts, shared by the lifecycle and e2e tests (it imports only
// node:net, so both can): a line echo server an operator might ship, and a client for it.
import { connect } from 'node:net'

/**
 * The server: answers `echo: <line>` on ECHO_PORT and prints what it got on stdout (and that it
 * listens on stderr), plain text, never a decoy event.
 */
export const ECHO_SERVER = `const net = require('node:net')
const port = Number(process.env.ECHO_PORT)
net.createServer((socket) => {
  socket.setEncoding('utf8')
  socket.on('error', () => {})
  socket.on('data', (text) => {
    for (const line of text.split('\\n').filter(Boolean)) {
      console.log('echo-server got: ' + line)
      socket.write('echo: ' + line + '\\n')
    }
  })
}).listen(port, '0.0.0.0', () => console.error('echo-server listening on ' + port))
`

/** Built FROM the decoy image (it carries node; there is no registry to pull a base from). */
export const echoDockerfile = (decoyImage: string) =>
  `FROM ${decoyImage}\nCOPY echo.cjs /app/echo.cjs\nENTRYPOINT ["/usr/bin/node"]\nCMD ["/app/echo.cjs"]\n`

/** One line to the echo server and its answer, over a plain TCP connection. */
export function echoLine(address: string, port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, timeout: 10_000 })
    let got = ''
    socket.setEncoding('utf8')
    socket.once('connect', () => socket.write(`${line}\n`))
    socket.on('data', (text: string) => {
      got += text
      if (got.includes('\n')) {
        socket.destroy()
        resolve(got.trim())
      }
    })
    socket.once('timeout', () => socket.destroy(new Error(`no answer from ${address}:${port}`)))
    socket.once('error', reject)
  })
}
