import { readSettings } from '../../settings/settings.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetConfigInput, ZGetConfigOutput } from './get-config.types.ts'

export const getConfigProcedure = viewerProcedure
  .input(ZGetConfigInput)
  .output(ZGetConfigOutput)
  .query(async ({ ctx }) => {
    const settings = await readSettings(ctx.services.db)
    return { ...settings, engine: ctx.services.engine, developerMode: ctx.services.config.developerMode }
  })
