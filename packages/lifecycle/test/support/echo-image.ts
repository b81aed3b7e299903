import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { buildImage } from '../../src/engine/docker/image.ts'
import { ECHO_SERVER, echoDockerfile } from './echo-server.ts'

/** The echo server's image (echo-server.ts), built locally and tagged by content: once per change. */
export async function ensureEchoImage(docker: Docker, decoyImage: string): Promise<string> {
  const dockerfile = echoDockerfile(decoyImage)
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
