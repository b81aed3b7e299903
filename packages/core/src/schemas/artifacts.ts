import { z } from 'zod'
import { ZIsoDate } from './common.ts'

/**
 * Artifacts (issue 18): bytes attackers fetched or sent, kept content-addressed by SHA-256. The
 * decoys never fetch: they ask the artifact gateway (a worker beside the API) over a per-installation
 * Unix socket, and these schemas are that wire contract (validated on both ends) and the API's shapes.
 */

/** Where an artifact's bytes came from. */
export const ARTIFACT_SOURCES = ['download', 'upload', 'message', 'http_body'] as const
export const ZArtifactSource = z.enum(ARTIFACT_SOURCES)
export type ArtifactSource = z.infer<typeof ZArtifactSource>

export const SHA256_RE = /^[0-9a-f]{64}$/
export const ZSha256 = z.string().regex(SHA256_RE)

/** Longest URL or attacker-given name carried (the rest is cut before it travels). */
export const MAX_ARTIFACT_NAME_CHARS = 2048

/** Why a fetch brought nothing. `blocked`: DECNET's own or a forbidden address; `egress`: fetching is off. */
export const FETCH_FAILURES = [
  'bad-url',
  'resolve',
  'refused',
  'timeout',
  'blocked',
  'error',
  'limit',
] as const
export type FetchFailure = (typeof FETCH_FAILURES)[number]

/** What a decoy asks the gateway to fetch (the decky and its token travel in headers). */
export const ZFetchRequest = z
  .object({
    url: z.string().min(1).max(MAX_ARTIFACT_NAME_CHARS),
    attackerIp: z.string().max(64).optional(),
    /** The tool asking (its User-Agent is sent). */
    tool: z.enum(['wget', 'curl']).optional(),
  })
  .strict()
export type FetchRequest = z.infer<typeof ZFetchRequest>

export const ZFetchResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The URL the bytes came from (after redirects). */
    url: z.string().max(MAX_ARTIFACT_NAME_CHARS),
    status: z.number().int().min(0).max(999),
    /** Address and port connected to, as wget prints them. */
    address: z.string().max(64),
    port: z.number().int().min(0).max(65535),
    contentType: z.string().max(100),
    /** Bytes kept (at most the fetcher's cap). */
    size: z.number().int().nonnegative(),
    sha256: ZSha256,
    truncated: z.boolean(),
  }),
  z.object({
    ok: z.literal(false),
    url: z.string().max(MAX_ARTIFACT_NAME_CHARS),
    failure: z.enum(FETCH_FAILURES),
    address: z.string().max(64).optional(),
    port: z.number().int().min(0).max(65535).optional(),
  }),
])
export type FetchResult = z.infer<typeof ZFetchResult>

/** What the gateway answers for stored upload bytes. */
export const ZStoredArtifact = z.object({
  sha256: ZSha256,
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
})
export type StoredArtifact = z.infer<typeof ZStoredArtifact>

export const ZArtifact = z.object({
  sha256: ZSha256,
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
  sightings: z.number().int().nonnegative(),
})
export type Artifact = z.infer<typeof ZArtifact>

export const ZArtifactSighting = z.object({
  id: z.string().max(64),
  decky: z.string().max(64),
  source: ZArtifactSource,
  name: z.string().max(MAX_ARTIFACT_NAME_CHARS),
  attackerIp: z.string().max(64).nullable(),
  truncated: z.boolean(),
  seenAt: ZIsoDate,
})
export type ArtifactSighting = z.infer<typeof ZArtifactSighting>
