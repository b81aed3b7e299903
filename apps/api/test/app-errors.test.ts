// The one map from domain errors to tRPC codes (apps/api/src/errors.ts): every code of the API's
// AppError and of core's DecnetError has its tRPC code, and the client sees the domain message.
import { DECNET_ERROR_CODES, DecnetError } from '@decnet/core'
import { ConflictError, NotFoundError } from '@decnet/db'
import { describe, expect, it } from 'vitest'
import { APP_ERROR_CODES, AppError } from '../src/app-error.ts'
import { TRPC_CODE_OF, toTRPCError } from '../src/errors.ts'

describe('the domain error map', () => {
  it('has exactly one tRPC code for every AppError and DecnetError code', () => {
    expect(Object.keys(TRPC_CODE_OF).sort()).toEqual(
      [...new Set([...APP_ERROR_CODES, ...DECNET_ERROR_CODES])].sort(),
    )
  })

  it.each([
    ['invalid_input', 'BAD_REQUEST'],
    ['not_found', 'NOT_FOUND'],
    ['conflict', 'CONFLICT'],
    ['precondition_failed', 'PRECONDITION_FAILED'],
    ['forbidden', 'FORBIDDEN'],
    ['unauthenticated', 'UNAUTHORIZED'],
    ['rate_limited', 'TOO_MANY_REQUESTS'],
  ] as const)('AppError %s → %s, message kept', (code, trpcCode) => {
    const mapped = toTRPCError(new AppError(code, `refused: ${code}`))
    expect([mapped.code, mapped.message]).toEqual([trpcCode, `refused: ${code}`])
  })

  it.each([
    ['invalid_ini', 'BAD_REQUEST'],
    ['invalid_input', 'BAD_REQUEST'],
    ['conflict', 'CONFLICT'],
    ['limit_exceeded', 'CONFLICT'],
    ['not_found', 'NOT_FOUND'],
  ] as const)('DecnetError %s → %s', (code, trpcCode) => {
    expect(toTRPCError(new DecnetError(code, 'x')).code).toBe(trpcCode)
  })

  it('maps db errors, and hides anything else as an internal error', () => {
    expect(toTRPCError(new ConflictError('taken')).code).toBe('CONFLICT')
    expect(toTRPCError(new NotFoundError('gone')).code).toBe('NOT_FOUND')
    const internal = toTRPCError(new Error('SQLITE_BUSY at /data/decnet.db'))
    expect([internal.code, internal.message]).toEqual(['INTERNAL_SERVER_ERROR', 'internal error'])
  })
})
