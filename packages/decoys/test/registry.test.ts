import { SERVICE_SLUGS } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { EMULATOR_SLUGS, loadEmulator } from '../src/registry.ts'

describe('emulator registry', () => {
  it('has an emulator for every catalogue service and nothing else', () => {
    expect(EMULATOR_SLUGS).toEqual([...SERVICE_SLUGS].sort())
  })

  it.each(EMULATOR_SLUGS)('loads %s on demand as the emulator of that slug', async (slug) => {
    expect((await loadEmulator(slug))?.slug).toBe(slug)
  })

  it('knows nothing of unknown or inherited names', async () => {
    expect(await loadEmulator('nope')).toBeUndefined()
    expect(await loadEmulator('__proto__')).toBeUndefined()
    expect(await loadEmulator('toString')).toBeUndefined()
  })
})
