import { ZIsoDate } from '@decnet/core'
import { z } from 'zod'

/** Sessions of each kind per call (newest first). */
export const SESSIONS_DEFAULT = 50
export const SESSIONS_MAX = 200

export const ZAttackerSessionsInput = z
  .object({
    id: z.string().min(1).max(128),
    limit: z.number().int().min(1).max(SESSIONS_MAX).default(SESSIONS_DEFAULT),
  })
  .strict()

/** A recorded SSH/telnet shell session (replay it with sessions.get). */
export const ZTerminalSessionOutput = z.object({
  id: z.string(),
  decky: z.string(),
  service: z.string(),
  attackerIp: z.string(),
  attackerPort: z.number().int().nullable(),
  username: z.string(),
  via: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  startedAt: ZIsoDate,
  /** Null while the session runs (or when its end was never received). */
  endedAt: ZIsoDate.nullable(),
  durationSec: z.number().nullable(),
  frameCount: z.number().int(),
  bytes: z.number().int(),
  /** The recording was cut (size cap) or a part of it could not be stored. */
  truncated: z.boolean(),
})

/** One connection to one service (HTTP, SMB, a database …): its events, connect..disconnect. */
export const ZConnectionSessionOutput = z.object({
  decky: z.string(),
  service: z.string(),
  attackerIp: z.string(),
  attackerPort: z.number().int(),
  startedAt: ZIsoDate,
  endedAt: ZIsoDate,
  connected: z.boolean(),
  disconnected: z.boolean(),
  events: z.number().int(),
  eventTypes: z.array(z.object({ eventType: z.string(), count: z.number().int() })).max(256),
})

export const ZAttackerSessionsOutput = z.object({
  terminal: z.array(ZTerminalSessionOutput).max(SESSIONS_MAX),
  terminalTotal: z.number().int(),
  connections: z.array(ZConnectionSessionOutput).max(SESSIONS_MAX),
  connectionsPartial: z.boolean(),
})
