'use client'

import 'asciinema-player/dist/bundle/asciinema-player.css'
import { useEffect, useRef, useState } from 'react'

type Frame = [number, 'o' | 'i' | 'r' | 'm', string]
type Header = { version: 2; width: number; height: number; timestamp: number; title: string; env: object }

/** The recording as an asciicast v2 file: the header line, then one JSON line per event. */
export function castText(header: Header, events: readonly Frame[]): string {
  return [JSON.stringify(header), ...events.map((event) => JSON.stringify(event))].join('\n')
}

/**
 * Replays a terminal recording with asciinema-player (loaded on this page only). The player draws
 * the terminal from the recorded bytes in its own emulator into text nodes: escape sequences move
 * the cursor and colour text, nothing in the recording becomes markup or runs.
 */
export function SessionPlayer({ header, events }: { header: Header; events: readonly Frame[] }) {
  const container = useRef<HTMLDivElement>(null)
  const [failed, setFailed] = useState<string | undefined>()
  useEffect(() => {
    const element = container.current
    if (!element) return
    let disposed = false
    let dispose: (() => void) | undefined
    import('asciinema-player')
      .then((player) => {
        if (disposed) return
        const created = player.create({ data: castText(header, events) }, element, {
          cols: header.width,
          rows: header.height,
          // Long pauses shrink to 2 s: an hour of idling replays in minutes, typing keeps its rhythm.
          idleTimeLimit: 2,
          fit: 'width',
          // Keystrokes the attacker typed are shown as they happen (admins; viewers get no input frames).
          keystrokeOverlay: true,
          markers: events
            .filter((event) => event[1] === 'm')
            .map((event) => [event[0], event[2]] as [number, string]),
        })
        dispose = () => created.dispose()
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)))
    return () => {
      disposed = true
      dispose?.()
    }
  }, [header, events])
  const download = () => {
    const url = URL.createObjectURL(
      new Blob([`${castText(header, events)}\n`], { type: 'application/x-asciicast' }),
    )
    const link = document.createElement('a')
    link.href = url
    link.download = `session-${header.timestamp}.cast`
    link.click()
    URL.revokeObjectURL(url)
  }
  return (
    <>
      {failed && <p className="error">The player could not start: {failed}</p>}
      <div ref={container} data-testid="session-player" />
      <p>
        <button type="button" onClick={download}>
          Download .cast
        </button>{' '}
        <span className="muted small">asciicast v2, plays in `asciinema play`</span>
      </p>
    </>
  )
}
