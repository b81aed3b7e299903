import type { Emulator } from './emulator.ts'
import { binaryProtocolEmulators } from './protocols-binary/index.ts'
import { textProtocolEmulators } from './protocols-text/index.ts'

/** Every service emulator, by catalogue slug. */
export const EMULATORS: ReadonlyMap<string, Emulator> = new Map(
  [...textProtocolEmulators, ...binaryProtocolEmulators].map((emulator) => [emulator.slug, emulator]),
)
