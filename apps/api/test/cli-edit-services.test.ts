import { describe, expect, it } from 'vitest'
import { editServicesRequest } from '../src/cli/edit-services-command.ts'
import { FlagError } from '../src/cli/fleet-flags.ts'

describe('decnet edit-services', () => {
  it('turns the flags into the request, reading --custom as the sections --add names', () => {
    const read = (path: string) => `[custom-echo] from ${path}`
    expect(editServicesRequest('web', { add: ' http, custom-echo ,http', custom: 'echo.ini' }, read)).toEqual(
      {
        name: 'web',
        add: ['http', 'custom-echo'],
        remove: [],
        customSections: '[custom-echo] from echo.ini',
      },
    )
    expect(editServicesRequest('web', { remove: 'ftp' })).toEqual({ name: 'web', add: [], remove: ['ftp'] })
  })

  it('refuses a call that names nothing to change', () => {
    expect(() => editServicesRequest('web', { add: ' , ' })).toThrow(FlagError)
    expect(() => editServicesRequest('web', {})).toThrow('name services to --add or --remove')
  })
})
