'use client'

import { useEffect, useMemo, useRef, useState } from 'react'
import type uPlot from 'uplot'
import { formatTime } from '@/lib/format.ts'
import { cssColour, seriesColour } from './palette.ts'
import { stackedColumns, type TimelineRow, timelineSeries } from './timeline-data.ts'
import 'uplot/dist/uPlot.min.css'

const HEIGHT = 220

/**
 * Attack events over time, one stacked bar layer per service (uPlot on a canvas, loaded after the
 * page so it stays out of the first load). The legend and the hover readout are plain DOM: they
 * carry the numbers for assistive technology and tests.
 */
export function StackedTimeline({
  rows,
  bucketMinutes,
  fromMs,
  toMs,
}: {
  rows: readonly TimelineRow[]
  bucketMinutes: number
  fromMs?: number
  toMs: number
}) {
  const data = useMemo(
    () => timelineSeries(rows, bucketMinutes, { fromMs, toMs }),
    [rows, bucketMinutes, fromMs, toMs],
  )
  const box = useRef<HTMLDivElement>(null)
  const [hover, setHover] = useState<number | null>(null)
  const [theme, setTheme] = useState(0)

  // Canvas colours are read from the theme: redraw when the operator switches it.
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme((n) => n + 1))
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    const scheme = window.matchMedia('(prefers-color-scheme: dark)')
    const onScheme = () => setTheme((n) => n + 1)
    scheme.addEventListener('change', onScheme)
    return () => {
      observer.disconnect()
      scheme.removeEventListener('change', onScheme)
    }
  }, [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `theme` re-creates the plot with the new palette
  useEffect(() => {
    const element = box.current
    if (!element || data.x.length === 0) return
    let plot: uPlot | undefined
    let cancelled = false
    let resize: ResizeObserver | undefined
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return
      const text = cssColour(element, '--muted', '#888')
      const grid = cssColour(element, '--border', '#ccc')
      const bars = UPlot.paths.bars?.({ size: [0.85, 40], align: 1 })
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }
      const stacks = stackedColumns(data.series, data.x.length)
      plot = new UPlot(
        {
          width: Math.max(200, element.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          // The console shows times in UTC everywhere.
          tzDate: (seconds: number) => UPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
          cursor: { y: false, points: { show: false } },
          scales: {
            // Bars start at their bucket: the axis runs to the end of the last one.
            x: { time: true, range: () => [data.x[0] ?? 0, (data.x.at(-1) ?? 0) + bucketMinutes * 60] },
            y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
          },
          axes: [axis, { ...axis, size: 48 }],
          series: [
            {},
            ...data.series.map((entry, i) => ({
              label: entry.service,
              fill: seriesColour(i),
              stroke: seriesColour(i),
              width: 0,
              paths: bars,
              points: { show: false },
            })),
          ],
          hooks: {
            setCursor: [(u: uPlot) => setHover(u.cursor.idx ?? null)],
          },
        },
        [data.x, ...stacks],
        element,
      )
      resize = new ResizeObserver(() =>
        plot?.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }),
      )
      resize.observe(element)
    })
    return () => {
      cancelled = true
      resize?.disconnect()
      plot?.destroy()
    }
  }, [data, theme, bucketMinutes])

  const hovered = hover === null ? undefined : data.x[hover]
  return (
    <figure
      className="dash-timeline"
      data-testid="timeline-chart"
      data-total={data.total}
      data-series={data.series.length}
    >
      <div
        ref={box}
        className="dash-timeline-canvas"
        role="img"
        aria-label={`Attack events over time: ${data.total} in ${data.x.length} buckets of ${bucketMinutes} min, ${data.series.length} services`}
      />
      {data.total === 0 && <p className="muted small dash-empty">No attack events in this range.</p>}
      <figcaption className="dash-legend">
        {data.series.map((entry, i) => (
          <span
            key={entry.service}
            className="dash-legend-item"
            data-testid="timeline-legend-item"
            data-service={entry.service}
            data-count={entry.total}
          >
            <span className="dash-swatch" style={{ background: seriesColour(i) }} aria-hidden="true" />
            {entry.service}{' '}
            <strong>{hovered === undefined ? entry.total : (entry.counts[hover ?? 0] ?? 0)}</strong>
          </span>
        ))}
        <span className="muted small dash-hover" aria-live="off">
          {hovered === undefined
            ? `${bucketMinutes}-minute buckets`
            : `${formatTime(new Date(hovered * 1000).toISOString())} (${bucketMinutes} min)`}
        </span>
      </figcaption>
    </figure>
  )
}
