import type { DecoyEvent, EmittedEvent } from '../emulator.ts'

/** Hard cap on one serialised event line, so a hostile client cannot make us log megabytes per request. */
export const MAX_EVENT_BYTES = 16 * 1024

/** Where finished events go: stdout in a container, a callback in-process. */
export type EventSink = (event: DecoyEvent) => void

/** An event that fits the line cap, with the JSON line it serialises to. */
export type FittedEvent = { event: DecoyEvent; line: string }

/**
 * The one truncation rule for decoy events, used by the container's stdout sink and by ingest (the
 * local engine hands events over in-process, a Docker log line is re-checked): an event whose JSON
 * line is over `maxBytes` has its longest string fields halved until it fits, and is marked
 * `fields.truncated: true`, so an analyst knows data was cut. JSON.stringify already escapes every
 * C0 control character and lone surrogate, so attacker bytes can never break the line framing.
 */
export function fitEvent(event: DecoyEvent, maxBytes = MAX_EVENT_BYTES): FittedEvent {
  let line = JSON.stringify(event)
  if (Buffer.byteLength(line) <= maxBytes) return { event, line }
  const fields: DecoyEvent['fields'] = { ...event.fields, truncated: true }
  for (let attempt = 0; attempt < 64; attempt++) {
    const longest = longestStringField(fields)
    if (longest === undefined) break
    const value = fields[longest] as string
    fields[longest] = `${value.slice(0, Math.floor(value.length / 2))}…`
    const fitted = { ...event, fields }
    line = JSON.stringify(fitted)
    if (Buffer.byteLength(line) <= maxBytes) return { event: fitted, line }
  }
  // Only reachable with absurd key counts or names: keep the envelope, drop the payload.
  const { secret_fields: _dropped, ...envelope } = event
  const bare = { ...envelope, fields: { truncated: true } }
  return { event: bare, line: JSON.stringify(bare) }
}

/** Serialises an event as one JSON line (no trailing newline), cut by `fitEvent`. */
export function serializeEvent(event: DecoyEvent, maxBytes = MAX_EVENT_BYTES): string {
  return fitEvent(event, maxBytes).line
}

function longestStringField(fields: DecoyEvent['fields']): string | undefined {
  let best: string | undefined
  let bestLength = 0
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.length > bestLength) {
      best = key
      bestLength = value.length
    }
  }
  return best
}

/** Sink writing one JSON line per event to stdout (the container's log stream). */
export function stdoutSink(): EventSink {
  return (event) => {
    process.stdout.write(`${serializeEvent(event)}\n`)
  }
}

/** Builds the `emit` function of an emulator context: stamps time, decky and service. */
export function createEmitter(decky: string, service: string, sink: EventSink): (e: EmittedEvent) => void {
  return (emitted) => {
    const event: DecoyEvent = { ts: new Date().toISOString(), decky, service, ...emitted }
    if (event.secret_fields?.length === 0) delete event.secret_fields
    sink(event)
  }
}

/** Normalises a peer address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the plain IPv4 address. */
export function peerAddress(address: string | undefined): string {
  if (!address) return 'unknown'
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
