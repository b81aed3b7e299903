// Issue 18 acceptance, in process: every corpus session replays to its golden transcript exactly
// (pinned clock), and no command the persona's OS ships is "not found". UPDATE_SHELL_CORPUS=1
// rewrites the golden files (then review the diff by hand). The same sessions go through a real ssh
// client against deployed Docker deckies in packages/lifecycle/test/shell-corpus-docker.test.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CORPUS,
  CORPUS_PERSONAS,
  goldenPath,
  replayInProcess,
  shapeOf,
  shippedButNotFound,
  transcript,
} from './fixtures/shell-corpus/corpus.ts'

describe('attack-session corpus, replayed in process', () => {
  for (const { session, persona } of CORPUS) {
    it(`${session} on ${persona} matches its golden transcript`, async () => {
      const steps = await replayInProcess(
        session,
        CORPUS_PERSONAS[persona],
        `198.18.77.${CORPUS.findIndex((c) => c.persona === persona) + 2}`,
      )
      const text = transcript(steps)
      if (process.env.UPDATE_SHELL_CORPUS === '1' || !existsSync(goldenPath(session)))
        writeFileSync(goldenPath(session), text)
      expect(shippedButNotFound(text, CORPUS_PERSONAS[persona])).toEqual([])
      expect(text).toBe(readFileSync(goldenPath(session), 'utf8'))
    }, 60_000)
  }

  it('the shape ignores clocks, numbers and padding, and nothing else', () => {
    expect(shapeOf(' 13:00:00 up 31 days,  4:46,  1 user')).toBe(
      shapeOf(' 09:12:44 up 32 days, 5 min,  1 user'),
    )
    expect(shapeOf('-rw------- 1 root root 92 Dec  3 13:00 authorized_keys')).toBe(
      shapeOf('-rw------- 1 root root 92 Jan 14 09:05 authorized_keys'),
    )
    expect(shapeOf('-bash: top: command not found')).not.toBe(shapeOf('top - 13:00:00 up 1 day'))
  })

  it('flags a shipped command answered "not found", not a foreign one', () => {
    const debian = CORPUS_PERSONAS.debian
    expect(
      shippedButNotFound('-bash: df: command not found\n-bash: gcc: command not found\n', debian),
    ).toEqual(['df'])
    expect(
      shippedButNotFound('-ash: enable: not found\nECCHI: applet not found\n', CORPUS_PERSONAS.camera),
    ).toEqual([])
  })
})
