import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type DeckyEngine, DockerEngine, LocalEngine } from '@decnet/lifecycle'
import type Docker from 'dockerode'

/** The decoy image built from this repository's packages/decoys (DECNET_DECOY_IMAGE overrides). */
export function decoyImage(): string {
  if (process.env.DECNET_DECOY_IMAGE) return process.env.DECNET_DECOY_IMAGE
  const entry = fileURLToPath(import.meta.resolve('@decnet/decoys'))
  const manifest = JSON.parse(readFileSync(new URL('../package.json', `file://${entry}`), 'utf8')) as {
    version: string
  }
  return `decnet/decoy:${manifest.version}`
}

export function createEngine(kind: 'docker' | 'local', docker: Docker): DeckyEngine {
  if (kind === 'local') return new LocalEngine()
  const instance = process.env.DECNET_INSTANCE || 'decnet'
  return new DockerEngine({
    image: decoyImage(),
    buildCommand: 'pnpm --filter @decnet/decoys build:image',
    docker,
    instance,
    networkName: instance === 'decnet' ? 'decnet_lan' : `${instance}_lan`,
  })
}
