import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { ECHO_SERVER, echoDockerfile } from './echo-server.ts'
import { buildOnce } from './test-image.ts'

/** The echo server's image (echo-server.ts), built locally and tagged by content: once per change. */
export function ensureEchoImage(docker: Docker, decoyImage: string): Promise<string> {
  const dockerfile = echoDockerfile(decoyImage)
  const hash = createHash('sha256').update(dockerfile).update(ECHO_SERVER).digest('hex').slice(0, 12)
  return buildOnce(docker, `decnet-lifecycle-test/echo:${hash}`, (context) => {
    writeFileSync(join(context, 'Dockerfile'), dockerfile)
    writeFileSync(join(context, 'echo.cjs'), ECHO_SERVER)
    return ['Dockerfile', 'echo.cjs']
  })
}
