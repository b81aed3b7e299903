import { ZPublicUser } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZSessionInput = ZNoInput
/** The signed-in user, or null: never an error, so a page can ask without logging a failed request. */
export const ZSessionOutput = z.object({ user: ZPublicUser.nullable() })
