import { type FakeFilesystem, type FileStat, normalize } from './filesystem.ts'

/**
 * What intruders change in a decky's file tree, layered over the persona's read-only tree: written
 * files, modes, new directories, removals and renames show in `ls`/`cat` for the rest of the session
 * and in the next session of the same attacker on that decky (an in-process store keyed by decky and
 * source address). Bounded per attacker (bytes, entries) and in total (oldest attacker evicted).
 */

/** Most bytes of file content one attacker's overlay keeps on one decky; writes past it are cut. */
export const MAX_OVERLAY_BYTES = 256 * 1024
/** Most entries (files, directories, removals) one attacker's overlay holds. */
export const MAX_OVERLAY_ENTRIES = 256
/** Most content bytes the whole store keeps; past it the least recently used overlays go. */
export const MAX_STORE_BYTES = 16 * 1024 * 1024
/** Most attacker overlays the store keeps. */
export const MAX_STORE_OVERLAYS = 512

type FileNode = {
  kind: 'file'
  /** Undefined for bytes not kept (a download): only the size shows. */
  content?: string
  size: number
  mode: string
  owner: string
  group: string
  mtimeMs: number
}
/** `opaque`: made after the base directory was removed, so the base's children stay hidden. */
type DirNode = { kind: 'dir'; mode: string; owner: string; group: string; mtimeMs: number; opaque: boolean }
type Node = FileNode | DirNode | { kind: 'deleted' }

/** Why a change was refused, in the words of coreutils' error messages. */
export type OverlayError =
  | 'No such file or directory'
  | 'Not a directory'
  | 'Is a directory'
  | 'File exists'
  | 'Directory not empty'
  | 'No space left on device'

/** The changes of one attacker on one decky. */
export class AttackerOverlay {
  readonly nodes = new Map<string, Node>()
  bytes = 0
  usedAt = 0
}

export type SessionFilesystem = FakeFilesystem & {
  /** Writes (or appends) text; false when the parent directory is missing or the budget is spent. */
  writeText(path: string, text: string, append: boolean, owner: string, nowMs: number): boolean
  /** Records a file whose bytes are not kept (a download): only its size shows. */
  writeOpaque(path: string, size: number, owner: string, nowMs: number): boolean
  /** Sets the `ls -l` mode string (`-rwxr-xr-x`); false when the path does not exist. */
  setMode(path: string, mode: string, nowMs: number): boolean
  mkdir(path: string, owner: string, nowMs: number): OverlayError | undefined
  remove(path: string, recursive: boolean): OverlayError | undefined
  /** Moves (or with `keep`, copies) a file or directory tree. */
  move(from: string, to: string, owner: string, nowMs: number, keep?: boolean): OverlayError | undefined
  /** `touch`: creates an empty file or updates the date. */
  touch(path: string, owner: string, nowMs: number): OverlayError | undefined
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/'
const sortNames = (names: Iterable<string>) =>
  [...new Set(names)].sort((a, b) => a.replace(/^\./, '').localeCompare(b.replace(/^\./, '')))

export function overlayFilesystem(base: FakeFilesystem, overlay: AttackerOverlay): SessionFilesystem {
  const { nodes } = overlay
  /** Whether the base tree still shows through at `path` (no removed or replaced ancestor). */
  const baseVisible = (path: string): boolean => {
    for (let at = parentOf(path); ; at = parentOf(at)) {
      const node = nodes.get(at)
      if (node?.kind === 'deleted' || node?.kind === 'file' || (node?.kind === 'dir' && node.opaque))
        return false
      if (at === '/') return true
    }
  }
  const stat = (raw: string, nowMs: number): FileStat | undefined => {
    const path = normalize(raw)
    const node = nodes.get(path)
    if (node?.kind === 'deleted') return undefined
    if (node?.kind === 'file')
      return {
        dir: false,
        mode: node.mode,
        links: 1,
        owner: node.owner,
        group: node.group,
        size: node.size,
        mtimeMs: node.mtimeMs,
      }
    if (node?.kind === 'dir') {
      const children = list(path) ?? []
      return {
        dir: true,
        mode: node.mode,
        links: 2 + children.filter((c) => c.endsWith('/')).length,
        owner: node.owner,
        group: node.group,
        size: 4096,
        mtimeMs: node.mtimeMs,
      }
    }
    return baseVisible(path) ? base.stat(path, nowMs) : undefined
  }
  const list = (raw: string): string[] | undefined => {
    const path = normalize(raw)
    const node = nodes.get(path)
    if (node && node.kind !== 'dir') return undefined
    const fromBase = node?.opaque || !baseVisible(path) ? undefined : base.list(path)
    if (!node && !fromBase) return undefined
    const names = new Set(fromBase ?? [])
    const prefix = path === '/' ? '/' : `${path}/`
    for (const [child, entry] of nodes) {
      if (!child.startsWith(prefix) || child.length === prefix.length) continue
      const name = child.slice(prefix.length)
      if (name.includes('/')) continue
      names.delete(name)
      names.delete(`${name}/`)
      if (entry.kind === 'file') names.add(name)
      else if (entry.kind === 'dir') names.add(`${name}/`)
    }
    return sortNames(names)
  }
  const read = (raw: string, nowMs: number): string | undefined => {
    const path = normalize(raw)
    const node = nodes.get(path)
    if (node?.kind === 'file') return node.content ?? ''
    if (node) return undefined
    return baseVisible(path) ? base.read(path, nowMs) : undefined
  }
  const room = () => MAX_OVERLAY_ENTRIES - nodes.size
  const put = (path: string, node: Node) => {
    const before = nodes.get(path)
    if (before?.kind === 'file') overlay.bytes -= before.content?.length ?? 0
    if (node.kind === 'file') overlay.bytes += node.content?.length ?? 0
    nodes.set(path, node)
  }
  /** Removes `path` and everything under it from the overlay; marks it removed if the base has it. */
  const drop = (path: string) => {
    const prefix = `${path}/`
    for (const key of [...nodes.keys()])
      if (key === path || key.startsWith(prefix)) {
        const node = nodes.get(key)
        if (node?.kind === 'file') overlay.bytes -= node.content?.length ?? 0
        nodes.delete(key)
      }
    if (baseVisible(path) && base.stat(path, 0)) nodes.set(path, { kind: 'deleted' })
  }
  const parentIsDir = (path: string, nowMs: number) => stat(parentOf(path), nowMs)?.dir === true
  const writeFile = (
    path: string,
    content: string | undefined,
    size: number,
    owner: string,
    nowMs: number,
    mode?: string,
  ) => {
    if (!parentIsDir(path, nowMs)) return false
    const existing = stat(path, nowMs)
    if (existing?.dir) return false
    if (!nodes.has(path) && room() <= 0) return false
    const before = nodes.get(path)
    const kept = before?.kind === 'file' ? (before.content?.length ?? 0) : 0
    const budget = MAX_OVERLAY_BYTES - overlay.bytes + kept
    const text = content?.slice(0, Math.max(0, budget))
    put(path, {
      kind: 'file',
      ...(text !== undefined ? { content: text } : {}),
      size: text !== undefined ? Buffer.byteLength(text) : size,
      mode: mode ?? existing?.mode ?? '-rw-r--r--',
      owner: existing?.owner ?? owner,
      group: existing?.group ?? owner,
      mtimeMs: nowMs,
    })
    return true
  }
  /** The files and directories of a tree (a base directory copied up by mv/cp), bounded by room. */
  const subtree = (path: string, nowMs: number): [string, FileStat][] | undefined => {
    const found: [string, FileStat][] = []
    const walk = (at: string): boolean => {
      const info = stat(at, nowMs)
      if (!info) return true
      found.push([at, info])
      if (found.length > room()) return false
      if (!info.dir) return true
      for (const name of list(at) ?? [])
        if (!walk(`${at === '/' ? '' : at}/${name.replace(/\/$/, '')}`)) return false
      return true
    }
    return walk(path) ? found : undefined
  }

  return {
    list,
    read,
    stat,
    writeText: (raw, text, append, owner, nowMs) => {
      const path = normalize(raw)
      const previous = append ? (read(path, nowMs) ?? '') : ''
      return writeFile(path, previous + text, 0, owner, nowMs)
    },
    writeOpaque: (raw, size, owner, nowMs) => writeFile(normalize(raw), undefined, size, owner, nowMs),
    setMode: (raw, mode, nowMs) => {
      const path = normalize(raw)
      const info = stat(path, nowMs)
      if (!info) return false
      const node = nodes.get(path)
      if (node?.kind === 'file' || node?.kind === 'dir') {
        node.mode = mode
        return true
      }
      if (room() <= 0) return false
      if (info.dir)
        put(path, {
          kind: 'dir',
          mode,
          owner: info.owner,
          group: info.group,
          mtimeMs: info.mtimeMs,
          opaque: false,
        })
      else {
        const content = base.read(path, nowMs)
        put(path, {
          kind: 'file',
          ...(content !== undefined && content.length === info.size ? { content } : {}),
          size: info.size,
          mode,
          owner: info.owner,
          group: info.group,
          mtimeMs: info.mtimeMs,
        })
      }
      return true
    },
    mkdir: (raw, owner, nowMs) => {
      const path = normalize(raw)
      if (stat(path, nowMs)) return 'File exists'
      const parent = stat(parentOf(path), nowMs)
      if (!parent) return 'No such file or directory'
      if (!parent.dir) return 'Not a directory'
      if (room() <= 0) return 'No space left on device'
      const replacing = nodes.get(path)?.kind === 'deleted'
      put(path, { kind: 'dir', mode: 'drwxr-xr-x', owner, group: owner, mtimeMs: nowMs, opaque: replacing })
      return undefined
    },
    remove: (raw, recursive) => {
      const path = normalize(raw)
      const info = stat(path, Date.now())
      if (!info) return 'No such file or directory'
      if (info.dir && !recursive) return 'Is a directory'
      if (info.dir && (list(path) ?? []).length > 0 && !recursive) return 'Directory not empty'
      drop(path)
      return undefined
    },
    move: (rawFrom, rawTo, owner, nowMs, keep = false) => {
      const from = normalize(rawFrom)
      let to = normalize(rawTo)
      const source = stat(from, nowMs)
      if (!source) return 'No such file or directory'
      if (stat(to, nowMs)?.dir) to = `${to === '/' ? '' : to}/${from.split('/').pop()}`
      if (to === from || to.startsWith(`${from}/`)) return undefined
      if (!parentIsDir(to, nowMs)) return 'No such file or directory'
      const tree = subtree(from, nowMs)
      if (!tree) return 'No space left on device'
      const contents = tree.map(([at, info]) => [at, info, info.dir ? undefined : read(at, nowMs)] as const)
      if (!keep) drop(from)
      for (const [at, info, content] of contents) {
        const target = to + at.slice(from.length)
        const mtimeMs = keep ? nowMs : info.mtimeMs
        const who = keep ? owner : info.owner
        if (info.dir) {
          const replacing = nodes.get(target)?.kind === 'deleted'
          put(target, {
            kind: 'dir',
            mode: info.mode,
            owner: who,
            group: keep ? owner : info.group,
            mtimeMs,
            opaque: replacing,
          })
        } else {
          const text = content !== undefined && Buffer.byteLength(content) === info.size ? content : undefined
          if (!writeFile(target, text, info.size, who, mtimeMs, info.mode)) return 'No space left on device'
        }
      }
      return undefined
    },
    touch: (raw, owner, nowMs) => {
      const path = normalize(raw)
      const node = nodes.get(path)
      if (node?.kind === 'file' || node?.kind === 'dir') {
        node.mtimeMs = nowMs
        return undefined
      }
      const info = stat(path, nowMs)
      if (info) return undefined
      return writeFile(path, '', 0, owner, nowMs)
        ? undefined
        : parentIsDir(path, nowMs)
          ? 'No space left on device'
          : 'No such file or directory'
    },
  }
}

/**
 * Every attacker's overlay per decky, in this process. Least recently used first out when the store
 * holds too many overlays or too many bytes; a live session keeps its own overlay either way.
 */
export class OverlayStore {
  private readonly overlays = new Map<string, AttackerOverlay>()

  constructor(
    private readonly maxBytes = MAX_STORE_BYTES,
    private readonly maxOverlays = MAX_STORE_OVERLAYS,
  ) {}

  /** The overlay of `attacker` (source address) on `decky`, created empty on first use. */
  overlayFor(decky: string, attacker: string, nowMs = Date.now()): AttackerOverlay {
    const key = `${decky}\u0000${attacker}`
    let overlay = this.overlays.get(key)
    if (overlay) this.overlays.delete(key)
    else overlay = new AttackerOverlay()
    overlay.usedAt = nowMs
    // Map order is insertion order: re-inserting keeps the most recently used last.
    this.overlays.set(key, overlay)
    this.evict(overlay)
    return overlay
  }

  get size(): number {
    return this.overlays.size
  }

  totalBytes(): number {
    let total = 0
    for (const overlay of this.overlays.values()) total += overlay.bytes
    return total
  }

  private evict(keep: AttackerOverlay): void {
    let total = this.totalBytes()
    for (const [key, overlay] of this.overlays) {
      if (this.overlays.size <= this.maxOverlays && total <= this.maxBytes) return
      if (overlay === keep) continue
      this.overlays.delete(key)
      total -= overlay.bytes
    }
  }
}

/** The store the decoy's shells share (one per process, as each decky runs its own services). */
export const attackerOverlays = new OverlayStore()
