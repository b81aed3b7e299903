import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type Docker from 'dockerode'
import { buildImage } from '../../src/engine/docker/image.ts'

const FAKE_DECOY = join(import.meta.dirname, 'fake-decoy.cjs')
const FAKE_PAUSE = join(import.meta.dirname, 'fake-pause.cjs')

/**
 * A registry-free test image (toolchain.md §5): the host's node binary and its shared libraries in a
 * FROM-scratch rootfs, running the fake decoy, with the fake pause where the real image has its
 * pause process. Tagged by content, so it is built once per change.
 */
export async function ensureTestImage(docker: Docker): Promise<string> {
  const node = realpathSync(process.execPath)
  const script = readFileSync(FAKE_DECOY)
  const pause = readFileSync(FAKE_PAUSE)
  const tag = `decnet-lifecycle-test/decoy:${createHash('sha256').update(script).update(pause).update(process.version).digest('hex').slice(0, 12)}`
  return buildOnce(docker, tag, (context) => {
    const rootfs = join(context, 'rootfs')
    const libraries = execFileSync('ldd', [node], { encoding: 'utf8' }).match(/\/[^\s]+/g) ?? []
    for (const file of [node, ...libraries]) {
      mkdirSync(join(rootfs, dirname(file)), { recursive: true })
      copyFileSync(realpathSync(file), join(rootfs, file))
    }
    mkdirSync(join(rootfs, 'usr/bin'), { recursive: true })
    copyFileSync(node, join(rootfs, 'usr/bin/node'))
    mkdirSync(join(rootfs, 'app'))
    writeFileSync(join(rootfs, 'app/decoy.cjs'), script)
    mkdirSync(join(rootfs, 'opt/decnet'), { recursive: true })
    writeFileSync(join(rootfs, 'opt/decnet/pause'), pause, { mode: 0o755 })
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/bin/node", "/app/decoy.cjs"]\n',
    )
    return ['Dockerfile', 'rootfs']
  })
}

/**
 * `tag` as it is on the daemon, or built from the files `prepare` writes into a scratch context (it
 * returns their names) when missing: a tag named by content is built once per change.
 */
export async function buildOnce(
  docker: Docker,
  tag: string,
  prepare: (context: string) => string[],
): Promise<string> {
  try {
    await docker.getImage(tag).inspect()
    return tag
  } catch {
    // not built yet
  }
  const context = mkdtempSync(join(tmpdir(), 'decnet-test-image-'))
  try {
    await buildImage(docker, { context, files: prepare(context), tag })
    return tag
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}
