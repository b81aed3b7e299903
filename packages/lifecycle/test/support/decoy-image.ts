import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * Builds (or reuses, by content hash) the real decoy image with the command users run; its tag. A cold
 * build takes minutes on the shared machine, hence the generous bound.
 */
export function buildDecoyImage(timeoutMs = 300_000): string {
  const output = execFileSync('pnpm', ['--filter', '@decnet/decoys', 'build:image'], {
    cwd: join(import.meta.dirname, '../../../..'),
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  const tag = /decoy-image: (\S+) [0-9a-f]{12} /.exec(output)?.[1]
  if (!tag) throw new Error(`no image tag in build output:\n${output}`)
  return tag
}
