// The fields a zod schema describes, for tests that check every procedure's inputs or outputs by name.
import type { z } from 'zod'
import { streamItemSchemas } from '../../src/subscription-output.ts'

type ZodNode = { _zod: { def: Record<string, unknown> & { type: string } } }

/** Every object key reachable in a zod schema, as a dotted path with the type of its value (and its schema). */
export function keysOf(schema: z.ZodType, prefix = ''): [string, string, z.ZodType][] {
  const item = streamItemSchemas.get(schema)
  if (item) return keysOf(item, prefix)
  const def = (schema as unknown as ZodNode)._zod.def
  const children: [string, z.ZodType][] = []
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        children.push([`${prefix}${key}`, child])
      }
      return children.flatMap(([path, child]) => [
        [path, leafType(child), child] as [string, string, z.ZodType],
        ...keysOf(child, `${path}.`),
      ])
    case 'array':
      return keysOf(def.element as z.ZodType, `${prefix}[].`)
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option) => keysOf(option, prefix))
    case 'optional':
    case 'nullable':
    case 'default':
      return keysOf(def.innerType as z.ZodType, prefix)
    case 'pipe':
      return [...keysOf(def.in as z.ZodType, prefix), ...keysOf(def.out as z.ZodType, prefix)]
    case 'record':
      return keysOf(def.valueType as z.ZodType, `${prefix}*.`)
    default:
      return []
  }
}

/** The type a value ends up as, looking through optional/nullable/default wrappers. */
function leafType(schema: z.ZodType): string {
  const def = (schema as unknown as ZodNode)._zod.def
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
    return leafType(def.innerType as z.ZodType)
  }
  return def.type
}
