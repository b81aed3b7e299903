import { type Filter, inputs, joined, lines, options, regexSource } from './filters.ts'

/**
 * sed, the subset attack scripts use: `s/re/replacement/[gip N]`, `d`, `p`, `q` with a line number,
 * `$`, `/re/` or `N,M` address, `-n`, several `-e` or `;`-joined commands, and `-i` editing the file
 * in the session's overlay. Anything else fails with GNU sed's (busybox's) "unknown command" words.
 */
type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 'regex'; re: RegExp }
type SedCommand = {
  from?: Address
  to?: Address
  name: 's' | 'd' | 'p' | 'q'
  pattern?: RegExp
  replacement?: string
  global?: boolean
  print?: boolean
  nth?: number
}

class SedError extends Error {}

function parseAddress(text: string, at: number): [Address | undefined, number] {
  if (text[at] === '$') return [{ kind: 'last' }, at + 1]
  const number = /^\d+/.exec(text.slice(at))
  if (number) return [{ kind: 'line', n: Number(number[0]) }, at + number[0].length]
  if (text[at] === '/') {
    const end = findDelimiter(text, at + 1, '/')
    return [{ kind: 'regex', re: new RegExp(regexSource(text.slice(at + 1, end), false)) }, end + 1]
  }
  return [undefined, at]
}

function findDelimiter(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === delimiter) return i
  }
  throw new SedError(`unterminated \`s' command`)
}

function parseScript(script: string, extended: boolean): SedCommand[] {
  const commands: SedCommand[] = []
  let at = 0
  while (at < script.length) {
    while (at < script.length && /[\s;]/.test(script[at] as string)) at++
    if (at >= script.length) break
    const [from, afterFrom] = parseAddress(script, at)
    at = afterFrom
    let to: Address | undefined
    if (from && script[at] === ',') [to, at] = parseAddress(script, at + 1)
    const name = script[at]
    if (name === 's') {
      const delimiter = script[at + 1] ?? '/'
      const patternEnd = findDelimiter(script, at + 2, delimiter)
      const replacementEnd = findDelimiter(script, patternEnd + 1, delimiter)
      const flags = /^[gip0-9]*/.exec(script.slice(replacementEnd + 1))?.[0] ?? ''
      const source = regexSource(script.slice(at + 2, patternEnd), extended)
      commands.push({
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        name: 's',
        pattern: new RegExp(
          source,
          `${flags.includes('g') || /\d/.test(flags) ? 'g' : ''}${flags.includes('i') ? 'i' : ''}`,
        ),
        replacement: script.slice(patternEnd + 1, replacementEnd),
        global: flags.includes('g'),
        print: flags.includes('p'),
        ...(/\d/.test(flags) ? { nth: Number(/\d+/.exec(flags)?.[0]) } : {}),
      })
      at = replacementEnd + 1 + flags.length
    } else if (name === 'd' || name === 'p' || name === 'q') {
      commands.push({ ...(from ? { from } : {}), ...(to ? { to } : {}), name })
      at++
    } else throw new SedError(`unknown command: \`${name ?? ''}'`)
  }
  return commands
}

/** sed's replacement text: `&` is the match, `\1`…`\9` the groups, `\n` a newline. */
function replace(replacement: string, match: string[]): string {
  return replacement.replace(/\\(\d)|\\n|\\(.)|&/g, (whole, group, escaped) => {
    if (group !== undefined) return match[Number(group)] ?? ''
    if (whole === '\\n') return '\n'
    if (escaped !== undefined) return escaped
    return match[0] ?? ''
  })
}

export const sed: Filter = (args, io, context) => {
  const { flags, values, operands } = options(args, 'ef')
  const scripts: string[] = []
  if (values.has('e')) scripts.push(values.get('e') as string)
  for (let i = 0; i < args.length; i++)
    if (args[i] === '-e' && args[i + 1] !== undefined) scripts.push(args[i + 1] as string)
  if (scripts.length === 0) {
    const script = operands.shift()
    if (script === undefined) {
      io.err(
        context.busybox
          ? 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\n'
          : 'Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n',
      )
      io.status?.(1)
      return ''
    }
    scripts.push(script)
  }
  let commands: SedCommand[]
  try {
    commands = parseScript([...new Set(scripts)].join('\n'), flags.has('E') || flags.has('r'))
  } catch (error) {
    io.err(
      `sed: -e expression #1, char ${scripts[0]?.length ?? 0}: ${error instanceof Error ? error.message : 'error'}\n`,
    )
    io.status?.(1)
    return ''
  }
  const quiet = flags.has('n')
  const edit = (text: string): string => {
    const input = lines(text)
    const out: string[] = []
    const active = new Map<SedCommand, boolean>()
    const matches = (address: Address, n: number, line: string) =>
      address.kind === 'last'
        ? n === input.length
        : address.kind === 'line'
          ? n === address.n
          : address.re.test(line)
    for (let index = 0; index < input.length; index++) {
      let line = input[index] as string
      const n = index + 1
      let deleted = false
      let quit = false
      for (const command of commands) {
        let selected = true
        if (command.from && command.to) {
          const inRange = active.get(command) ?? false
          if (inRange) {
            selected = true
            if (matches(command.to, n, line) || (command.to.kind === 'line' && n >= command.to.n))
              active.set(command, false)
          } else if (matches(command.from, n, line)) {
            selected = true
            active.set(command, !(command.to.kind === 'line' && command.to.n <= n))
          } else selected = false
        } else if (command.from) selected = matches(command.from, n, line)
        if (!selected) continue
        if (command.name === 'd') {
          deleted = true
          break
        }
        if (command.name === 'p') out.push(line)
        if (command.name === 'q') {
          quit = true
          break
        }
        if (command.name === 's' && command.pattern) {
          const pattern = command.pattern
          let count = 0
          let changed = false
          line = line.replace(pattern, (...groups) => {
            count++
            const match = groups
              .slice(0, -2)
              .filter((g) => typeof g === 'string' || g === undefined) as string[]
            if (command.nth !== undefined && count !== command.nth) return match[0] ?? ''
            changed = true
            return replace(command.replacement ?? '', match)
          })
          if (changed && command.print) out.push(line)
        }
      }
      if (!deleted && !quiet) out.push(line)
      if (quit) break
    }
    return joined(out)
  }
  if (flags.has('i')) {
    for (const path of operands) {
      const read = context.read(path)
      if ('error' in read) {
        io.err(`sed: can't read ${path}: ${read.error}\n`)
        io.status?.(2)
        continue
      }
      const error = context.write(path, edit(read.text), false)
      if (error) {
        io.err(`sed: couldn't open temporary file ${path.replace(/[^/]*$/, '')}sed${'XXXXXX'}: ${error}\n`)
        io.status?.(4)
      }
    }
    return ''
  }
  return inputs('sed', operands, io, context, (path, reason) => `can't read ${path}: ${reason}`)
    .map((input) => edit(input.text))
    .join('')
}
