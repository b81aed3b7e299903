import { z } from 'zod'

/** Input of procedures that take none: absent or `{}` (so `curl -d '{}'` works), never unknown keys. */
export const ZNoInput = z.object({}).strict().optional()
