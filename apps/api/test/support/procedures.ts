import type { z } from 'zod'
import { appRouter } from '../../src/router.ts'
import type { ProcedureMeta, ProcedureRole } from '../../src/trpc.ts'

export type ProcedureInfo = {
  path: string
  type: 'query' | 'mutation' | 'subscription'
  role: ProcedureRole | undefined
  output: z.ZodType | undefined
  inputCount: number
  inputs: z.ZodType[]
  meta: ProcedureMeta | undefined
}

type RawProcedure = {
  _def: {
    type: ProcedureInfo['type']
    meta?: ProcedureMeta
    output?: z.ZodType
    inputs: z.ZodType[]
  }
}

/** Every procedure of the router, flattened (tRPC keeps them under `_def.procedures` by dotted path). */
export function routerProcedures(): ProcedureInfo[] {
  // The flattened map is tRPC's internal shape, typed per procedure; read it as plain definitions.
  const flat = appRouter._def.procedures as unknown as Record<string, RawProcedure>
  return Object.entries(flat).map(([path, { _def }]) => ({
    path,
    type: _def.type,
    role: _def.meta?.role,
    output: _def.output,
    inputCount: _def.inputs.length,
    inputs: _def.inputs,
    meta: _def.meta,
  }))
}

/** Calls the procedure at a dotted path (nested routers too: alerts.channels.create) on a caller. */
export function callAt(caller: unknown, path: string, input: unknown): Promise<unknown> {
  let node: unknown = caller
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part]
  if (typeof node !== 'function') throw new Error(`no procedure ${path} on the caller`)
  return (node as (input: unknown) => Promise<unknown>)(input)
}
