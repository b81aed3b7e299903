import type { MutatePreviewResponse } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { FlagError } from '../src/cli/fleet-flags.ts'
import { describeMutation, pickedServices } from '../src/cli/mutate-command.ts'

const preview: MutatePreviewResponse = {
  name: 'lnx-01',
  archetype: 'linux-server',
  osFamily: 'linux',
  current: ['ssh', 'http'],
  proposed: ['http'],
  pool: ['ssh', 'http', 'ftp'],
  maxServices: 2,
}

describe('decnet mutate', () => {
  it('prints what the decky runs and what it will run', () => {
    expect(describeMutation(preview, preview.proposed)).toBe('lnx-01 (linux-server): ssh, http → http')
    expect(describeMutation({ ...preview, archetype: null, current: [] }, ['ftp'])).toBe(
      'lnx-01: (none) → ftp',
    )
  })

  it('keeps the draw without --services, else takes the named services from the pool in order', () => {
    expect(pickedServices(preview, undefined)).toBeUndefined()
    expect(pickedServices(preview, ' ftp, ssh ,ftp')).toEqual(['ftp', 'ssh'])
  })

  it('refuses services outside the pool, none at all, or more than the decky may run', () => {
    expect(() => pickedServices(preview, 'ssh,gopher')).toThrow(FlagError)
    expect(() => pickedServices(preview, 'ssh,gopher')).toThrow(
      "--services: not in lnx-01's pool: gopher; available: ssh, http, ftp",
    )
    expect(() => pickedServices(preview, ' , ')).toThrow('--services: name at least one service')
    expect(() => pickedServices(preview, 'ssh,http,ftp')).toThrow('--services: at most 2 for lnx-01')
  })
})
