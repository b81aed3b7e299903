import { describe, expect, it } from 'vitest'
import atlas from 'world-atlas/countries-110m.json'
import { atlasIdOf } from '@/components/charts/country-ids.ts'

const atlasIds = new Set(
  (
    atlas as unknown as { objects: { countries: { geometries: { id?: string }[] } } }
  ).objects.countries.geometries.map((geometry) => geometry.id),
)

describe('country ids of the world map', () => {
  it('finds the map shape of the countries attacks most often come from', () => {
    for (const code of ['US', 'CN', 'RU', 'BR', 'IN', 'DE', 'FR', 'NL', 'AU', 'VN', 'KR', 'ZA']) {
      const id = atlasIdOf(code)
      expect(id, code).toBeDefined()
      expect(atlasIds.has(id), `${code} → ${id}`).toBe(true)
    }
    expect(atlasIdOf('us')).toBe('840')
  })

  it('has no id for a code that names no country', () => {
    expect(atlasIdOf('ZZ')).toBeUndefined()
  })
})
