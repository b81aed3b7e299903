import type { Fields } from '../../framework/tcp.ts'
import type { CommandCatalogue } from './command-catalogue.ts'
import type { SessionFilesystem } from './overlay.ts'
import type { ShellHost } from './persona.ts'
import type { ProcReader } from './proc.ts'
import type { ShellSessionInfo } from './system-commands.ts'

/** What the persona-shaped command families (disks, network, packages, services …) read. */
export type CommandContext = {
  host: ShellHost
  user: string
  uid: number
  home: string
  fs: SessionFilesystem
  resolve(path: string): string
  mayWrite(path: string): boolean
  now(): number
  busybox: boolean
  proc: ProcReader
  catalogue: CommandCatalogue
  session: ShellSessionInfo
  emit(event: string, fields: Fields): void
}

/** The status and stderr half of a command's io. */
export type CommandIo = { readonly stdin: string; err(text: string): void; status(code: number): void }

/** Fails a command: `text` on stderr, `code` as its status, nothing on stdout. */
export function fail(io: CommandIo, text: string, code = 1): string {
  io.err(text)
  io.status(code)
  return ''
}

/** Splits `-abc` style flags from operands (`--long` flags kept whole). */
export function parseFlags(args: string[]): { flags: Set<string>; long: Set<string>; operands: string[] } {
  const flags = new Set<string>()
  const long = new Set<string>()
  const operands: string[] = []
  for (const arg of args) {
    if (arg.startsWith('--') && arg.length > 2) long.add(arg)
    else if (arg.startsWith('-') && arg.length > 1) for (const letter of arg.slice(1)) flags.add(letter)
    else operands.push(arg)
  }
  return { flags, long, operands }
}
