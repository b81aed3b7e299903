import { type CommandContext, fail } from './command-context.ts'
import type { ShellCommand } from './sh/interpreter.ts'

/**
 * Script interpreters the intruder reaches for (python3, perl, php where shipped). Nothing runs:
 * version queries answer, and code fails the way it fails on a host that cannot reach out — a
 * reverse shell's connect is refused by the network, an unknown module is missing — so a one-liner
 * looks tried, not faked.
 */
const PYTHON: Record<string, string> = {
  debian: '3.11.2',
  ubuntu: '3.10.12',
  rocky: '3.9.18',
  alpine: '3.11.8',
}

export function languageCommands(context: CommandContext): Record<string, ShellCommand> {
  const pythonVersion = PYTHON[context.host.persona.os.id] ?? '3.11.2'
  const python: ShellCommand = (args, io) => {
    if (args[0] === '-V' || args[0] === '--version') return `Python ${pythonVersion}\n`
    const codeAt = args.indexOf('-c')
    if (codeAt < 0)
      return fail(
        io,
        args[0]
          ? `python3: can't open file '${context.resolve(args[0])}': [Errno 2] No such file or directory\n`
          : '',
        args[0] ? 2 : 0,
      )
    const code = args[codeAt + 1] ?? ''
    const printed = /^\s*print\((['"])(.*?)\1\)\s*$/.exec(code)
    if (printed) return `${printed[2]}\n`
    const traceback = (line: string, error: string) =>
      fail(
        io,
        `Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n${line}${error}\n`,
        1,
      )
    if (/\bsocket\b|\bconnect\b/.test(code))
      return traceback('', 'ConnectionRefusedError: [Errno 111] Connection refused')
    if (/\bpty\b/.test(code)) return ''
    const module = /import\s+([A-Za-z_][\w.]*)/.exec(code)?.[1]
    if (module && !['os', 'sys', 'subprocess', 'base64', 'platform', 'pty', 'time'].includes(module))
      return traceback('', `ModuleNotFoundError: No module named '${module.split('.')[0]}'`)
    return ''
  }
  const perl: ShellCommand = (args, io) => {
    if (args[0] === '-v' || args[0] === '--version')
      return '\nThis is perl 5, version 36, subversion 0 (v5.36.0) built for x86_64-linux-gnu-thread-multi\n\nCopyright 1987-2022, Larry Wall\n'
    const code = args[args.indexOf('-e') + 1] ?? ''
    if (args.indexOf('-e') < 0)
      return fail(io, args[0] ? `Can't open perl script "${args[0]}": No such file or directory\n` : '', 2)
    const printed = /^\s*print\s+(['"])(.*?)\1\s*;?\s*$/.exec(code)
    if (printed) return (printed[2] ?? '').replace(/\\n/g, '\n')
    if (/socket|connect/i.test(code)) return fail(io, 'Connection refused at -e line 1.\n', 111)
    return ''
  }
  return { python3: python, python: python, perl }
}
