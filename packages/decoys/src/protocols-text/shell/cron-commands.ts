import type { Fields } from '../../framework/tcp.ts'
import type { SessionFilesystem } from './overlay.ts'
import type { CommandIo } from './transfer-commands.ts'

/**
 * `crontab` as persistence scripts use it (`crontab -l`, `(crontab -l; echo JOB) | crontab -`,
 * `crontab FILE`, `crontab -r`): the table is the user's spool file in the attacker's overlay (so the
 * next session's `crontab -l` lists it), and every installed table is recorded as a `cron_job` event
 * (the job lines, capped) so the persistence attempt is explicit.
 */
export type CronContext = {
  busybox: boolean
  /** RHEL-family spool layout (`/var/spool/cron/USER`) rather than Debian's (`…/crontabs/USER`). */
  rhel: boolean
  user: string
  fs: SessionFilesystem
  resolve(path: string): string
  now(): number
  emit(event: string, fields: Fields): void
}

const MAX_CRONTAB_CHARS = 8192

export type Crontab = { run(args: string[], io: CommandIo): string }

export function crontabCommand(context: CronContext): Crontab {
  const spool = context.busybox
    ? `/etc/crontabs/${context.user}`
    : context.rhel
      ? `/var/spool/cron/${context.user}`
      : `/var/spool/cron/crontabs/${context.user}`
  const current = (): string | undefined => context.fs.read(spool, context.now())
  const store = (text: string | undefined) => {
    if (text === undefined) context.fs.remove(spool, false)
    else {
      // The spool directories exist on the real host; made here on first use.
      const parts = spool.split('/').slice(1, -1)
      parts.forEach((_, i) => {
        const directory = `/${parts.slice(0, i + 1).join('/')}`
        if (!context.fs.stat(directory, context.now())) context.fs.mkdir(directory, 'root', context.now())
      })
      context.fs.writeText(spool, text, false, context.user, context.now())
    }
  }
  const missing = () =>
    context.busybox
      ? `crontab: can't open '${context.user}': No such file or directory\n`
      : `no crontab for ${context.user}\n`
  const install = (text: string, source: string) => {
    const kept = text.slice(0, MAX_CRONTAB_CHARS)
    const table = kept.endsWith('\n') || kept === '' ? kept : `${kept}\n`
    store(table)
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
      const table = current()
      if (flags.includes('-l')) {
        if (table === undefined) {
          io.err(missing())
          io.status?.(1)
        }
        return table ?? ''
      }
      if (flags.includes('-r')) {
        if (table === undefined) io.err(missing())
        store(undefined)
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
