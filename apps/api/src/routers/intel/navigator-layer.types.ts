import { z } from 'zod'

export const ZNavigatorLayerInput = z
  .object({
    /** One attacker's layer; the whole fleet's when absent. */
    attackerId: z.string().min(1).max(128).optional(),
  })
  .strict()

/** ATT&CK Navigator layer file format 4.5 (the fields DECNET writes). */
export const ZNavigatorLayerOutput = z.object({
  name: z.string(),
  versions: z.object({ attack: z.string(), navigator: z.string(), layer: z.literal('4.5') }),
  domain: z.literal('enterprise-attack'),
  description: z.string(),
  filters: z.object({ platforms: z.array(z.string()) }),
  sorting: z.number().int(),
  layout: z.object({
    layout: z.enum(['side', 'flat', 'mini']),
    showID: z.boolean(),
    showName: z.boolean(),
    expandedSubtechniques: z.enum(['none', 'all', 'annotated']),
  }),
  hideDisabled: z.boolean(),
  techniques: z
    .array(
      z.object({
        techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/),
        score: z.number(),
        comment: z.string(),
        enabled: z.boolean(),
        showSubtechniques: z.boolean(),
      }),
    )
    .max(2000),
  gradient: z.object({ colors: z.array(z.string()).min(2), minValue: z.number(), maxValue: z.number() }),
  legendItems: z.array(z.object({ label: z.string(), color: z.string() })),
  metadata: z.array(z.object({ name: z.string(), value: z.string() })),
})
