import type { Fields } from '../../framework/tcp.ts'
import type { SessionFilesystem } from './overlay.ts'
import type { CommandIo } from './transfer-commands.ts'

/**
 * `crontab` as persistence scripts use it (`crontab -l`, `(crontab -l; echo JOB) | crontab -`,
 * `crontab FILE`, `crontab -r`): the table lives for the session, and every installed table is
 * recorded as a `cron_job` event (the job lines, capped) so the persistence attempt is explicit.
 */
export type CronContext = {
  busybox: boolean
  user: string
  fs: SessionFilesystem
  resolve(path: string): string
  now(): number
  emit(event: string, fields: Fields): void
}

const MAX_CRONTAB_CHARS = 8192

export type Crontab = { run(args: string[], io: CommandIo): string }

export function crontabCommand(context: CronContext): Crontab {
  let table: string | undefined
  const missing = () =>
    context.busybox
      ? `crontab: can't open '${context.user}': No such file or directory\n`
      : `no crontab for ${context.user}\n`
  const install = (text: string, source: string) => {
    const kept = text.slice(0, MAX_CRONTAB_CHARS)
    table = kept.endsWith('\n') || kept === '' ? kept : `${kept}\n`
    const jobs = table.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    context.emit('cron_job', {
      username: context.user,
      via: 'crontab',
      source,
      jobs: jobs.join('\n'),
      ...(text.length > kept.length ? { truncated: true } : {}),
    })
  }
  return {
    run: (args, io) => {
      const flags = args.filter((a) => a.startsWith('-') && a !== '-')
      const file = args.find((a) => !a.startsWith('-') || a === '-')
      if (flags.includes('-l')) {
        if (table === undefined) {
          io.err(missing())
          io.status?.(1)
        }
        return table ?? ''
      }
      if (flags.includes('-r')) {
        if (table === undefined) io.err(missing())
        table = undefined
        return ''
      }
      if (flags.includes('-e')) {
        io.err(`no crontab for ${context.user} - using an empty one\ncrontab: no changes made to crontab\n`)
        return ''
      }
      if (file === undefined || file === '-') {
        install(io.stdin, 'stdin')
        return ''
      }
      const content = context.fs.read(context.resolve(file), context.now())
      if (content === undefined) {
        io.err(`${file}: No such file or directory\n`)
        return ''
      }
      install(content, file)
      return ''
    },
  }
}

/** Files whose edits are cron persistence (`echo JOB >> /etc/crontab`): writes there are recorded. */
export function isCronPath(path: string): boolean {
  return /^\/etc\/crontab$|^\/etc\/cron\.(d|hourly|daily|weekly|monthly)\/|^\/var\/spool\/cron\//.test(path)
}
