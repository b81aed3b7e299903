// DECNET_ENGINE accepts exactly core's engine kinds plus `auto` (ZEngineSetting), nothing else.
import { ENGINE_KINDS } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'

describe('DECNET_ENGINE', () => {
  it('defaults to auto and takes every engine kind core defines', () => {
    expect(loadConfig({}).engine).toBe('auto')
    for (const kind of ENGINE_KINDS) expect(loadConfig({ DECNET_ENGINE: kind }).engine).toBe(kind)
  })

  it('refuses anything else, listing what it takes', () => {
    expect(() => loadConfig({ DECNET_ENGINE: 'podman' })).toThrow(
      'DECNET_ENGINE must be auto, docker, local, got "podman"',
    )
  })
})
