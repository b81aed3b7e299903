// §1.7 error → transport mapping: one typed error class, codes mapped to tRPC codes.
import { describe, expect, it } from 'vitest'
import {
  DECNET_ERROR_CODES,
  DECNET_ERROR_TRPC_CODE,
  DecnetError,
  iniError,
  isDecnetError,
} from '../src/index.ts'

describe('DecnetError', () => {
  it('maps malformed input to BAD_REQUEST and clashes with state to CONFLICT', () => {
    expect(DECNET_ERROR_TRPC_CODE.invalid_ini).toBe('BAD_REQUEST')
    expect(DECNET_ERROR_TRPC_CODE.invalid_input).toBe('BAD_REQUEST')
    expect(DECNET_ERROR_TRPC_CODE.conflict).toBe('CONFLICT')
    expect(DECNET_ERROR_TRPC_CODE.limit_exceeded).toBe('CONFLICT')
    expect(DECNET_ERROR_TRPC_CODE.not_found).toBe('NOT_FOUND')
    expect(Object.keys(DECNET_ERROR_TRPC_CODE).sort()).toEqual([...DECNET_ERROR_CODES].sort())
  })

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
