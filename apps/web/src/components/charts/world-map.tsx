'use client'

import { useEffect, useMemo, useState } from 'react'
import { plural } from '@/lib/format.ts'

export type Region = { kind: 'country'; country: string } | { kind: 'private' } | { kind: 'unknown' }
export type RegionCount = { region: Region; attackers: number; events: number }

type Shape = { id: string; name: string; d: string }

const WIDTH = 720
const HEIGHT = 360

/**
 * The world geometry as SVG paths, built once per page load from lazily loaded modules (d3-geo,
 * topojson-client, world-atlas's 110m countries): none of it is in the route's first load.
 */
let shapes: Promise<{ shapes: Shape[]; numericOf: (alpha2: string) => string | undefined }> | undefined
function loadShapes() {
  shapes ??= Promise.all([
    import('d3-geo'),
    import('topojson-client'),
    import('world-atlas/countries-110m.json'),
    import('./country-ids.ts'),
  ]).then(([geo, topojson, atlas, ids]) => {
    const topology = (atlas.default ?? atlas) as unknown as Parameters<typeof topojson.feature>[0]
    const countries = topojson.feature(
      topology,
      (topology.objects as Record<string, Parameters<typeof topojson.feature>[1]>).countries as Parameters<
        typeof topojson.feature
      >[1],
    ) as unknown as GeoJSON.FeatureCollection<GeoJSON.Geometry, { name: string }>
    const projection = geo.geoEqualEarth().fitSize([WIDTH, HEIGHT], countries)
    const path = geo.geoPath(projection)
    return {
      shapes: countries.features.map((feature) => ({
        id: String(feature.id ?? ''),
        name: feature.properties?.name ?? '',
        d: path(feature) ?? '',
      })),
      numericOf: ids.atlasIdOf,
    }
  })
  return shapes
}

/** Attack sources per country on a world map; special-purpose (private, loopback …) sources counted apart. */
export function WorldMap({ regions }: { regions: readonly RegionCount[] }) {
  const [geometry, setGeometry] = useState<Awaited<ReturnType<typeof loadShapes>> | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let live = true
    loadShapes()
      .then((loaded) => live && setGeometry(loaded))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  const countries = regions.filter(
    (entry): entry is RegionCount & { region: { kind: 'country'; country: string } } =>
      entry.region.kind === 'country',
  )
  const privateSources = regions.find((entry) => entry.region.kind === 'private')
  const unknown = regions.find((entry) => entry.region.kind === 'unknown')
  const byNumeric = useMemo(() => {
    const map = new Map<string, RegionCount & { code: string }>()
    if (!geometry) return map
    for (const entry of countries) {
      const numeric = geometry.numericOf(entry.region.country)
      if (numeric) map.set(numeric, { ...entry, code: entry.region.country })
    }
    return map
  }, [geometry, countries])
  const max = Math.max(1, ...countries.map((entry) => entry.attackers))

  return (
    <figure className="dash-map" data-testid="world-map" data-countries={countries.length}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Attack sources by country: ${countries.length} ${plural(countries.length, 'country', 'countries')}`}
        className="dash-map-svg"
      >
        {geometry?.shapes.map((shape) => {
          const hit = byNumeric.get(shape.id)
          return (
            <path
              key={`${shape.id}-${shape.name}`}
              d={shape.d}
              className={hit ? 'dash-country hit' : 'dash-country'}
              style={hit ? { fillOpacity: 0.25 + 0.75 * Math.sqrt(hit.attackers / max) } : undefined}
              data-country={hit?.code}
              data-attackers={hit?.attackers}
            >
              <title>
                {hit
                  ? `${shape.name}: ${hit.attackers} ${plural(hit.attackers, 'source')}, ${hit.events} ${plural(hit.events, 'event')}`
                  : shape.name}
              </title>
            </path>
          )
        })}
      </svg>
      {!geometry && !failed && <p className="muted small">Loading the map…</p>}
      {failed && <p className="muted small">The map could not be loaded; the counts below stand.</p>}
      <figcaption className="dash-map-legend small">
        {countries.slice(0, 8).map((entry) => (
          <span key={entry.region.country} data-testid="region-country" data-country={entry.region.country}>
            {entry.region.country} <strong>{entry.attackers}</strong>
          </span>
        ))}
        <span data-testid="region-private" data-attackers={privateSources?.attackers ?? 0}>
          Private / special ranges <strong>{privateSources?.attackers ?? 0}</strong>
        </span>
        {unknown && (
          <span data-testid="region-unknown" data-attackers={unknown.attackers} className="muted">
            Not located yet <strong>{unknown.attackers}</strong>
          </span>
        )}
      </figcaption>
    </figure>
  )
}
