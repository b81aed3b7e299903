import type { SeededRandom } from '../framework/random.ts'
import { zonedTime } from './wire-time.ts'
import { MONTH_NAMES, WEEKDAY_NAMES } from './zone-clock.ts'

type Login = { atMs: number; from: string }

const SEEDED_WINDOW_MS = 3 * 86_400_000

/** Users whose last login is remembered per service (an intruder cycling names must not grow it). */
const MAX_USERS = 256

/**
 * The `Last login:` line of a decky, like lastlog: a user's first login shows an older session
 * fixed per decky and user (not "two days before now", which slides with the clock), and every
 * later login shows the previous one, with its time and address.
 */
export class LastLogins {
  private readonly logins = new Map<string, Login>()

  constructor(
    private readonly random: SeededRandom,
    private readonly timezone: string,
    private readonly bootMs: number,
  ) {}

  /** The line for `user` logging in now from `from`; records this login for the next one. */
  lineFor(user: string, from: string, kind: 'sshd' | 'login', nowMs = Date.now()): string {
    const previous = this.logins.get(user) ?? this.seeded(user, nowMs)
    if (!this.logins.has(user) && this.logins.size >= MAX_USERS) this.logins.clear()
    this.logins.set(user, { atMs: nowMs, from })
    const t = zonedTime(previous.atMs, this.timezone)
    const pad = (n: number) => String(n).padStart(2, '0')
    const clock = `${WEEKDAY_NAMES[t.weekday]} ${MONTH_NAMES[t.month]} ${String(t.day).padStart(2, ' ')} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`
    // sshd prints strftime("%a %b %e %H:%M:%S %Y"); util-linux login drops the year and names the tty.
    return kind === 'sshd'
      ? `Last login: ${clock} ${t.year} from ${previous.from}`
      : `Last login: ${clock} ${previous.from === 'pts/0' ? 'on pts/0' : `from ${previous.from}`}`
  }

  private seeded(user: string, nowMs: number): Login {
    // Anchored to a three-day window, so the line holds still between connections yet an
    // administrator seems to come back now and then; never before the boot.
    const window = Math.floor(nowMs / SEEDED_WINDOW_MS)
    const random = this.random.fork(`last-login/${user}/${window}`)
    const atMs = Math.max(
      this.bootMs + 300_000,
      window * SEEDED_WINDOW_MS - random.int(3_600_000, SEEDED_WINDOW_MS),
    )
    return {
      atMs: Math.min(atMs, nowMs - 60_000),
      from: `10.${random.int(0, 40)}.${random.int(0, 254)}.${random.int(2, 254)}`,
    }
  }
}
