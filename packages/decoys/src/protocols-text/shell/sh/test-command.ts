import type { FileStat } from '../filesystem.ts'

/**
 * `test` / `[` as POSIX defines it: string, integer and file primaries, `!`, `-a`, `-o` and
 * parentheses. Returns the exit status (0 true, 1 false, 2 error) and the error to print.
 */
export type TestContext = {
  stat(path: string): FileStat | undefined
  /** Whether the caller may read/write/execute it (root may do anything but execute a non-x file). */
  may(stat: FileStat, access: 'r' | 'w' | 'x'): boolean
  /** dash words its errors its own way (`Illegal number: x`). */
  dash?: boolean
}

export type TestResult = { status: 0 | 1 | 2; error?: string }

const UNARY_FILE = new Set([
  '-e',
  '-f',
  '-d',
  '-s',
  '-r',
  '-w',
  '-x',
  '-L',
  '-h',
  '-b',
  '-c',
  '-p',
  '-S',
  '-g',
  '-u',
  '-k',
  '-O',
  '-G',
  '-t',
])
const BINARY = new Set([
  '=',
  '==',
  '!=',
  '<',
  '>',
  '-eq',
  '-ne',
  '-lt',
  '-le',
  '-gt',
  '-ge',
  '-nt',
  '-ot',
  '-ef',
])

class TestError extends Error {}

export function testCommand(name: string, rawArgs: string[], context: TestContext): TestResult {
  let args = rawArgs
  if (name === '[') {
    if (args.at(-1) !== ']') return { status: 2, error: "[: missing `]'" }
    args = args.slice(0, -1)
  }
  let pos = 0
  const integer = (text: string): number => {
    if (!/^\s*[-+]?\d+\s*$/.test(text))
      throw new TestError(
        context.dash ? `${name}: Illegal number: ${text}` : `${name}: ${text}: integer expression expected`,
      )
    return Number(text)
  }
  const unary = (op: string, operand: string): boolean => {
    if (op === '-n') return operand !== ''
    if (op === '-z') return operand === ''
    if (op === '-t') return false
    const stat = context.stat(operand)
    if (!stat) return false
    switch (op) {
      case '-e':
        return true
      case '-f':
        return !stat.dir
      case '-d':
        return stat.dir
      case '-s':
        return stat.size > 0
      case '-r':
        return context.may(stat, 'r')
      case '-w':
        return context.may(stat, 'w')
      case '-x':
        return context.may(stat, 'x')
      case '-L':
      case '-h':
        return stat.link !== undefined
      default:
        return false
    }
  }
  const binary = (left: string, op: string, right: string): boolean => {
    switch (op) {
      case '=':
      case '==':
        return left === right
      case '!=':
        return left !== right
      case '<':
        return left < right
      case '>':
        return left > right
      case '-eq':
        return integer(left) === integer(right)
      case '-ne':
        return integer(left) !== integer(right)
      case '-lt':
        return integer(left) < integer(right)
      case '-le':
        return integer(left) <= integer(right)
      case '-gt':
        return integer(left) > integer(right)
      case '-ge':
        return integer(left) >= integer(right)
      default:
        return false
    }
  }
  const primary = (): boolean => {
    const arg = args[pos]
    if (arg === undefined) throw new TestError(`${name}: argument expected`)
    if (arg === '!' && pos + 1 < args.length) {
      pos++
      return !primary()
    }
    if (arg === '(' && pos + 2 < args.length) {
      pos++
      const value = or()
      if (args[pos] !== ')') throw new TestError(`${name}: \`)' expected`)
      pos++
      return value
    }
    const next = args[pos + 1]
    if (next !== undefined && BINARY.has(next) && pos + 2 < args.length) {
      pos += 3
      return binary(arg, next, args[pos - 1] as string)
    }
    if ((UNARY_FILE.has(arg) || arg === '-n' || arg === '-z') && next !== undefined) {
      pos += 2
      return unary(arg, next)
    }
    pos++
    return arg !== ''
  }
  const and = (): boolean => {
    let value = primary()
    while (args[pos] === '-a') {
      pos++
      value = primary() && value
    }
    return value
  }
  const or = (): boolean => {
    let value = and()
    while (args[pos] === '-o') {
      pos++
      value = and() || value
    }
    return value
  }
  try {
    if (args.length === 0) return { status: 1 }
    // POSIX fixes the meaning of one to three arguments before any precedence.
    if (args.length === 1) return { status: (args[0] as string) !== '' ? 0 : 1 }
    if (args.length === 2 && args[0] === '!') return { status: args[1] !== '' ? 1 : 0 }
    if (args.length === 3 && BINARY.has(args[1] as string))
      return { status: binary(args[0] as string, args[1] as string, args[2] as string) ? 0 : 1 }
    const value = or()
    if (pos < args.length) throw new TestError(`${name}: too many arguments`)
    return { status: value ? 0 : 1 }
  } catch (error) {
    if (error instanceof TestError) return { status: 2, error: error.message }
    throw error
  }
}
