// §1.7 one typed error class (its codes are mapped to tRPC codes by apps/api/src/errors.ts).
import { describe, expect, it } from 'vitest'
import { DecnetError, iniError, isDecnetError } from '../src/index.ts'

describe('DecnetError', () => {
  it('iniError prefixes line, section and key and keeps them as data', () => {
    const error = iniError({ line: 7, section: 'decky-01', key: 'ip' }, 'bad')
    expect(error.message).toBe('line 7, [decky-01] ip: bad')
    expect(error.location).toEqual({ line: 7, section: 'decky-01', key: 'ip' })
    expect(error.code).toBe('invalid_ini')
    expect(isDecnetError(error)).toBe(true)
    expect(error).toBeInstanceOf(Error)
    expect(iniError({}, 'plain').message).toBe('plain')
    expect(isDecnetError(new Error('x'))).toBe(false)
    expect(new DecnetError('not_found', 'gone').name).toBe('DecnetError')
  })
})
