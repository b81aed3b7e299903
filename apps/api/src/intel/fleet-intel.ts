// Fleet-wide intelligence views: techniques named from the ATT&CK catalogue, indicators masked for
// viewers by the one secret policy (a URL's `user:pass@` is a captured secret).
import type { IocListInput } from '@decnet/db'
import type { z } from 'zod'
import type { ApiServices } from '../context.ts'
import { maskTextForViewer } from '../logs/secret-mask.ts'
import type { ZIocsOutput } from '../routers/intel/iocs.types.ts'
import type { ZTechniquesOutput } from '../routers/intel/techniques.types.ts'
import { techniqueInfo } from './technique-catalog.ts'

export async function fleetTechniques(db: ApiServices['db']): Promise<z.input<typeof ZTechniquesOutput>> {
  const rows = await db.intel.techniques()
  return { rows: rows.map((row) => ({ ...row, ...techniqueInfo(row.technique) })) }
}

export async function fleetIocs(
  db: ApiServices['db'],
  input: IocListInput,
  reveal: boolean,
): Promise<z.input<typeof ZIocsOutput>> {
  const page = await db.intel.iocs(input)
  return {
    total: page.total,
    rows: reveal ? page.rows : page.rows.map((row) => ({ ...row, value: maskTextForViewer(row.value) })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  }
}
