import type { AsciicastFrame, DecnetDatabase, TerminalSessionRow } from '@decnet/db'
import { AppError } from '../app-error.ts'
import { maskTextsForViewer } from '../logs/secret-mask.ts'

/** An asciicast v2 header (https://docs.asciinema.org/manual/asciicast/v2/). */
export type AsciicastHeader = {
  version: 2
  width: number
  height: number
  /** Unix seconds of the session's start. */
  timestamp: number
  title: string
  env: { TERM: string; SHELL: string }
}

export type Recording = {
  session: TerminalSessionRow
  header: AsciicastHeader
  events: AsciicastFrame[]
  /** Viewer copy: keystrokes left out and secret-shaped text masked (whole lines then). */
  masked: boolean
}

/**
 * A viewer's copy of a recording. Keystrokes (`i`) go: typed with echo off they are passwords, and
 * what was echoed is in the output anyway. The output is masked by the same rules as every other
 * attacker text; when that hides something, frames are joined per line first (a secret echoed one
 * keystroke per frame is only recognisable whole), each line at the time of its last piece.
 */
export function recordingForViewer(frames: readonly AsciicastFrame[]): {
  events: AsciicastFrame[]
  masked: boolean
} {
  const kept = frames.filter((frame) => frame[1] !== 'i')
  const output = kept.filter((frame) => frame[1] === 'o')
  if (!maskTextsForViewer([output.map((frame) => frame[2]).join('')]).masked) {
    return { events: kept, masked: frames.length !== kept.length }
  }
  const lines: AsciicastFrame[] = []
  let pending: AsciicastFrame | undefined
  for (const frame of kept) {
    if (frame[1] !== 'o') {
      if (pending) lines.push(pending)
      pending = undefined
      lines.push(frame)
      continue
    }
    pending = pending ? [frame[0], 'o', pending[2] + frame[2]] : [frame[0], 'o', frame[2]]
    if (frame[2].includes('\n')) {
      lines.push(pending)
      pending = undefined
    }
  }
  if (pending) lines.push(pending)
  const texts = maskTextsForViewer(lines.map((frame) => (frame[1] === 'o' ? frame[2] : ''))).texts
  return {
    events: lines.map((frame, i) => (frame[1] === 'o' ? [frame[0], 'o', texts[i] ?? ''] : frame)),
    masked: true,
  }
}

/** The recording `id` as an asciicast (masked unless `revealSecrets`), or NOT_FOUND. */
export async function requireRecording(
  db: Pick<DecnetDatabase, 'sessions'>,
  id: string,
  revealSecrets: boolean,
): Promise<Recording> {
  const found = await db.sessions.get(id)
  if (!found) throw new AppError('not_found', `no terminal session with id ${id}`)
  const { session, frames } = found
  const header: AsciicastHeader = {
    version: 2,
    width: session.width,
    height: session.height,
    timestamp: Math.floor(session.startedAt.getTime() / 1000),
    title: `${session.username || '?'}@${session.decky} (${session.via || session.service}) from ${session.attackerIp}`,
    env: { TERM: session.term, SHELL: '/bin/bash' },
  }
  if (revealSecrets) return { session, header, events: frames, masked: false }
  return { session, header, ...recordingForViewer(frames) }
}
