import { MAX_SESSION_FRAMES } from '@decnet/db'
import { z } from 'zod'
import { ZTerminalSessionOutput } from '../attackers/sessions.types.ts'

export const ZGetSessionInput = z.object({ id: z.string().min(1).max(128) }).strict()

/** asciicast v2: `[seconds since start, code, data]`, `o` output, `i` keystrokes, `r` resize, `m` marker. */
export const ZAsciicastEvent = z.tuple([z.number(), z.enum(['o', 'i', 'r', 'm']), z.string()])

export const ZGetSessionOutput = z.object({
  session: ZTerminalSessionOutput,
  /** The asciicast v2 header; with `events` as JSON lines it is a .cast file. */
  header: z.object({
    version: z.literal(2),
    width: z.number().int(),
    height: z.number().int(),
    timestamp: z.number().int(),
    title: z.string(),
    env: z.object({ TERM: z.string(), SHELL: z.string() }),
  }),
  events: z.array(ZAsciicastEvent).max(MAX_SESSION_FRAMES),
  /** Viewers: keystrokes left out and secret-shaped output masked. */
  masked: z.boolean(),
})
