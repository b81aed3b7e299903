import { type FakeFilesystem, type FileStat, normalize } from './filesystem.ts'

/** Most bytes of text one session may write into its files (echo >>, crontab); the rest is dropped. */
export const MAX_SESSION_WRITE_BYTES = 64 * 1024
/** Most files one session may create. */
const MAX_SESSION_FILES = 64

type Written = { content?: string; size: number; mode: string; owner: string; mtimeMs: number }

/**
 * What the intruder wrote in this session (`echo … >> /etc/crontab`, a downloaded sample), layered
 * over the persona's read-only tree: it shows in `ls` and `cat` for the rest of the session and is
 * gone when the session ends. Bounded: a session cannot grow the decoy's memory.
 */
export type SessionFilesystem = FakeFilesystem & {
  /** Writes (or appends) text; false when the parent directory is missing or the budget is spent. */
  writeText(path: string, text: string, append: boolean, owner: string, nowMs: number): boolean
  /** Records a file whose bytes are not kept (a download): only its size shows. */
  writeOpaque(path: string, size: number, owner: string, nowMs: number): boolean
  chmod(path: string, executable: boolean): boolean
}

export function withSessionFiles(base: FakeFilesystem): SessionFilesystem {
  const written = new Map<string, Written>()
  let budget = MAX_SESSION_WRITE_BYTES
  const parentExists = (path: string) => base.list(path.slice(0, path.lastIndexOf('/')) || '/') !== undefined
  const writable = (path: string) =>
    parentExists(path) &&
    base.list(path) === undefined &&
    (written.has(path) || written.size < MAX_SESSION_FILES)

  return {
    list: (path) => {
      const names = base.list(path)
      if (!names) return undefined
      const prefix = normalize(path) === '/' ? '/' : `${normalize(path)}/`
      const added = [...written.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
      return [...new Set([...names, ...added])].sort((a, b) =>
        a.replace(/^\./, '').localeCompare(b.replace(/^\./, '')),
      )
    },
    read: (path, nowMs) => {
      const own = written.get(normalize(path))
      if (own) return own.content ?? ''
      return base.read(path, nowMs)
    },
    stat: (path, nowMs): FileStat | undefined => {
      const own = written.get(normalize(path))
      if (!own) return base.stat(path, nowMs)
      return {
        dir: false,
        mode: own.mode,
        links: 1,
        owner: own.owner,
        group: own.owner,
        size: own.size,
        mtimeMs: own.mtimeMs,
      }
    },
    writeText: (path, text, append, owner, nowMs) => {
      const target = normalize(path)
      if (!writable(target)) return false
      const kept = text.slice(0, budget)
      budget -= kept.length
      const before = written.get(target)
      const previous = before ? (before.content ?? '') : append ? (base.read(target, nowMs) ?? '') : ''
      const content = append ? previous + kept : kept
      written.set(target, {
        content,
        size: Buffer.byteLength(content),
        mode: before?.mode ?? base.stat(target, nowMs)?.mode ?? '-rw-r--r--',
        owner: before?.owner ?? base.stat(target, nowMs)?.owner ?? owner,
        mtimeMs: nowMs,
      })
      return true
    },
    writeOpaque: (path, size, owner, nowMs) => {
      const target = normalize(path)
      if (!writable(target)) return false
      written.set(target, { size, mode: '-rw-r--r--', owner, mtimeMs: nowMs })
      return true
    },
    chmod: (path, executable) => {
      const own = written.get(normalize(path))
      if (!own) return false
      own.mode = executable ? own.mode.replace(/^-rw-r--r--$/, '-rwxr-xr-x') : own.mode
      return true
    },
  }
}
