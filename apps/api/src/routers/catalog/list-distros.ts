import { DISTROS } from '@decnet/core'
import { viewerProcedure } from '../../trpc.ts'
import { ZListDistrosInput, ZListDistrosOutput } from './list-distros.types.ts'

export const listDistrosProcedure = viewerProcedure
  .input(ZListDistrosInput)
  .output(ZListDistrosOutput)
  .query(() => DISTROS.map((entry) => ({ ...entry })))
