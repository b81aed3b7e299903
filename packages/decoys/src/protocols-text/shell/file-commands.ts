import type { SessionFilesystem } from './overlay.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * The commands that change the file tree (chmod, mkdir, rm, mv, cp, touch): they act on the
 * attacker's overlay (overlay.ts), with coreutils' (or busybox's) messages and exit statuses, and
 * the permissions of the logged-in user.
 */
export type FileCommandContext = {
  fs: SessionFilesystem
  resolve(path: string): string
  mayWrite(path: string): boolean
  user: string
  uid: number
  now(): number
  busybox: boolean
}

/** Applies `chmod MODE` (octal, or symbolic like `+x`, `u+rwx,go-w`) to an `ls -l` mode string. */
export function applyMode(current: string, spec: string): string | undefined {
  const type = current[0] ?? '-'
  if (/^[0-7]{1,4}$/.test(spec)) {
    const digits = spec.padStart(4, '0').slice(1)
    return (
      type +
      [...digits]
        .map((d) => {
          const n = Number(d)
          return `${n & 4 ? 'r' : '-'}${n & 2 ? 'w' : '-'}${n & 1 ? 'x' : '-'}`
        })
        .join('')
    )
  }
  const bits = [...current.slice(1, 10).padEnd(9, '-')]
  for (const clause of spec.split(',')) {
    const match = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause)
    if (!match) return undefined
    const who = match[1] || 'a'
    const op = match[2] as string
    const perms = match[3] ?? ''
    const classes = [...new Set([...who.replace('a', 'ugo')])]
    for (const cls of classes) {
      const offset = { u: 0, g: 3, o: 6 }[cls as 'u' | 'g' | 'o']
      ;['r', 'w', 'x'].forEach((perm, i) => {
        const wanted =
          perms.includes(perm) ||
          (perm === 'x' &&
            perms.includes('X') &&
            (type === 'd' || bits.some((b, j) => j % 3 === 2 && b === 'x')))
        const at = offset + i
        if (op === '=') bits[at] = wanted ? perm : '-'
        else if (wanted) bits[at] = op === '+' ? perm : '-'
      })
    }
  }
  return type + bits.join('')
}

export function fileCommands(context: FileCommandContext): Record<string, ShellCommand> {
  const { fs } = context
  const stat = (path: string) => fs.stat(context.resolve(path), context.now())
  const operands = (args: string[]) => args.filter((a) => !a.startsWith('-') || a === '-')
  const flags = (args: string[]) => args.filter((a) => a.startsWith('-') && a !== '-').join('')
  const denied = (path: string) => !context.mayWrite(context.resolve(path))
  const missingOperand = (tool: string, io: { err(t: string): void; status(c: number): void }) => {
    io.err(
      context.busybox
        ? `BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: ${tool} ...\n`
        : `${tool}: missing operand\nTry '${tool} --help' for more information.\n`,
    )
    io.status(1)
    return ''
  }
  const report = (io: { err(t: string): void; status(c: number): void }, text: string) => {
    io.err(text)
    io.status(1)
  }
  /** `chmod -R`: every entry below `dir` the user owns (root: all), bounded like the overlay itself. */
  const chmodTree = (dir: string, mode: string) => {
    for (const entry of (fs.list(dir) ?? []).slice(0, 1_000)) {
      const path = `${dir === '/' ? '' : dir}/${entry.replace(/\/$/, '')}`
      const info = fs.stat(path, context.now())
      if (!info || info.link || (context.uid !== 0 && info.owner !== context.user)) continue
      const next = applyMode(info.mode, mode)
      if (next) fs.setMode(path, next, context.now())
      if (info.dir && path.split('/').length < 32) chmodTree(path, mode)
    }
  }
  return {
    chmod: (args, io) => {
      const recursive = args.some((a) => /^-[Rvfc]*R[Rvfc]*$/.test(a))
      const [mode, ...paths] = args.filter((a) => !/^-[Rvfc]+$/.test(a))
      if (mode === undefined || paths.length === 0) return missingOperand('chmod', io)
      for (const path of paths) {
        const info = stat(path)
        if (!info) {
          report(io, `chmod: cannot access '${path}': No such file or directory\n`)
          continue
        }
        const next = applyMode(info.mode, mode)
        if (next === undefined) {
          report(io, `chmod: invalid mode: ‘${mode}’\nTry 'chmod --help' for more information.\n`)
          return ''
        }
        if (context.uid !== 0 && info.owner !== context.user) {
          report(io, `chmod: changing permissions of '${path}': Operation not permitted\n`)
          continue
        }
        if (info.link) continue
        fs.setMode(context.resolve(path), next, context.now())
        if (recursive && info.dir) chmodTree(context.resolve(path), mode)
      }
      return ''
    },
    mkdir: (args, io) => {
      const parents = /p/.test(flags(args))
      const paths = operands(args).filter((_, i, all) => all[i - 1] !== '-m')
      if (paths.length === 0) return missingOperand('mkdir', io)
      for (const path of paths) {
        const target = context.resolve(path)
        const chain = parents
          ? target
              .split('/')
              .filter(Boolean)
              .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)
          : [target]
        for (const dir of chain) {
          const info = fs.stat(dir, context.now())
          if (info?.dir && parents) continue
          if (denied(dir) && !info) {
            report(io, `mkdir: cannot create directory ‘${path}’: Permission denied\n`)
            break
          }
          const error = fs.mkdir(dir, context.user, context.now())
          if (error) {
            report(io, `mkdir: cannot create directory ‘${path}’: ${error}\n`)
            break
          }
        }
      }
      return ''
    },
    rm: (args, io) => {
      const f = flags(args)
      const recursive = /[rR]/.test(f)
      const force = f.includes('f')
      const paths = operands(args)
      if (paths.length === 0) return force ? '' : missingOperand('rm', io)
      for (const path of paths) {
        const info = stat(path)
        if (!info) {
          if (!force) report(io, `rm: cannot remove '${path}': No such file or directory\n`)
          continue
        }
        if (info.dir && !recursive) {
          report(io, `rm: cannot remove '${path}': Is a directory\n`)
          continue
        }
        const target = context.resolve(path)
        if (target === '/') {
          report(
            io,
            "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n",
          )
          continue
        }
        if (denied(target)) {
          report(io, `rm: cannot remove '${path}': Permission denied\n`)
          continue
        }
        const error = fs.remove(target, recursive)
        if (error) report(io, `rm: cannot remove '${path}': ${error}\n`)
      }
      return ''
    },
    rmdir: (args, io) => {
      for (const path of operands(args)) {
        const info = stat(path)
        const problem = !info
          ? 'No such file or directory'
          : !info.dir
            ? 'Not a directory'
            : (fs.list(context.resolve(path)) ?? []).length > 0
              ? 'Directory not empty'
              : denied(path)
                ? 'Permission denied'
                : undefined
        if (problem) report(io, `rmdir: failed to remove '${path}': ${problem}\n`)
        else fs.remove(context.resolve(path), true)
      }
      return ''
    },
    mv: (args, io) => transfer('mv', args, io, false),
    cp: (args, io) => transfer('cp', args, io, true),
    touch: (args, io) => {
      const paths = operands(args)
      if (paths.length === 0) return missingOperand('touch', io)
      for (const path of paths) {
        const target = context.resolve(path)
        if (denied(target)) {
          if (stat(path)) continue
          report(io, `touch: cannot touch '${path}': Permission denied\n`)
          continue
        }
        const error = fs.touch(target, context.user, context.now())
        if (error) report(io, `touch: cannot touch '${path}': ${error}\n`)
      }
      return ''
    },
  }

  function transfer(
    tool: 'mv' | 'cp',
    args: string[],
    io: { err(t: string): void; status(c: number): void },
    keep: boolean,
  ): string {
    const paths = operands(args)
    if (paths.length < 2) {
      if (paths.length === 1) {
        report(
          io,
          `${tool}: missing destination file operand after '${paths[0]}'\nTry '${tool} --help' for more information.\n`,
        )
        return ''
      }
      return missingOperand(tool, io)
    }
    const destination = paths.pop() as string
    if (paths.length > 1 && !stat(destination)?.dir) {
      report(io, `${tool}: target '${destination}' is not a directory\n`)
      return ''
    }
    const recursive = /[rRa]/.test(flags(args))
    for (const source of paths) {
      const info = stat(source)
      if (!info) {
        report(io, `${tool}: cannot stat '${source}': No such file or directory\n`)
        continue
      }
      if (keep && info.dir && !recursive) {
        report(io, `cp: -r not specified; omitting directory '${source}'\n`)
        continue
      }
      if (!keep && info.owner !== context.user && context.uid !== 0 && denied(source)) {
        report(io, `mv: cannot move '${source}' to '${destination}': Permission denied\n`)
        continue
      }
      if (
        denied(destination) &&
        !(stat(destination)?.dir && context.mayWrite(`${context.resolve(destination)}/x`))
      ) {
        report(io, `${tool}: cannot create regular file '${destination}': Permission denied\n`)
        continue
      }
      const error = fs.move(
        context.resolve(source),
        context.resolve(destination),
        context.user,
        context.now(),
        keep,
      )
      if (error)
        report(io, `${tool}: cannot ${keep ? 'create regular file' : 'move'} '${destination}': ${error}\n`)
    }
    return ''
  }
}
