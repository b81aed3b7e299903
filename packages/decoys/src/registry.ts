import type { Emulator, EmulatorLoader } from './emulator.ts'
import { binaryProtocolLoaders } from './protocols-binary/index.ts'
import { textProtocolLoaders } from './protocols-text/index.ts'

const LOADERS: Readonly<Record<string, EmulatorLoader>> = { ...textProtocolLoaders, ...binaryProtocolLoaders }

/** Every service slug an emulator exists for. */
export const EMULATOR_SLUGS: readonly string[] = Object.keys(LOADERS).sort()

/** The emulator for `slug`, loaded on first use; undefined for an unknown slug. */
export async function loadEmulator(slug: string): Promise<Emulator | undefined> {
  if (!Object.hasOwn(LOADERS, slug)) return undefined
  return LOADERS[slug]?.()
}
