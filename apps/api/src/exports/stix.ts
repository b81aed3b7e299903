// Incidents as STIX 2.1 (OASIS): for each incident an observed-data over what it saw — the source IP,
// URLs requested or named in commands, hashes of uploaded files — and for each of those an indicator
// and a sighting of it by DECNET (an identity). Pure: incidents and their events in, objects out.
//
// Every id is a UUIDv5 of content, so exporting the same incidents again yields the same objects:
// observables use STIX's own namespace over their ID-contributing properties (spec §2.9), so other
// producers derive the same ids for the same IP/URL/file; DECNET's objects use DECNET_STIX_NAMESPACE
// over the incident id (and the observable they describe). created/modified come from the incident
// (first/last seen), never from the clock.
import { createHash } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'
import type { Incident } from '@decnet/core'
import { v5 as uuidv5 } from 'uuid'

/** STIX 2.1 §2.9: the namespace of deterministic Cyber-observable Object ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7'
/** DECNET's own namespace for the ids of the objects it authors (a fixed random UUID). */
export const DECNET_STIX_NAMESPACE = '5b0c4ae6-2f0e-4a48-9d3a-7c3fb7f0a1d2'

/** Observables taken from one incident at most (a scripted attacker can name thousands of URLs). */
export const MAX_OBSERVABLES_PER_INCIDENT = 100
/** Longest URL kept (longer ones are not useful indicators and bloat the bundle). */
export const MAX_URL_LENGTH = 2048
const MAX_FILE_NAME = 255
/** STIX's bounds on observed-data number_observed and sighting count. */
const MAX_COUNT = 999_999_999
/** When DECNET's identity object was first written (fixed: its id and content never change). */
const IDENTITY_CREATED = '2026-01-01T00:00:00.000Z'

/** What the mapping needs of an incident's event (a Log row fits). */
export type StixEvent = {
  timestamp: Date | string
  service: string
  eventType: string
  attackerIp: string | null
  fields: Record<string, unknown>
}

export type StixObject = { type: string; id: string } & Record<string, unknown>

export type StixBundle = { type: 'bundle'; id: string; objects: StixObject[] }

type Observable =
  | { type: 'ipv4-addr' | 'ipv6-addr' | 'url'; value: string }
  | { type: 'file'; hashes: { 'SHA-256': string }; name?: string }

/** JSON with keys sorted (RFC 8785 for the plain string objects hashed here). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const decnetId = (type: string, name: string) => `${type}--${uuidv5(name, DECNET_STIX_NAMESPACE)}`

export const DECNET_IDENTITY_ID = decnetId('identity', 'identity|decnet')

/** DECNET as the system that saw the sightings. */
export const DECNET_IDENTITY: StixObject = {
  type: 'identity',
  spec_version: '2.1',
  id: DECNET_IDENTITY_ID,
  created: IDENTITY_CREATED,
  modified: IDENTITY_CREATED,
  name: 'DECNET honeypot network',
  identity_class: 'system',
}

/** An observable's id as STIX derives it from its ID-contributing properties. */
function observableId(observable: Observable): string {
  const contributing =
    observable.type === 'file'
      ? { hashes: observable.hashes, name: observable.name }
      : { value: observable.value }
  return `${observable.type}--${uuidv5(canonicalJson(contributing), STIX_SCO_NAMESPACE)}`
}

/** A STIX pattern string literal: backslash and quote escaped. */
const patternString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

function patternOf(observable: Observable): string {
  if (observable.type === 'file')
    return `[file:hashes.'SHA-256' = ${patternString(observable.hashes['SHA-256'])}]`
  return `[${observable.type}:value = ${patternString(observable.value)}]`
}

function describe(observable: Observable): string {
  if (observable.type === 'file') return `file SHA-256 ${observable.hashes['SHA-256']}`
  if (observable.type === 'url') return `URL ${observable.value}`
  return `source address ${observable.value}`
}

function ipObservable(ip: string | null): Observable | undefined {
  if (!ip) return undefined
  if (isIPv4(ip)) return { type: 'ipv4-addr', value: ip }
  if (isIPv6(ip)) return { type: 'ipv6-addr', value: ip }
  return undefined
}

/** An absolute http(s)/ftp URL in its normalised form, or undefined. */
function normalisedUrl(text: string): string | undefined {
  try {
    const url = new URL(text)
    if (!['http:', 'https:', 'ftp:'].includes(url.protocol) || !url.hostname) return undefined
    return url.href.length <= MAX_URL_LENGTH ? url.href : undefined
  } catch {
    return undefined
  }
}

const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s'"<>`|;]{1,2048}/gi
const SHA256 = /^[0-9a-f]{64}$/i

/** The URLs an event shows: an HTTP request's own URL, and any URL written in its fields (commands). */
function urlsOf(event: StixEvent): string[] {
  const urls: string[] = []
  const { fields } = event
  if (event.eventType === 'request' && typeof fields.path === 'string' && fields.path.startsWith('/')) {
    const host = typeof fields.host === 'string' && fields.host ? fields.host : undefined
    const scheme = fields.tls === true ? 'https' : 'http'
    const url = host ? normalisedUrl(`${scheme}://${host}${fields.path}`) : undefined
    if (url) urls.push(url)
  }
  for (const [key, value] of Object.entries(fields)) {
    // Headers are what the client sent about itself (Referer, Host): not something it fetched or ran.
    if (typeof value !== 'string' || key === 'headers') continue
    for (const match of value.matchAll(URL_IN_TEXT)) {
      const url = normalisedUrl(match[0])
      if (url) urls.push(url)
    }
  }
  return urls
}

function fileOf(event: StixEvent): Observable | undefined {
  const { sha256, name, path } = event.fields
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return undefined
  const fileName =
    typeof name === 'string' && name
      ? name
      : typeof path === 'string'
        ? path.split('/').filter(Boolean).at(-1)
        : undefined
  return {
    type: 'file',
    hashes: { 'SHA-256': sha256.toLowerCase() },
    ...(fileName ? { name: fileName.slice(0, MAX_FILE_NAME) } : {}),
  }
}

/** The distinct observables of an incident: its source first, then URLs and files in event order. */
export function observablesOf(incident: Incident, events: readonly StixEvent[]): Observable[] {
  const found = new Map<string, Observable>()
  const add = (observable: Observable | undefined) => {
    if (!observable || found.size >= MAX_OBSERVABLES_PER_INCIDENT) return
    const id = observableId(observable)
    if (!found.has(id)) found.set(id, observable)
  }
  add(ipObservable(incident.attackerIp))
  for (const event of events) {
    for (const url of urlsOf(event)) add({ type: 'url', value: url })
    add(fileOf(event))
  }
  return [...found.values()]
}

const count = (n: number) => Math.min(Math.max(Math.trunc(n), 1), MAX_COUNT)

/**
 * One incident's objects: its observables, one observed-data over them, and per observable an
 * indicator and a sighting of it (by DECNET_IDENTITY, which the bundle carries once).
 */
export function incidentObjects(incident: Incident, events: readonly StixEvent[]): StixObject[] {
  const first = Date.parse(incident.firstSeen)
  // STIX requires modified >= created (a clock step could have stored them the other way round).
  const created = new Date(first).toISOString()
  const modified = new Date(Math.max(first, Date.parse(incident.lastSeen))).toISOString()
  const common = { spec_version: '2.1', created, modified, created_by_ref: DECNET_IDENTITY_ID }
  const observables = observablesOf(incident, events).map((observable) => ({
    observable,
    sco: { ...observable, spec_version: '2.1', id: observableId(observable) } as StixObject,
  }))
  const observedData: StixObject = {
    type: 'observed-data',
    id: decnetId('observed-data', `observed-data|${incident.id}`),
    ...common,
    first_observed: created,
    last_observed: modified,
    number_observed: count(incident.eventCount),
    object_refs: observables.map(({ sco }) => sco.id),
  }
  const context = `${incident.severity} incident on ${incident.deckies.join(', ') || incident.decky} (${incident.services.join(', ') || 'no service'}), state ${incident.state}${incident.reasons.length ? `: ${incident.reasons.join('; ')}` : ''}`
  const objects: StixObject[] = observables.map(({ sco }) => sco)
  if (observables.length > 0) objects.push(observedData)
  for (const { observable } of observables) {
    const pattern = patternOf(observable)
    const indicator: StixObject = {
      type: 'indicator',
      id: decnetId('indicator', `indicator|${incident.id}|${pattern}`),
      ...common,
      name: `${describe(observable)} seen by DECNET`,
      description: `Seen in a DECNET honeypot ${context}.`,
      indicator_types: ['malicious-activity'],
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: created,
      labels: [`severity:${incident.severity}`],
    }
    objects.push(indicator, {
      type: 'sighting',
      id: decnetId('sighting', `sighting|${incident.id}|${indicator.id}`),
      ...common,
      first_seen: created,
      last_seen: modified,
      count: count(incident.eventCount),
      sighting_of_ref: indicator.id,
      observed_data_refs: [observedData.id],
      where_sighted_refs: [DECNET_IDENTITY_ID],
    })
  }
  return objects
}

/** Derives the bundle id from the ids of its objects in order, as they are written (streamable). */
export class BundleIdHasher {
  readonly #hash = createHash('sha256')

  add(objectId: string): void {
    this.#hash.update(objectId).update('\n')
  }

  digest(): string {
    return decnetId('bundle', `bundle|${this.#hash.digest('hex')}`)
  }
}

/** A whole bundle in memory (tests, small exports); the download streams the same objects. */
export function stixBundle(
  incidents: readonly { incident: Incident; events: readonly StixEvent[] }[],
): StixBundle {
  const objects: StixObject[] = [DECNET_IDENTITY]
  const hasher = new BundleIdHasher()
  hasher.add(DECNET_IDENTITY_ID)
  const seen = new Set<string>([DECNET_IDENTITY_ID])
  for (const { incident, events } of incidents) {
    for (const object of incidentObjects(incident, events)) {
      // An IP, URL or file seen in several incidents is one object (its id is its content).
      if (seen.has(object.id)) continue
      seen.add(object.id)
      hasher.add(object.id)
      objects.push(object)
    }
  }
  return { type: 'bundle', id: hasher.digest(), objects }
}
