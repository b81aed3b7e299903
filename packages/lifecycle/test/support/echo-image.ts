import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { buildImage } from '../../src/engine/docker/image.ts'

/**
 * A line echo server, as an operator's own image would be: it answers `echo: <line>` on ECHO_PORT and
 * prints what it got on stdout (and one line on stderr), never a decoy event.
 */
const ECHO_SERVER = `const net = require('node:net')
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

/**
 * A custom-service test image built locally FROM the decoy image (it carries node; there is no
 * registry to pull from), tagged by content so it is built once per change.
 */
export async function ensureEchoImage(docker: Docker, decoyImage: string): Promise<string> {
  const dockerfile = `FROM ${decoyImage}\nCOPY echo.cjs /app/echo.cjs\nENTRYPOINT ["/usr/bin/node"]\nCMD ["/app/echo.cjs"]\n`
  const tag = `decnet-lifecycle-test/echo:${createHash('sha256').update(dockerfile).update(ECHO_SERVER).digest('hex').slice(0, 12)}`
  try {
    await docker.getImage(tag).inspect()
    return tag
  } catch {
    // not built yet
  }
  const context = mkdtempSync(join(tmpdir(), 'decnet-echo-image-'))
  try {
    writeFileSync(join(context, 'Dockerfile'), dockerfile)
    writeFileSync(join(context, 'echo.cjs'), ECHO_SERVER)
    await buildImage(docker, { context, files: ['Dockerfile', 'echo.cjs'], tag })
    return tag
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}
