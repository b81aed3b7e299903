import { readFileSync } from 'node:fs'

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/**
 * The decoy image's tag, `decnet/decoy:<this package's version>`. The version moves when what the
 * image does changes, so trees of different versions sharing one Docker daemon never overwrite
 * each other's image; everything (builder, API, e2e, scripts) derives the tag from here.
 */
export const DECOY_IMAGE_TAG = `decnet/decoy:${manifest.version}`
