// `decnet logs [query]`: the Logs search, one line an event; --follow then streams new matches
// (logs.live) until Ctrl-C, starting right after the newest event printed so none falls in between.
import type { Log } from '@decnet/core'
import type { Command } from 'commander'
import type { ApiClient } from './client.ts'
import type { CommandIo } from './command-io.ts'
import { logLine } from './log-line.ts'
import { parseSince } from './since.ts'

type LogsOptions = { limit: string; since?: string; follow?: boolean }

function parseLimit(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1)
    throw new Error(`--limit: expected a number of rows, got "${text}"`)
  return Number(text)
}

/** The newest event id of any kind, so following starts at "now" even when nothing matched yet. */
async function newestEventId(client: ApiClient): Promise<string | undefined> {
  return (await client.logs.search.query({ q: 'system:any', limit: 1 })).rows[0]?.id
}

/** Streams new matching events until SIGINT/SIGTERM (a clean exit, code 0) or the stream fails. */
function follow(
  client: ApiClient,
  query: string | undefined,
  lastEventId: string | undefined,
  write: (row: Log) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = client.logs.live.subscribe(
      { ...(query ? { q: query } : {}), ...(lastEventId ? { lastEventId } : {}) },
      {
        onData: ({ data }) => write(data),
        onError: (error) => {
          stop()
          reject(error)
        },
        onComplete: () => stop(),
      },
    )
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      subscription.unsubscribe()
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

export function registerLogsCommand(program: Command, io: CommandIo): void {
  program
    .command('logs [query]')
    .description(
      'search captured interactions (words, "phrases", key:value; system:true for our own probes), newest first; --follow streams new ones',
    )
    .option('-n, --limit <n>', 'rows', '50')
    .option('--since <when>', 'only events since: an ISO-8601 time or how long ago (30m, 2h, 7d)')
    .option(
      '-f, --follow',
      'after the matches so far (oldest first), print new ones as they arrive until Ctrl-C',
    )
    .addHelpText(
      'after',
      "\nExamples:\n  decnet logs 'service:ssh username:root' --since 2h\n  decnet logs decky:web-01 --follow\n  decnet --json logs ip:203.0.113.7   (JSON; with --follow one JSON object a line)",
    )
    .action(async (query: string | undefined, options: LogsOptions) => {
      const client = io.signedIn()
      const result = await client.logs.search.query({
        ...(query ? { q: query } : {}),
        ...(options.since ? { from: parseSince(options.since) } : {}),
        limit: parseLimit(options.limit),
      })
      if (!options.follow) {
        io.print(result, () => [...result.rows.map(logLine), `${result.total} matching`].join('\n'))
        return
      }
      const write = io.json()
        ? (row: Log) => process.stdout.write(`${JSON.stringify(row)}\n`)
        : (row: Log) => process.stdout.write(`${logLine(row)}\n`)
      // Oldest first, so the stream reads downwards like `tail -f`.
      for (const row of [...result.rows].reverse()) write(row)
      const start = result.rows[0]?.id ?? (await newestEventId(client))
      if (!io.json()) process.stderr.write('following new events (Ctrl-C to stop)\n')
      await follow(client, query, start, write)
    })
}
