'use client'

import { type PointerEvent, type RefObject, useEffect, useRef, useState } from 'react'
import { formatTime, plural } from '@/lib/format.ts'
import { timeTicks } from '@/lib/time-ticks.ts'
import type { RouterOutputs } from '@/trpc/client.ts'
import { SafeText } from './safe-text.tsx'
import '@/styles/logs.css'

export type Histogram = RouterOutputs['logs']['histogram']

const PLOT_HEIGHT = 60
const AXIS_HEIGHT = 16
const SERIES_COLORS = 9
/** A press that moves less than this is a click: it zooms into the bucket under it. */
const DRAG_THRESHOLD_PX = 4

interface Props {
  histogram: Histogram
  /** The window shown (ms): the range's start (or the first bucket) to its end. */
  from: number
  to: number
  bucketMinutes: number
  /** Called with the picked window (a dragged span or a clicked bucket). */
  onZoom: (from: Date, to: Date) => void
}

/** Width of the element, following resizes (SVG text must not be stretched by a viewBox). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}

/**
 * Events over time, stacked per service, with a UTC time axis. Drag across it (or click a bar) to zoom
 * into that window.
 */
export function LogHistogram({ histogram, from, to, bucketMinutes, onZoom }: Props) {
  const [box, width] = useWidth<HTMLDivElement>()
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null)
  const bucketMs = bucketMinutes * 60_000
  const span = Math.max(to - from, 1000)
  const x = (t: number) => ((t - from) / span) * width
  const timeAt = (px: number) => from + (Math.min(Math.max(px, 0), width) / width) * span
  const max = Math.max(1, ...histogram.buckets.map((b) => b.count))
  const total = histogram.buckets.reduce((sum, b) => sum + b.count, 0)
  const barWidth = Math.max(1, (bucketMs / span) * width - 1)
  const ticks = width > 0 ? timeTicks(from, to, Math.max(2, Math.floor(width / 110))) : []

  const localX = (event: PointerEvent<SVGSVGElement>) =>
    event.clientX - event.currentTarget.getBoundingClientRect().left
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return
    event.currentTarget.setPointerCapture(event.pointerId)
    const px = localX(event)
    setDrag({ start: px, end: px })
  }
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (drag) setDrag({ ...drag, end: localX(event) })
  }
  const onPointerUp = (event: PointerEvent<SVGSVGElement>) => {
    if (!drag) return
    const end = localX(event)
    setDrag(null)
    if (Math.abs(end - drag.start) < DRAG_THRESHOLD_PX) {
      const start = Math.floor(timeAt(end) / bucketMs) * bucketMs
      onZoom(new Date(start), new Date(start + bucketMs))
      return
    }
    const [a, b] = [timeAt(Math.min(drag.start, end)), timeAt(Math.max(drag.start, end))]
    onZoom(new Date(Math.floor(a / 1000) * 1000), new Date(Math.ceil(b / 1000) * 1000))
  }

  return (
    <figure className="log-histogram" data-testid="histogram">
      <div ref={box} className="log-histogram-plot">
        {width > 0 && (
          <svg
            width={width}
            height={PLOT_HEIGHT + AXIS_HEIGHT}
            role="img"
            aria-label={`Histogram: ${plural(total, 'event')} by service, ${bucketMinutes}-minute buckets. Drag to zoom.`}
            data-testid="histogram-plot"
            data-from={from}
            data-to={to}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => setDrag(null)}
          >
            <line
              className="log-histogram-base"
              x1={0}
              x2={width}
              y1={PLOT_HEIGHT + 0.5}
              y2={PLOT_HEIGHT + 0.5}
            />
            {histogram.buckets.map((bucket) => {
              const left = x(Date.parse(bucket.t))
              let top = PLOT_HEIGHT
              return (
                <g key={bucket.t}>
                  <title>
                    {`${formatTime(bucket.t)}: ${bucket.count} — ${histogram.services
                      .map((service, i) => [service, bucket.byService[i] ?? 0] as const)
                      .filter(([, n]) => n > 0)
                      .map(([service, n]) => `${service} ${n}`)
                      .join(', ')}`}
                  </title>
                  {bucket.byService.map((count, i) => {
                    if (count === 0) return null
                    const height = Math.max(1, (count / max) * (PLOT_HEIGHT - 2))
                    top -= height
                    return (
                      <rect
                        // biome-ignore lint/suspicious/noArrayIndexKey: the series index is the identity
                        key={i}
                        className={`series-${i % SERIES_COLORS}`}
                        x={left}
                        y={top}
                        width={barWidth}
                        height={height}
                      />
                    )
                  })}
                </g>
              )
            })}
            {ticks.map((tick) => (
              <g key={tick.t} className="log-histogram-tick" transform={`translate(${x(tick.t)},0)`}>
                <line y1={PLOT_HEIGHT} y2={PLOT_HEIGHT + 4} />
                <text y={PLOT_HEIGHT + AXIS_HEIGHT - 2} textAnchor={x(tick.t) < 40 ? 'start' : 'middle'}>
                  {tick.label}
                </text>
              </g>
            ))}
            {drag && Math.abs(drag.end - drag.start) >= DRAG_THRESHOLD_PX && (
              <rect
                className="log-histogram-selection"
                data-testid="histogram-selection"
                x={Math.min(drag.start, drag.end)}
                y={0}
                width={Math.abs(drag.end - drag.start)}
                height={PLOT_HEIGHT}
              />
            )}
          </svg>
        )}
        {total === 0 && <span className="log-histogram-empty muted small">No events in this range.</span>}
      </div>
      <figcaption className="log-histogram-legend small muted">
        <span data-testid="histogram-total">
          {plural(total, 'event')} · {bucketMinutes} min buckets · peak {total === 0 ? 0 : max}
        </span>
        {histogram.services.map((service, i) => (
          <span key={service} className="log-legend-item">
            <span aria-hidden="true" className={`log-swatch series-${i % SERIES_COLORS}`} />
            <SafeText value={service} limit={24} />
          </span>
        ))}
      </figcaption>
    </figure>
  )
}
