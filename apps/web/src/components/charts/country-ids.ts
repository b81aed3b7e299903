// Enrichment stores ISO 3166-1 alpha-2 codes; world-atlas keys its countries by the numeric code
// ("840"). Loaded with the map only (a dynamic import), never in the route's first load.
import countries from 'i18n-iso-countries'

/** The world-atlas id of a country's alpha-2 code (`US` → `840`), or undefined when it has none. */
export function atlasIdOf(alpha2: string): string | undefined {
  return countries.alpha2ToNumeric(alpha2.toUpperCase())
}
