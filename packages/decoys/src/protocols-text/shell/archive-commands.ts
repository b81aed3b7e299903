import { type CommandContext, fail, parseFlags } from './command-context.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * tar and gzip over the session's overlay: listing or extracting an archive the intruder brought
 * (a download whose bytes are not kept) fails as a truncated archive does; creating one from files
 * they can read writes an archive of about their size. Nothing is ever unpacked for real.
 */
export function archiveCommands(context: CommandContext): Record<string, ShellCommand> {
  const at = () => context.now()
  const tar: ShellCommand = (args, io) => {
    const first = args[0] && !args[0].startsWith('-') ? `-${args[0]}` : (args[0] ?? '')
    const rest = args.slice(1)
    const { flags } = parseFlags([first, ...rest.filter((a) => a.startsWith('-'))])
    const operands = rest.filter((a) => !a.startsWith('-'))
    const fileIndex = flags.has('f') ? 0 : -1
    const archive = fileIndex >= 0 ? operands[0] : undefined
    if (!flags.has('c') && !flags.has('x') && !flags.has('t'))
      return fail(
        io,
        "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n",
        2,
      )
    if (!archive)
      return fail(
        io,
        'tar: Refusing to read archive contents from terminal (missing -f option?)\ntar: Error is not recoverable: exiting now\n',
        2,
      )
    const path = context.resolve(archive)
    if (flags.has('c')) {
      if (!context.mayWrite(path))
        return fail(
          io,
          `tar: ${archive}: Cannot open: Permission denied\ntar: Error is not recoverable: exiting now\n`,
          2,
        )
      let size = 10_240
      for (const member of operands.slice(1)) {
        const info = context.fs.stat(context.resolve(member), at())
        if (!info) {
          io.err(`tar: ${member}: Cannot stat: No such file or directory\n`)
          io.status(2)
        } else size += Math.ceil(info.size / 512) * 512 + 512
      }
      context.fs.writeOpaque(path, size, context.user, at())
      if (operands.length > 1 && flags.has('v')) return `${operands.slice(1).join('\n')}\n`
      return ''
    }
    const info = context.fs.stat(path, at())
    if (!info)
      return fail(
        io,
        `tar: ${archive}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`,
        2,
      )
    if (flags.has('z') || archive.endsWith('gz'))
      return fail(
        io,
        '\ngzip: stdin: unexpected end of file\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n',
        2,
      )
    return fail(
      io,
      'tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n',
      2,
    )
  }
  const gzip =
    (tool: 'gzip' | 'gunzip'): ShellCommand =>
    (args, io) => {
      const { flags, operands } = parseFlags(args)
      const decompress = tool === 'gunzip' || flags.has('d')
      if (operands.length === 0)
        return fail(
          io,
          `${tool}: compressed data not ${decompress ? 'read from' : 'written to'} a terminal. Use -f to force ${decompress ? 'de' : ''}compression.\nFor help, type: ${tool} -h\n`,
        )
      for (const operand of operands) {
        const path = context.resolve(operand)
        const info = context.fs.stat(path, at())
        if (!info) {
          io.err(`${tool}: ${operand}: No such file or directory\n`)
          io.status(1)
        } else if (decompress) {
          if (!operand.endsWith('.gz')) {
            io.err(`${tool}: ${operand}: unknown suffix -- ignored\n`)
            io.status(2)
          } else {
            io.err(`${tool}: ${operand}: unexpected end of file\n`)
            io.status(1)
          }
        } else if (!context.mayWrite(path)) {
          io.err(`${tool}: ${operand}.gz: Permission denied\n`)
          io.status(1)
        } else {
          context.fs.writeOpaque(`${path}.gz`, Math.max(30, Math.floor(info.size / 3)), context.user, at())
          context.fs.remove(path, false)
        }
      }
      return ''
    }
  return { tar, gzip: gzip('gzip'), gunzip: gzip('gunzip') }
}
