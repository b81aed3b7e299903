import { createHash } from 'node:crypto'
import { type CommandContext, type CommandIo, fail, parseFlags } from './command-context.ts'
import { lsDate } from './local-time.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * Commands that describe or relabel files without changing their bytes: basename, dirname, md5sum/
 * sha1sum/sha256sum (over what the session can read; opaque files hash their placeholder), stat,
 * file, readlink, whereis, chown/chgrp, ln, chattr/lsattr (the immutable bit miners set on their
 * cron and key files), find (over the session's tree, bounded) and yes (bounded).
 */
export function fileInfoCommands(context: CommandContext): Record<string, ShellCommand> {
  const at = () => context.now()
  const statOf = (path: string) => context.fs.stat(context.resolve(path), at())
  const attributes = new Map<string, string>()
  const digest =
    (tool: string, algorithm: string): ShellCommand =>
    (args, io) => {
      const { operands } = parseFlags(args)
      const out: string[] = []
      for (const path of operands.length ? operands : ['-']) {
        if (path === '-') {
          out.push(`${createHash(algorithm).update(io.stdin).digest('hex')}  -`)
          continue
        }
        const info = statOf(path)
        if (!info) {
          io.err(`${tool}: ${path}: No such file or directory\n`)
          io.status(1)
          continue
        }
        if (info.dir) {
          io.err(`${tool}: ${path}: Is a directory\n`)
          io.status(1)
          continue
        }
        const text = context.fs.read(context.resolve(path), at()) ?? `${path}:${info.size}`
        out.push(`${createHash(algorithm).update(text).digest('hex')}  ${path}`)
      }
      return out.length ? `${out.join('\n')}\n` : ''
    }
  const chown =
    (tool: 'chown' | 'chgrp'): ShellCommand =>
    (args, io) => {
      const { operands } = parseFlags(args)
      const [owner, ...paths] = operands
      if (!owner || paths.length === 0)
        return fail(io, `${tool}: missing operand\nTry '${tool} --help' for more information.\n`)
      for (const path of paths) {
        if (!statOf(path)) {
          io.err(`${tool}: cannot access '${path}': No such file or directory\n`)
          io.status(1)
        } else if (context.uid !== 0) {
          io.err(
            `${tool}: changing ${tool === 'chown' ? 'ownership' : 'group'} of '${path}': Operation not permitted\n`,
          )
          io.status(1)
        }
      }
      return ''
    }
  return {
    basename: (args, io) => {
      const [path, suffix] = args.filter((a) => !a.startsWith('-'))
      if (path === undefined)
        return fail(io, "basename: missing operand\nTry 'basename --help' for more information.\n")
      const base = path.replace(/\/+$/, '').split('/').pop() || '/'
      return `${suffix && base.endsWith(suffix) && base !== suffix ? base.slice(0, -suffix.length) : base}\n`
    },
    dirname: (args, io) => {
      if (args.length === 0)
        return fail(io, "dirname: missing operand\nTry 'dirname --help' for more information.\n")
      return `${args
        .map((path) => {
          const trimmed = path.replace(/\/+$/, '')
          const index = trimmed.lastIndexOf('/')
          return index < 0 ? '.' : index === 0 ? '/' : trimmed.slice(0, index)
        })
        .join('\n')}\n`
    },
    md5sum: digest('md5sum', 'md5'),
    sha1sum: digest('sha1sum', 'sha1'),
    sha256sum: digest('sha256sum', 'sha256'),
    readlink: (args, io) => {
      const { flags, operands } = parseFlags(args)
      const path = operands[0] ?? ''
      const info = statOf(path)
      if (flags.has('f') || flags.has('e'))
        return info || flags.has('f') ? `${context.resolve(path)}\n` : fail(io, '')
      return info?.link ? `${info.link}\n` : fail(io, '')
    },
    stat: (args, io) => {
      const out: string[] = []
      for (const path of parseFlags(args).operands) {
        const info = statOf(path)
        if (!info) {
          io.err(`stat: cannot statx '${path}': No such file or directory\n`)
          io.status(1)
          continue
        }
        const when = lsDate(info.mtimeMs, at(), context.host.persona.timezone)
        out.push(
          `  File: ${path}${info.link ? ` -> ${info.link}` : ''}\n  Size: ${info.size}\t\tBlocks: ${Math.ceil(info.size / 512)}\tIO Block: 4096   ${info.dir ? 'directory' : info.link ? 'symbolic link' : 'regular file'}\nAccess: (${octal(info.mode)}/${info.mode})  Uid: (    0/    ${info.owner})   Gid: (    0/    ${info.group})\nModify: ${when}`,
        )
      }
      return out.length ? `${out.join('\n')}\n` : ''
    },
    file: (args, io) => {
      const out: string[] = []
      for (const path of parseFlags(args).operands) {
        const info = statOf(path)
        if (!info) out.push(`${path}: cannot open \`${path}' (No such file or directory)`)
        else if (info.dir) out.push(`${path}: directory`)
        else if (info.link) out.push(`${path}: symbolic link to ${info.link}`)
        else if (/x/.test(info.mode) && context.resolve(path).match(/^\/(usr\/)?s?bin\//))
          out.push(
            `${path}: ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, BuildID[sha1]=${createHash('sha1').update(path).digest('hex')}, for GNU/Linux 3.2.0, stripped`,
          )
        else {
          const text = context.fs.read(context.resolve(path), at())
          out.push(
            `${path}: ${text === undefined ? 'data' : text === '' ? 'empty' : text.startsWith('#!') ? 'POSIX shell script, ASCII text executable' : 'ASCII text'}`,
          )
        }
      }
      if (out.length === 0)
        return fail(io, 'Usage: file [-bcCdEhikLlNnprsSvzZ0] [--apple] [--extension] [--mime-encoding]\n')
      return `${out.join('\n')}\n`
    },
    whereis: (args) =>
      `${args
        .filter((a) => !a.startsWith('-'))
        .map((name) => {
          const dir = context.catalogue.get(name)
          return dir ? `${name}: ${dir}/${name} /usr/share/man/man1/${name}.1.gz` : `${name}:`
        })
        .join('\n')}\n`,
    chown: chown('chown'),
    chgrp: chown('chgrp'),
    ln: (args, io) => {
      const { flags, operands } = parseFlags(args)
      const [target, name] = operands
      if (!target || !name)
        return fail(io, "ln: missing file operand\nTry 'ln --help' for more information.\n")
      const path = context.resolve(name)
      if (!context.mayWrite(path))
        return fail(
          io,
          `ln: failed to create ${flags.has('s') ? 'symbolic ' : 'hard '}link '${name}': Permission denied\n`,
        )
      if (!flags.has('s') && !statOf(target))
        return fail(io, `ln: failed to access '${target}': No such file or directory\n`)
      if (statOf(name) && !flags.has('f'))
        return fail(
          io,
          `ln: failed to create ${flags.has('s') ? 'symbolic ' : 'hard '}link '${name}': File exists\n`,
        )
      context.fs.writeText(path, '', false, context.user, at())
      return ''
    },
    chattr: (args, io) => {
      const spec = args.find((a) => /^[-+=][aiAcdeSsu]+$/.test(a))
      const paths = args.filter((a) => a !== spec && !/^-[RVf]+$/.test(a))
      if (!spec || paths.length === 0)
        return fail(io, 'Usage: chattr [-pRVf] [-+=aAcCdDeijPsStTuFx] [-v version] files...\n')
      for (const path of paths) {
        if (!statOf(path)) {
          io.err(`chattr: No such file or directory while trying to stat ${path}\n`)
          io.status(1)
        } else if (context.uid !== 0) {
          io.err(`chattr: Operation not permitted while setting flags on ${path}\n`)
          io.status(1)
        } else {
          const current = new Set(attributes.get(context.resolve(path)) ?? '')
          const letters = spec.slice(1)
          if (spec[0] === '=') current.clear()
          for (const letter of letters) spec[0] === '-' ? current.delete(letter) : current.add(letter)
          attributes.set(context.resolve(path), [...current].join(''))
        }
      }
      return ''
    },
    lsattr: (args, io) => {
      const paths = args.filter((a) => !a.startsWith('-'))
      const out: string[] = []
      for (const path of paths.length
        ? paths
        : (context.fs.list(context.resolve('.')) ?? []).map((e) => `./${e.replace(/\/$/, '')}`)) {
        if (!statOf(path)) {
          io.err(`lsattr: No such file or directory while trying to stat ${path}\n`)
          io.status(1)
          continue
        }
        const set = attributes.get(context.resolve(path)) ?? ''
        const flags = [...'suSDiadAcEjItTeCxFNPVm']
          .map((f) => (f === 'e' ? 'e' : set.includes(f) ? f : '-'))
          .join('')
        out.push(`${flags} ${path}`)
      }
      return out.length ? `${out.join('\n')}\n` : ''
    },
    dd: (args, io) => {
      // dd if=FILE of=FILE bs=N count=N: copies within the overlay, with dd's transfer report on stderr.
      const operand = (key: string) => args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1)
      const input = operand('if')
      const output = operand('of')
      const block = Math.max(1, Number(operand('bs') ?? 512) || 512)
      const count = operand('count') === undefined ? Number.POSITIVE_INFINITY : Number(operand('count')) || 0
      let text = io.stdin
      if (input !== undefined) {
        const info = statOf(input)
        if (!info) return fail(io, `dd: failed to open '${input}': No such file or directory\n`)
        text = context.fs.read(context.resolve(input), at()) ?? ''
      }
      const copied = text.slice(0, Math.min(text.length, block * count))
      const blocks = Math.floor(copied.length / block)
      const partial = copied.length % block ? 1 : 0
      if (output !== undefined && output !== '/dev/null') {
        const path = context.resolve(output)
        if (!context.mayWrite(path)) return fail(io, `dd: failed to open '${output}': Permission denied\n`)
        context.fs.writeText(path, copied, false, context.user, at())
      }
      const records = `${blocks}+${partial} records in\n${blocks}+${partial} records out\n`
      io.err(
        context.busybox
          ? records
          : `${records}${copied.length} bytes${copied.length >= 1000 ? ` (${(copied.length / 1000).toFixed(1)} kB, ${(copied.length / 1024).toFixed(1)} KiB)` : ''} copied, 0.000${String(100 + (copied.length % 800)).padStart(3, '0')} s, ${(copied.length / 1000).toFixed(1)} MB/s\n`,
      )
      return output === undefined ? copied : ''
    },
    yes: (args) => `${Array.from({ length: 1_000 }, () => args.join(' ') || 'y').join('\n')}\n`,
    find: (args, io) => find(context, args, io),
  }
}

function octal(mode: string): string {
  const bits = mode.slice(1)
  let value = 0
  for (let i = 0; i < 9; i++) if (bits[i] !== '-') value |= 1 << (8 - i)
  return `0${value.toString(8).padStart(3, '0')}`
}

/** `find DIR [-name GLOB] [-type f|d] [-perm …] [-maxdepth N]`: names over the session's tree, bounded. */
function find(context: CommandContext, args: string[], io: CommandIo): string {
  const roots: string[] = []
  let i = 0
  while (i < args.length && !(args[i] as string).startsWith('-') && args[i] !== '!' && args[i] !== '(')
    roots.push(args[i++] as string)
  let name: RegExp | undefined
  let type: string | undefined
  let maxDepth = 64
  for (; i < args.length; i++) {
    const arg = args[i]
    const value = args[i + 1] ?? ''
    if (arg === '-name' || arg === '-iname') {
      name = new RegExp(
        `^${value
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        arg === '-iname' ? 'i' : '',
      )
      i++
    } else if (arg === '-type') {
      type = value
      i++
    } else if (arg === '-maxdepth') {
      maxDepth = Number(value) || 0
      i++
    } else if (
      ['-perm', '-user', '-size', '-mtime', '-newer', '-path', '-exec', '-group'].includes(arg ?? '')
    ) {
      if (arg === '-exec') while (i < args.length && args[i] !== ';' && args[i] !== '+') i++
      else i++
    }
  }
  const out: string[] = []
  const at = context.now()
  let visited = 0
  const walk = (path: string, shown: string, depth: number) => {
    if (++visited > 20_000 || out.length > 5_000) return
    const stat = context.fs.stat(path, at)
    if (!stat) return
    const base = shown.split('/').pop() ?? shown
    const typeOk = !type || (type === 'd' ? stat.dir : type === 'l' ? !!stat.link : !stat.dir && !stat.link)
    if (typeOk && (!name || name.test(base))) out.push(shown)
    if (!stat.dir || stat.link || depth >= maxDepth || path.startsWith('/proc')) return
    for (const entry of context.fs.list(path) ?? []) {
      const child = entry.replace(/\/$/, '')
      walk(`${path === '/' ? '' : path}/${child}`, `${shown === '/' ? '' : shown}/${child}`, depth + 1)
    }
  }
  for (const root of roots.length ? roots : ['.']) {
    const path = context.resolve(root)
    if (!context.fs.stat(path, at)) {
      io.err(`find: '${root}': No such file or directory\n`)
      io.status(1)
      continue
    }
    walk(path, root, 0)
  }
  return out.length ? `${out.join('\n')}\n` : ''
}
