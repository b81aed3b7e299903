import type { FileStat } from '../filesystem.ts'
import { normalize } from '../filesystem.ts'
import type { SessionFilesystem } from '../overlay.ts'
import type { CommandRun } from '../transfer-commands.ts'
import { ArithmeticError, evaluateArithmetic } from './arithmetic.ts'
import type { AndOr, Command, Pipeline, Redirect, Script, SimpleCommand, Word, WordPart } from './ast.ts'
import { echo, printf } from './echo-printf.ts'
import { FILTERS, type FilterContext, type ReadResult } from './filters.ts'
import { BufferSink, Input, NULL_SINK, type Sink } from './io.ts'
import { parseScript, ShellSyntaxError } from './parser.ts'
import { testCommand } from './test-command.ts'

/**
 * Runs parsed sh scripts the way bash, dash or busybox ash would: expansion (parameters, command
 * substitution, arithmetic, tilde, field splitting, globbing), and/or lists, pipelines (each stage
 * a subshell), redirections into the session's file overlay, compound commands, functions and the
 * builtins that change the shell itself. Nothing is executed on the host: commands are the fake
 * shell's own. Bounded: MAX_STEPS commands and MAX_CALL_DEPTH nested calls per command line, so a
 * fork bomb, a runaway loop or deep recursion ends in a clean error.
 */

/** Which shell is imitated: bash (GNU hosts), dash (Debian's /bin/sh), busybox ash. */
export type Flavour = 'bash' | 'dash' | 'ash'
/** How the shell was started: `-bash` at a login prompt, `sh -c …` as a child. */
export type Invocation = { flavour: Flavour; name: string; interactive: boolean }

export type ShellIo = {
  readonly stdin: string
  /** stdout goes to a pipe or a file, not the terminal. */
  piped: boolean
  err(text: string): void
  status(code: number): void
}
export type ShellCommand = (args: string[], io: ShellIo) => string | CommandRun

/** What the interpreter needs from the host it imitates. */
export type InterpreterHost = {
  /** The host's commands (ls, uname, wget …) by name. */
  commands: Record<string, ShellCommand>
  fs: SessionFilesystem
  now(): number
  user: string
  uid: number
  home: string
  /** Whether the user may create or change `path`. */
  mayWrite(path: string): boolean
  /** A redirection wrote `text` to `path` (cron files are persistence, recorded). */
  wrote(path: string, text: string): void
  /** Runs a path (`./xmrig`) as the shell would: an error line, or undefined when there is no such file. */
  runFile(name: string, prefix: string): { error: string; status: number } | undefined
  /** What `sh` is on this host; `bash` exists unless undefined. */
  sh: Flavour
  bash: boolean
  /** Where `which` finds a host command. */
  commandPath(name: string): string
  /** Whether the host's OS ships a command (filters, sh, host commands); all when undefined. */
  ships?(name: string): boolean
  /**
   * A multi-call binary (`busybox APPLET …`): the applet's argv to run, or what the binary itself
   * answers (its usage, `applet not found`). Undefined when the host has none.
   */
  multiCall?(
    name: string,
    args: string[],
  ): { argv: string[] } | { out: string; err: string; status: number } | undefined
  pid: number
  /** A bound cut something (output, steps): the connection's `limit_reached`. */
  limitReached?(limit: string, max: number): void
}

/** Commands (simple commands, loop rounds, function calls) one command line may run. */
export const MAX_STEPS = 20_000
/** Characters all expansions of one command line may produce (a loop doubling a variable stops). */
export const MAX_EXPANDED_CHARS = 32 * 1024 * 1024
/** Nested calls (functions, `sh -c`, eval, source, `$( )`) deep. */
export const MAX_CALL_DEPTH = 100
/** Longest word (a variable's value, one argument) after expansion. */
export const MAX_WORD_CHARS = 1024 * 1024
/** Most characters and arguments of one command after expansion (Linux's ARG_MAX is 2 MiB). */
const MAX_ARGS_CHARS = 2 * 1024 * 1024
const MAX_ARGS = 32_768
/** Characters one command line may print to the terminal; the rest is dropped. */
export const MAX_OUTPUT_CHARS = 1024 * 1024

export type RunResult = { status: number; exit: boolean }

type State = {
  vars: Map<string, string>
  exported: Set<string>
  cwd: string
  functions: Map<string, Command>
  positional: string[]
  arg0: string
  status: number
  invocation: Invocation
  line: number
}

type Io = { stdin: Input; out: Sink; err: Sink; terminal: boolean }
type Run<T = number> = Generator<Promise<unknown>, T, unknown>

/** A command that does nothing (redirections alone, `> file`). */
function* nothing(): Generator<never, number, unknown> {
  yield* []
  return 0
}

class ExitSignal {
  constructor(readonly code: number) {}
}
class ReturnSignal {
  constructor(readonly code: number) {}
}
class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}
class LimitSignal {
  constructor(readonly limit: 'steps' | 'depth') {}
}
/** Aborts the current simple command (a `${x:?}` error, an arithmetic error) with status 1. */
class CommandError {
  constructor(readonly message: string) {}
}

export type Interpreter = {
  /** Parses and runs one command line; `out` receives stdout (fd 1) and stderr (fd 2) in order. */
  run(line: string, out: (text: string, fd: 1 | 2) => void): Run<RunResult>
  readonly cwd: string
  readonly status: number
  /** Exported variables (for `env`). */
  environment(): [string, string][]
  /** Whether `text` stops mid-construct (open quote, `if` without `fi`, trailing `&&`): more lines would finish it. */
  incomplete(text: string): boolean
}

export function createInterpreter(
  host: InterpreterHost,
  invocation: Invocation,
  env: Record<string, string>,
): Interpreter {
  let state: State = {
    vars: new Map(Object.entries(env)),
    exported: new Set(Object.keys(env)),
    cwd: env.PWD ?? host.home,
    functions: new Map(),
    positional: [],
    arg0: invocation.name,
    status: 0,
    invocation,
    line: 1,
  }
  let steps = 0
  let depth = 0
  let forks = 0
  let jobs = 0
  let substStatus: number | undefined
  let expanded = 0

  const prefix = (s: State = state) => {
    const { flavour, name, interactive } = s.invocation
    if (interactive) return `${name}: `
    if (flavour === 'bash') return `${name}: line ${s.line}: `
    if (flavour === 'dash') return `${name}: ${s.line}: `
    return `${name}: `
  }
  const notFound = (name: string) =>
    state.invocation.flavour === 'bash'
      ? `${prefix()}${name}: command not found\n`
      : `${prefix()}${name}: not found\n`
  const resolve = (path: string) => {
    const home = state.vars.get('HOME') ?? host.home
    const expanded = path === '~' || path.startsWith('~/') ? `${home}${path.slice(1)}` : path
    return normalize(expanded.startsWith('/') ? expanded : `${state.cwd}/${expanded}`)
  }
  const may = (stat: FileStat, access: 'r' | 'w' | 'x'): boolean => {
    const index = { r: 0, w: 1, x: 2 }[access]
    if (host.uid === 0) return access !== 'x' || stat.dir || /x/.test(stat.mode)
    const bits = stat.owner === host.user ? stat.mode.slice(1, 4) : stat.mode.slice(7, 10)
    return bits[index] !== '-' && bits[index] !== undefined
  }
  const readFile = (path: string): ReadResult => {
    const target = resolve(path)
    const stat = host.fs.stat(target, host.now())
    if (!stat) return { error: 'No such file or directory' }
    if (stat.dir) return { error: 'Is a directory' }
    if (!may(stat, 'r')) return { error: 'Permission denied' }
    return { text: host.fs.read(target, host.now()) ?? '' }
  }
  const writeFile = (path: string, text: string, append: boolean): string | undefined => {
    const target = resolve(path)
    if (target === '/dev/null') return undefined
    const stat = host.fs.stat(target, host.now())
    if (stat?.dir) return 'Is a directory'
    if (!host.mayWrite(target)) return 'Permission denied'
    if (!host.fs.writeText(target, text, append, host.user, host.now())) {
      return host.fs.stat(target.slice(0, target.lastIndexOf('/')) || '/', host.now())?.dir
        ? 'No space left on device'
        : 'No such file or directory'
    }
    host.wrote(target, text)
    return undefined
  }
  const filterContext: FilterContext = {
    busybox: invocation.flavour === 'ash',
    read: readFile,
    write: writeFile,
    list: (path) => host.fs.list(resolve(path)),
  }

  function step(): void {
    if (++steps > MAX_STEPS) throw new LimitSignal('steps')
  }

  function clone(s: State): State {
    return {
      ...s,
      vars: new Map(s.vars),
      exported: new Set(s.exported),
      functions: new Map(s.functions),
      positional: [...s.positional],
    }
  }

  /** Runs `body` in a copy of the shell state (a subshell): nothing it changes survives. */
  function* subshell(body: () => Run): Run {
    const saved = state
    state = clone(saved)
    forks++
    try {
      return yield* body()
    } catch (signal) {
      if (signal instanceof ExitSignal) return signal.code
      if (signal instanceof ReturnSignal) return signal.code
      if (signal instanceof LoopSignal) return state.status
      throw signal
    } finally {
      state = saved
    }
  }

  function* nested<T>(body: () => Run<T>): Run<T> {
    if (++depth > MAX_CALL_DEPTH) throw new LimitSignal('depth')
    try {
      return yield* body()
    } finally {
      depth--
    }
  }

  // ---- expansion ------------------------------------------------------------------------------

  type Field = { text: string; pattern: string; glob: boolean; quoted: boolean }

  function special(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(state.status)
      case '$':
        return String(host.pid)
      case '#':
        return String(state.positional.length)
      case '0':
        return state.arg0
      case '@':
      case '*':
        return state.positional.join(' ')
      case '!':
        return jobs ? String(host.pid + 7 + jobs) : ''
      case '-':
        return state.invocation.interactive
          ? state.invocation.flavour === 'bash'
            ? 'himBHs'
            : 'is'
          : state.invocation.flavour === 'bash'
            ? 'hBc'
            : ''
      case 'PWD':
        return state.vars.get('PWD') ?? state.cwd
      case 'RANDOM':
        return state.invocation.flavour === 'bash'
          ? String(Math.floor(Math.random() * 32768))
          : state.vars.get(name)
      case 'LINENO':
        return String(state.line)
      case 'UID':
      case 'EUID':
        return state.invocation.flavour === 'bash' ? String(host.uid) : state.vars.get(name)
      case 'PPID':
        return String(host.pid - 1)
      default:
        if (/^\d$/.test(name)) return state.positional[Number(name) - 1]
        return state.vars.get(name)
    }
  }

  function assign(name: string, value: string): void {
    state.vars.set(name, value.length > MAX_WORD_CHARS ? value.slice(0, MAX_WORD_CHARS) : value)
  }

  function* paramValue(part: Extract<WordPart, { type: 'param' }>): Run<string> {
    const value = special(part.name)
    const arg = function* (): Run<string> {
      return part.arg ? yield* expandSingle(part.arg) : ''
    }
    switch (part.op) {
      case undefined:
        return value ?? ''
      case 'length':
        return String([...(value ?? '')].length)
      case ':-':
        return value === undefined || value === '' ? yield* arg() : value
      case '-':
        return value === undefined ? yield* arg() : value
      case ':=':
      case '=': {
        if (value !== undefined && (part.op === '=' || value !== '')) return value
        const assigned = yield* arg()
        assign(part.name, assigned)
        return assigned
      }
      case ':+':
        return value === undefined || value === '' ? '' : yield* arg()
      case '+':
        return value === undefined ? '' : yield* arg()
      case ':?':
      case '?': {
        if (value !== undefined && (part.op === '?' || value !== '')) return value
        const message = yield* arg()
        throw new CommandError(
          `${prefix()}${part.name}: ${message || (part.op === '?' ? 'parameter not set' : 'parameter null or not set')}\n`,
        )
      }
      default: {
        const subject = value ?? ''
        const pattern = globRegex(yield* expandPattern(part.arg ?? []), false)
        const shortest = part.op === '#' || part.op === '%'
        if (part.op === '#' || part.op === '##') {
          const order = [...Array(subject.length + 1).keys()]
          for (const end of shortest ? order : order.reverse())
            if (new RegExp(`^(?:${pattern})$`, 's').test(subject.slice(0, end))) return subject.slice(end)
          return subject
        }
        const order = [...Array(subject.length + 1).keys()].reverse()
        for (const start of shortest ? order : order.reverse())
          if (new RegExp(`^(?:${pattern})$`, 's').test(subject.slice(start))) return subject.slice(0, start)
        return subject
      }
    }
  }

  function* commandSubstitution(body: Script, err: Sink): Run<string> {
    const sink = new BufferSink()
    const status = yield* nested(() =>
      subshell(() => runScript(body, { stdin: new Input(''), out: sink, err, terminal: false })),
    )
    substStatus = status
    return sink.text.replace(/\n+$/, '')
  }

  function* arithmetic(expr: Word): Run<string> {
    const text = yield* expandSingle(expr)
    try {
      return String(evaluateArithmetic(text, (name) => special(name) ?? ''))
    } catch (error) {
      if (error instanceof ArithmeticError) throw new CommandError(`${prefix()}${error.message}\n`)
      throw error
    }
  }

  const GLOB_CHARS = /[*?[]/
  const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&')

  /** Expands one word into fields: split on IFS where unquoted, globbed against the file tree. */
  function* expandWord(word: Word, split: boolean, err: Sink): Run<Field[]> {
    const fields: Field[] = []
    let current: Field | undefined
    const add = (raw: string, quoted: boolean) => {
      current ??= { text: '', pattern: '', glob: false, quoted: false }
      // `x=$x$x` in a loop doubles a word: it stops growing at MAX_WORD_CHARS.
      const text = raw.slice(0, Math.max(0, MAX_WORD_CHARS - current.text.length))
      expanded += text.length
      if (expanded > MAX_EXPANDED_CHARS) throw new LimitSignal('steps')
      current.text += text
      current.pattern += quoted ? escapeGlob(text) : text
      if (!quoted && GLOB_CHARS.test(text)) current.glob = true
      if (quoted) current.quoted = true
    }
    const end = () => {
      if (current) fields.push(current)
      current = undefined
    }
    for (const [index, part] of word.entries()) {
      if (part.type === 'text') {
        let text = part.text
        if (!part.quoted && index === 0 && /^~(\/|$)/.test(text))
          text = (state.vars.get('HOME') ?? host.home) + text.slice(1)
        add(text, part.quoted)
        continue
      }
      if (part.type === 'param' && part.name === '@' && part.quoted && !part.op) {
        state.positional.forEach((value, i) => {
          if (i > 0) end()
          add(value, true)
        })
        if (state.positional.length === 0 && word.length === 1) return []
        continue
      }
      const value =
        part.type === 'param'
          ? yield* paramValue(part)
          : part.type === 'command'
            ? yield* commandSubstitution(part.body, err)
            : yield* arithmetic(part.expr)
      if (part.quoted || !split) {
        add(value, true)
        // A quoted empty expansion is still a field.
        continue
      }
      const pieces = value.split(/[ \t\n]+/)
      pieces.forEach((piece, i) => {
        if (i > 0) end()
        if (piece !== '') add(piece, false)
      })
    }
    end()
    return fields
  }

  function* expandSingle(word: Word): Run<string> {
    const fields = yield* expandWord(word, false, NULL_SINK)
    return fields.map((f) => f.text).join('')
  }

  function* expandPattern(word: Word): Run<string> {
    const fields = yield* expandWord(word, false, NULL_SINK)
    return fields.map((f) => f.pattern).join('')
  }

  function* expandWords(words: Word[], err: Sink): Run<string[]> {
    const out: string[] = []
    let size = 0
    for (const word of words) {
      for (const field of yield* expandWord(word, true, err)) {
        const matches = field.glob ? glob(field.pattern) : undefined
        for (const arg of matches?.length ? matches : [field.text]) {
          size += arg.length + 1
          if (size > MAX_ARGS_CHARS || out.length >= MAX_ARGS)
            throw new CommandError(`${prefix()}${out[0] ?? 'sh'}: Argument list too long\n`)
          out.push(arg)
        }
      }
    }
    return out
  }

  /** A glob pattern (quoted characters escaped) as a regular expression source. */
  function globRegex(pattern: string, path: boolean): string {
    let out = ''
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] as string
      if (c === '\\') out += (pattern[++i] ?? '\\').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      else if (c === '*') out += path ? '[^/]*' : '.*'
      else if (c === '?') out += path ? '[^/]' : '.'
      else if (c === '[') {
        const close = pattern.indexOf(']', i + 2)
        if (close < 0) out += '\\['
        else {
          const body = pattern
            .slice(i + 1, close)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\')
          out += `[${body}]`
          i = close
        }
      } else out += c.replace(/[.+^${}()|/]/g, '\\$&')
    }
    return out
  }

  const MAX_GLOB_MATCHES = 4096

  function glob(pattern: string): string[] | undefined {
    const absolute = pattern.startsWith('/')
    const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0)
    let found: { shown: string; real: string }[] = [
      { shown: absolute ? '/' : '', real: absolute ? '/' : state.cwd },
    ]
    for (const segment of segments) {
      if (segment === '' && absolute) continue
      const next: typeof found = []
      const unescaped = segment.replace(/\\(.)/g, '$1')
      for (const base of found) {
        if (next.length > MAX_GLOB_MATCHES) break
        const join = (name: string) => ({
          shown:
            base.shown === ''
              ? name
              : base.shown.endsWith('/')
                ? `${base.shown}${name}`
                : `${base.shown}/${name}`,
          real: base.real === '/' ? `/${name}` : `${base.real}/${name}`,
        })
        if (!GLOB_CHARS.test(segment.replace(/\\./g, ''))) {
          next.push(join(unescaped))
          continue
        }
        const regex = new RegExp(`^${globRegex(segment, true)}$`)
        for (const entry of host.fs.list(base.real) ?? []) {
          const name = entry.replace(/\/$/, '')
          if (name.startsWith('.') && !segment.startsWith('.')) continue
          if (regex.test(name)) next.push(join(name))
          if (next.length > MAX_GLOB_MATCHES) break
        }
      }
      found = next
    }
    const existing = found.filter((f) => host.fs.stat(f.real, host.now())).map((f) => f.shown)
    return existing.length ? existing.sort() : undefined
  }

  // ---- execution ------------------------------------------------------------------------------

  function* runScript(script: Script, io: Io): Run {
    let status = state.status
    for (const item of script.items) {
      if (item.background) {
        jobs++
        if (state.invocation.interactive && depth === 0) io.err.write(`[${jobs}] ${host.pid + 7 + jobs}\n`)
        yield* subshell(() => runAndOr(item.andOr, { ...io, stdin: new Input('') }))
        status = 0
        state.status = 0
      } else status = yield* runAndOr(item.andOr, io)
    }
    return status
  }

  function* runAndOr(andOr: AndOr, io: Io): Run {
    let status = yield* runPipeline(andOr.first, io)
    for (const { op, pipeline } of andOr.rest) {
      if ((op === '&&') === (status === 0)) status = yield* runPipeline(pipeline, io)
    }
    return status
  }

  function* runPipeline(pipeline: Pipeline, io: Io): Run {
    let status: number
    if (pipeline.commands.length === 1) status = yield* runCommand(pipeline.commands[0] as Command, io)
    else {
      let stdin = io.stdin
      status = 0
      for (const [index, command] of pipeline.commands.entries()) {
        const last = index === pipeline.commands.length - 1
        const sink = last ? io.out : new BufferSink()
        const stageIo: Io = { stdin, out: sink, err: io.err, terminal: last && io.terminal }
        status = yield* subshell(() => runCommand(command, stageIo))
        if (sink instanceof BufferSink) stdin = new Input(sink.text)
      }
    }
    if (pipeline.negated) status = status === 0 ? 1 : 0
    state.status = status
    return status
  }

  function* runCommand(command: Command, io: Io): Run {
    step()
    switch (command.kind) {
      case 'simple':
        return yield* runSimple(command, io)
      case 'function':
        state.functions.set(command.name, command.body)
        return 0
      case 'subshell':
        return yield* withRedirects(command.redirects, io, (inner) =>
          subshell(() => runScript(command.body, inner)),
        )
      case 'group':
        return yield* withRedirects(command.redirects, io, (inner) => runScript(command.body, inner))
      case 'if':
        return yield* withRedirects(command.redirects, io, function* (inner) {
          for (const branch of command.branches) {
            if ((yield* runScript(branch.test, inner)) === 0) return yield* runScript(branch.body, inner)
          }
          return command.otherwise ? yield* runScript(command.otherwise, inner) : 0
        })
      case 'loop':
        return yield* withRedirects(command.redirects, io, function* (inner) {
          let status = 0
          for (;;) {
            step()
            const test = yield* runScript(command.test, inner)
            if ((test === 0) === command.until) break
            const signal = yield* loopBody(command.body, inner)
            status = state.status
            if (signal === 'break') break
          }
          return status
        })
      case 'case':
        return yield* withRedirects(command.redirects, io, function* (inner) {
          const subject = yield* expandSingle(command.subject)
          for (const item of command.items) {
            for (const pattern of item.patterns) {
              const source = globRegex(yield* expandPattern(pattern), false)
              if (new RegExp(`^(?:${source})$`, 's').test(subject)) return yield* runScript(item.body, inner)
            }
          }
          return 0
        })
      case 'for':
        return yield* withRedirects(command.redirects, io, function* (inner) {
          const items = command.items ? yield* expandWords(command.items, inner.err) : [...state.positional]
          let status = 0
          for (const item of items) {
            step()
            assign(command.name, item)
            const signal = yield* loopBody(command.body, inner)
            status = state.status
            if (signal === 'break') break
          }
          return status
        })
    }
  }

  /** One round of a loop body; `break` when a break (or an outer one) ends the loop. */
  function* loopBody(body: Script, io: Io): Run<'break' | 'continue' | undefined> {
    try {
      yield* runScript(body, io)
      return undefined
    } catch (signal) {
      if (!(signal instanceof LoopSignal)) throw signal
      if (signal.levels > 1) {
        signal.levels--
        if (signal.kind === 'continue' && signal.levels === 0) return 'continue'
        throw signal
      }
      return signal.kind
    }
  }

  function* withRedirects(redirects: Redirect[], io: Io, body: (io: Io) => Run): Run {
    if (redirects.length === 0) return yield* body(io)
    const fds = new Map<number, Sink>([
      [1, io.out],
      [2, io.err],
    ])
    let stdin = io.stdin
    const files: { path: string; sink: BufferSink }[] = []
    const fail = (target: string, reason: string) => {
      io.err.write(`${prefix()}${target}: ${reason}\n`)
      return 1
    }
    for (const redirect of redirects) {
      const target = yield* expandSingle(redirect.target)
      const { op, fd } = redirect
      if (op === '<<<' || op === '<<') {
        stdin = new Input(op === '<<' ? target : `${target}\n`)
        continue
      }
      if (op === '<&') continue
      if (op === '<') {
        const read = readFile(target)
        if ('error' in read) return fail(target, read.error)
        stdin = new Input(read.text)
        continue
      }
      if (op === '>&' && /^\d+$/.test(target)) {
        const source = fds.get(Number(target))
        if (!source) return fail(target, 'Bad file descriptor')
        fds.set(fd, source)
        continue
      }
      if (op === '>&' && target === '-') {
        fds.set(fd, NULL_SINK)
        continue
      }
      const both = op === '&>' || op === '&>>' || op === '>&'
      const append = op === '>>' || op === '&>>'
      let sink: Sink
      if (target === '/dev/null') sink = NULL_SINK
      else if (target === '/dev/stdout') sink = fds.get(1) ?? io.out
      else if (target === '/dev/stderr') sink = fds.get(2) ?? io.err
      else {
        const path = resolve(target)
        const problem = append ? writeFile(path, '', true) : writeFile(path, '', false)
        if (problem) return fail(target, problem)
        const buffer = new BufferSink()
        files.push({ path, sink: buffer })
        sink = buffer
      }
      fds.set(both ? 1 : fd, sink)
      if (both) fds.set(2, sink)
    }
    const out = fds.get(1) ?? NULL_SINK
    try {
      return yield* body({
        stdin,
        out,
        err: fds.get(2) ?? NULL_SINK,
        terminal: out === io.out && io.terminal,
      })
    } finally {
      for (const file of files) if (file.sink.text) writeFile(file.path, file.sink.text, true)
    }
  }

  function* runSimple(command: SimpleCommand, io: Io): Run {
    state.line = command.line
    substStatus = undefined
    let argv: string[]
    const values: [string, string][] = []
    try {
      argv = yield* expandWords(command.words, io.err)
      for (const assignment of command.assignments)
        values.push([assignment.name, yield* expandSingle(assignment.value)])
    } catch (error) {
      if (error instanceof CommandError) {
        io.err.write(error.message)
        return 1
      }
      throw error
    }
    if (argv.length === 0) {
      for (const [name, value] of values) assign(name, value)
      const status = yield* withRedirects(command.redirects, io, nothing)
      return status !== 0 ? status : (substStatus ?? 0)
    }
    // `VAR=x cmd`: the assignment holds for this command only (and is in its environment).
    const saved = values.map(([name]) => [name, state.vars.get(name), state.exported.has(name)] as const)
    for (const [name, value] of values) {
      assign(name, value)
      state.exported.add(name)
    }
    try {
      return yield* withRedirects(command.redirects, io, (inner) => invoke(argv, inner))
    } finally {
      for (const [name, value, exported] of saved) {
        if (value === undefined) state.vars.delete(name)
        else state.vars.set(name, value)
        if (!exported) state.exported.delete(name)
      }
    }
  }

  /** Runs a command by name: function, builtin, filter, host command, a file path, or not found. */
  function* invoke(argv: string[], io: Io): Run {
    const [name = '', ...args] = argv
    const fn = state.functions.get(name)
    if (fn) {
      return yield* nested(function* () {
        const saved = { positional: state.positional }
        state.positional = args
        try {
          return yield* runCommand(fn, io)
        } catch (signal) {
          if (signal instanceof ReturnSignal) return signal.code
          throw signal
        } finally {
          state.positional = saved.positional
        }
      })
    }
    const builtin = BUILTINS[name]
    if (builtin) {
      const result = builtin(args, io, name)
      return typeof result === 'number' ? result : yield* result
    }
    const base = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name
    const known = !name.includes('/') || /^\/(usr\/)?(local\/)?s?bin\/[^/]+$/.test(normalize(name))
    const shipped = known && (host.ships?.(base) ?? true)
    if (shipped) {
      const multi = host.multiCall?.(base, args)
      if (multi && 'argv' in multi) return yield* invoke(multi.argv, io)
      if (multi) {
        io.out.write(multi.out)
        io.err.write(multi.err)
        return multi.status
      }
      const filter = FILTERS[base]
      if (filter) return runHostCommand((a, shellIo) => filter(a, shellIo, filterContext), args, io)
      const hostCommand = host.commands[base]
      if (hostCommand) return yield* runHostCommandAsync(hostCommand, args, io)
      if (base === 'sh' || (base === 'bash' && host.bash) || (base === 'ash' && host.sh === 'ash'))
        return yield* shellCommand(args, io, base)
    }
    const file = host.runFile(name, prefix())
    if (file) {
      io.err.write(file.error)
      return file.status
    }
    io.err.write(notFound(name))
    return 127
  }

  function shellIo(io: Io, status: { code: number }): ShellIo {
    return {
      get stdin() {
        return io.stdin.rest()
      },
      piped: !io.terminal,
      err: (text) => io.err.write(text),
      status: (code) => {
        status.code = code
      },
    }
  }

  function runHostCommand(command: (args: string[], io: ShellIo) => string, args: string[], io: Io): number {
    const status = { code: 0 }
    io.out.write(command(args, shellIo(io, status)))
    return status.code
  }

  function* runHostCommandAsync(command: ShellCommand, args: string[], io: Io): Run {
    const status = { code: 0 }
    const result = command(args, shellIo(io, status))
    io.out.write(typeof result === 'string' ? result : yield* result)
    return status.code
  }

  // ---- builtins -------------------------------------------------------------------------------

  type Builtin = (args: string[], io: Io, name: string) => Run | number

  const done = (code: number) => code

  /** Runs script text in this shell (eval, source) or a child (sh -c). */
  function* runText(text: string, io: Io): Run {
    let script: Script
    try {
      script = parseScript(text)
    } catch (error) {
      if (error instanceof ShellSyntaxError) {
        io.err.write(syntaxMessage(error, prefix()))
        return 2
      }
      throw error
    }
    return yield* nested(() => runScript(script, io))
  }

  /** `sh`/`bash`: a child shell running `-c` text, a script file or stdin, in this interpreter. */
  function* shellCommand(args: string[], io: Io, name: string): Run {
    let command: string | undefined
    let rest: string[] = []
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string
      if (arg === '-c') {
        command = args[i + 1] ?? ''
        rest = args.slice(i + 2)
        if (args[i + 1] === undefined) {
          io.err.write(`${name}: -c: option requires an argument\n`)
          return 2
        }
        break
      }
      if (/^[-+][a-zA-Z]+$/.test(arg) || arg === '--') continue
      else {
        const read = readFile(arg)
        if ('error' in read) {
          const flavour = flavourOf(name)
          io.err.write(
            flavour === 'bash'
              ? `${name}: ${arg}: ${read.error}\n`
              : flavour === 'ash'
                ? `${name}: can't open '${arg}': ${read.error}\n`
                : `${name}: 0: cannot open ${arg}: ${read.error === 'No such file or directory' ? 'No such file' : read.error}\n`,
          )
          return flavour === 'dash' ? 2 : flavour === 'ash' ? 2 : 127
        }
        command = read.text
        rest = args.slice(i)
        break
      }
    }
    // Without -c or a file, sh reads its script from stdin (`… | base64 -d | sh`).
    const text = command ?? io.stdin.rest()
    const saved = state
    state = {
      vars: new Map([...saved.vars].filter(([key]) => saved.exported.has(key))),
      exported: new Set(saved.exported),
      cwd: saved.cwd,
      functions: new Map(),
      positional: command !== undefined && rest.length ? rest.slice(1) : [],
      arg0: command !== undefined && rest[0] !== undefined ? rest[0] : name,
      status: 0,
      invocation: {
        flavour: flavourOf(name),
        name: rest[0] !== undefined && command !== undefined ? rest[0] : name,
        interactive: false,
      },
      line: 1,
    }
    forks++
    try {
      return yield* runText(text, io)
    } catch (signal) {
      if (signal instanceof ExitSignal) return signal.code
      if (signal instanceof ReturnSignal || signal instanceof LoopSignal) return state.status
      throw signal
    } finally {
      state = saved
    }
  }

  function flavourOf(name: string): Flavour {
    if (name === 'bash') return 'bash'
    return host.sh
  }

  const exportLine = (name: string, value: string | undefined) => {
    if (state.invocation.flavour === 'bash')
      return value === undefined
        ? `declare -x ${name}\n`
        : `declare -x ${name}="${value.replace(/(["\\$`])/g, '\\$1')}"\n`
    return value === undefined ? `export ${name}\n` : `export ${name}='${value.replace(/'/g, "'\\''")}'\n`
  }

  const BUILTINS: Record<string, Builtin> = {
    ':': () => done(0),
    true: () => done(0),
    false: () => done(1),
    echo: (args, io) => {
      io.out.write(echo(args, state.invocation.flavour === 'dash' ? 'dash' : 'bash'))
      return done(0)
    },
    printf: (args, io) => {
      const result = printf(args)
      io.out.write(result.out)
      for (const error of result.errors) io.err.write(`${prefix()}${error}\n`)
      return done(result.errors.length ? 1 : 0)
    },
    test: (args, io, name) => {
      const result = testCommand(name, args, {
        stat: (path) => host.fs.stat(resolve(path), host.now()),
        may,
        dash: state.invocation.flavour === 'dash',
      })
      if (result.error) io.err.write(`${prefix()}${result.error}\n`)
      return done(result.status)
    },
    '[': (args, io, name) => BUILTINS.test?.(args, io, name) ?? done(2),
    cd: (args, io) => {
      const operand = args.find((a) => a !== '-L' && a !== '-P')
      const target =
        operand === undefined
          ? (state.vars.get('HOME') ?? host.home)
          : operand === '-'
            ? (state.vars.get('OLDPWD') ?? state.cwd)
            : operand
      const path = resolve(target)
      const stat = host.fs.stat(path, host.now())
      const problem = !stat
        ? 'No such file or directory'
        : !stat.dir
          ? 'Not a directory'
          : !may(stat, 'x') && host.uid !== 0
            ? 'Permission denied'
            : undefined
      if (problem || !host.fs.list(path)) {
        const reason = problem ?? 'Not a directory'
        const flavour = state.invocation.flavour
        io.err.write(
          flavour === 'bash'
            ? `${prefix()}cd: ${target}: ${reason}\n`
            : flavour === 'dash'
              ? `${prefix()}cd: can't cd to ${target}\n`
              : `${prefix()}cd: can't cd to ${target}: ${reason}\n`,
        )
        return done(flavour === 'bash' ? 1 : 2)
      }
      state.vars.set('OLDPWD', state.cwd)
      state.cwd = path
      state.vars.set('PWD', path)
      if (operand === '-') io.out.write(`${path}\n`)
      return done(0)
    },
    pwd: (_args, io) => {
      io.out.write(`${state.cwd}\n`)
      return done(0)
    },
    export: (args, io) => {
      const names = args.filter((a) => !a.startsWith('-'))
      if (names.length === 0) {
        for (const name of [...state.exported].sort()) io.out.write(exportLine(name, state.vars.get(name)))
        return done(0)
      }
      for (const arg of names) {
        const eq = arg.indexOf('=')
        const name = eq < 0 ? arg : arg.slice(0, eq)
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          io.err.write(`${prefix()}export: \`${arg}': not a valid identifier\n`)
          return done(1)
        }
        if (eq >= 0) assign(name, arg.slice(eq + 1))
        state.exported.add(name)
      }
      return done(0)
    },
    readonly: (args) => {
      for (const arg of args.filter((a) => !a.startsWith('-'))) {
        const eq = arg.indexOf('=')
        if (eq > 0) assign(arg.slice(0, eq), arg.slice(eq + 1))
      }
      return done(0)
    },
    local: (args) => {
      for (const arg of args) {
        const eq = arg.indexOf('=')
        if (eq > 0) assign(arg.slice(0, eq), arg.slice(eq + 1))
        else if (!state.vars.has(arg)) assign(arg, '')
      }
      return done(0)
    },
    unset: (args) => {
      const functions = args.includes('-f')
      for (const name of args.filter((a) => !a.startsWith('-'))) {
        if (functions) state.functions.delete(name)
        else {
          state.vars.delete(name)
          state.exported.delete(name)
        }
      }
      return done(0)
    },
    set: (args, io) => {
      const dashes = args.indexOf('--')
      if (dashes >= 0) state.positional = args.slice(dashes + 1)
      else if (args.length === 0)
        for (const [name, value] of [...state.vars].sort(([a], [b]) => (a < b ? -1 : 1)))
          io.out.write(
            `${name}=${/^[A-Za-z0-9_./:-]*$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`}\n`,
          )
      else if (!args[0]?.startsWith('-') && !args[0]?.startsWith('+')) state.positional = args
      return done(0)
    },
    shift: (args, io) => {
      const n = args[0] === undefined ? 1 : Number(args[0])
      if (!Number.isInteger(n) || n > state.positional.length) {
        if (state.invocation.flavour !== 'bash') io.err.write(`${prefix()}shift: can't shift that many\n`)
        return done(1)
      }
      state.positional = state.positional.slice(n)
      return done(0)
    },
    exit: (args) => {
      throw new ExitSignal(args[0] === undefined ? state.status : Number(args[0]) & 255 || 0)
    },
    logout: (args) => {
      throw new ExitSignal(args[0] === undefined ? state.status : Number(args[0]) & 255 || 0)
    },
    return: (args) => {
      throw new ReturnSignal(args[0] === undefined ? state.status : Number(args[0]) & 255 || 0)
    },
    break: (args) => {
      throw new LoopSignal('break', Math.max(1, Number(args[0] ?? 1) || 1))
    },
    continue: (args) => {
      throw new LoopSignal('continue', Math.max(1, Number(args[0] ?? 1) || 1))
    },
    read: (args, io) => {
      const names: string[] = []
      let raw = false
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] as string
        if (arg === '-r') raw = true
        else if (arg === '-p' || arg === '-t' || arg === '-n' || arg === '-d' || arg === '-u') {
          if (arg === '-p') io.err.write(args[i + 1] ?? '')
          i++
        } else if (!arg.startsWith('-')) names.push(arg)
      }
      let line = io.stdin.line()
      if (line === undefined) {
        for (const name of names.length ? names : ['REPLY']) assign(name, '')
        return done(1)
      }
      if (!raw) line = line.replace(/\\(.)/g, '$1')
      const targets = names.length ? names : ['REPLY']
      if (targets.length === 1 && names.length === 0) assign('REPLY', line)
      else {
        const words = line.trim().split(/[ \t]+/)
        targets.forEach((name, i) => {
          assign(name, i === targets.length - 1 ? words.slice(i).join(' ') : (words[i] ?? ''))
        })
      }
      return done(0)
    },
    eval: (args, io) => runText(args.join(' '), io),
    source: function* (args, io, name) {
      const path = args[0]
      if (path === undefined) {
        io.err.write(`${prefix()}${name}: filename argument required\n`)
        return 2
      }
      const read = readFile(path)
      if ('error' in read) {
        io.err.write(
          state.invocation.flavour === 'bash'
            ? `${prefix()}${path}: ${read.error}\n`
            : `${prefix()}${name}: cannot open ${path}: No such file\n`,
        )
        return 1
      }
      try {
        return yield* runText(read.text, io)
      } catch (signal) {
        if (signal instanceof ReturnSignal) return signal.code
        throw signal
      }
    },
    '.': (args, io) => BUILTINS.source?.(args, io, '.') ?? done(1),
    exec: function* (args, io) {
      if (args.length === 0) return 0
      return yield* invoke(args, io)
    },
    nohup: function* (args, io) {
      if (args.length === 0) {
        io.err.write("nohup: missing operand\nTry 'nohup --help' for more information.\n")
        return 125
      }
      if (io.terminal) io.err.write("nohup: ignoring input and appending output to 'nohup.out'\n")
      return yield* invoke(args, io.terminal ? { ...io, out: NULL_SINK } : io)
    },
    command: function* (args, io) {
      const verbose = args[0] === '-v' || args[0] === '-V'
      const names = args.filter((a) => !a.startsWith('-'))
      if (!verbose) return names.length ? yield* invoke(names, io) : 0
      let status = 0
      for (const name of names) {
        const kind = kindOf(name)
        if (kind === undefined) status = 1
        else io.out.write(`${kind === 'builtin' || kind === 'function' ? name : kind}\n`)
      }
      return status
    },
    type: (args, io) => {
      let status = 0
      for (const name of args.filter((a) => !a.startsWith('-'))) {
        const kind = kindOf(name)
        if (kind === undefined) {
          io.err.write(state.invocation.flavour === 'bash' ? `${prefix()}type: ${name}: not found\n` : '')
          if (state.invocation.flavour !== 'bash') io.out.write(`${name}: not found\n`)
          status = 1
        } else if (kind === 'builtin') io.out.write(`${name} is a shell builtin\n`)
        else if (kind === 'function') io.out.write(`${name} is a function\n`)
        else io.out.write(`${name} is ${kind}\n`)
      }
      return done(status)
    },
    which: (args, io) => {
      let status = 0
      for (const name of args.filter((a) => !a.startsWith('-'))) {
        const kind = kindOf(name)
        if (kind === undefined || kind === 'builtin' || kind === 'function') {
          if (
            !(
              kind === 'builtin' &&
              ['echo', 'printf', 'test', '[', 'true', 'false', 'pwd', 'kill'].includes(name)
            )
          ) {
            status = 1
            continue
          }
          io.out.write(`${host.commandPath(name)}\n`)
        } else io.out.write(`${kind}\n`)
      }
      return done(status)
    },
    env: function* (args, io) {
      const assignments = args.filter((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a))
      if (args[0] === '--version' && state.invocation.flavour !== 'ash') {
        io.out.write('env (GNU coreutils) 9.1\n')
        return 0
      }
      // Options (-i, -u NAME, -0 …) change nothing here; the first other word is the command.
      const rest = args.filter(
        (a, i) => !assignments.includes(a) && !a.startsWith('-') && args[i - 1] !== '-u',
      )
      if (rest.length) return yield* invoke(rest, io)
      for (const name of state.exported) {
        const value = state.vars.get(name)
        if (value !== undefined) io.out.write(`${name}=${value}\n`)
      }
      for (const assignment of assignments) io.out.write(`${assignment}\n`)
      return 0
    },
    xargs: function* (args, io) {
      // xargs [-n N] [-I STR] [-0] [-r] [COMMAND [ARG…]]: stdin's words appended (or put in place of STR).
      let perCall = Number.POSITIVE_INFINITY
      let placeholder: string | undefined
      let nul = false
      let skipEmpty = false
      let i = 0
      for (; i < args.length; i++) {
        const arg = args[i] as string
        if (arg === '-n') perCall = Math.max(1, Number(args[++i]) || 1)
        else if (/^-n\d+$/.test(arg)) perCall = Math.max(1, Number(arg.slice(2)))
        else if (arg === '-I' || arg === '-i') placeholder = arg === '-i' ? '{}' : args[++i]
        else if (/^-[Ii].+/.test(arg)) placeholder = arg.slice(2)
        else if (arg === '-0') nul = true
        else if (/^-[rtp]+$/.test(arg)) skipEmpty ||= arg.includes('r')
        else break
      }
      const command = args.slice(i).length ? args.slice(i) : ['echo']
      const input = io.stdin.rest()
      const items = placeholder
        ? input.split(nul ? '\0' : '\n').filter((line) => line.trim() !== '')
        : input.split(nul ? '\0' : /\s+/).filter(Boolean)
      let status = 0
      const groups: string[][] = []
      if (placeholder)
        for (const item of items)
          groups.push(command.map((word) => word.split(placeholder as string).join(item.trim())))
      else if (items.length === 0) {
        if (!skipEmpty) groups.push(command)
      } else
        for (
          let at = 0;
          at < items.length;
          at += perCall === Number.POSITIVE_INFINITY ? items.length : perCall
        )
          groups.push([...command, ...items.slice(at, at + perCall)])
      for (const argv of groups) {
        step()
        const code = yield* invoke(argv, { ...io, stdin: new Input('') })
        if (code === 127) {
          return 127
        }
        if (code !== 0) status = 123
      }
      return status
    },
    printenv: (args, io) => {
      if (args.length === 0) return BUILTINS.env?.([], io, 'env') ?? done(0)
      let status = 0
      for (const name of args) {
        const value = state.exported.has(name) ? state.vars.get(name) : undefined
        if (value === undefined) status = 1
        else io.out.write(`${value}\n`)
      }
      return done(status)
    },
    umask: (args, io) => {
      if (args.length === 0) io.out.write(host.uid === 0 ? '0022\n' : '0002\n')
      return done(0)
    },
    ulimit: (_args, io) => {
      io.out.write('unlimited\n')
      return done(0)
    },
    alias: () => done(0),
    unalias: () => done(0),
    wait: () => done(0),
    trap: () => done(0),
    hash: () => done(0),
    sleep: (args, io) => {
      if (args.length === 0) {
        io.err.write("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return done(1)
      }
      return done(0)
    },
    kill: (args, io) => {
      const pid = args.find((a) => /^\d+$/.test(a))
      if (pid === undefined) {
        io.err.write(
          `${prefix()}kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n`,
        )
        return done(2)
      }
      io.err.write(`${prefix()}kill: (${pid}) - No such process\n`)
      return done(1)
    },
  }
  if (invocation.flavour !== 'bash') delete BUILTINS.source

  /** What `command -v` / `type` say a name is: builtin, function, a path, or undefined. */
  function kindOf(name: string): string | undefined {
    if (state.functions.has(name)) return 'function'
    if (
      BUILTINS[name] &&
      name !== 'which' &&
      name !== 'env' &&
      name !== 'printenv' &&
      name !== 'sleep' &&
      name !== 'nohup' &&
      name !== 'xargs'
    )
      return 'builtin'
    if (name.includes('/')) return host.fs.stat(resolve(name), host.now()) ? name : undefined
    if (host.ships && !host.ships(name)) return undefined
    if (
      FILTERS[name] ||
      host.commands[name] ||
      ['which', 'env', 'printenv', 'sleep', 'nohup', 'xargs', 'sh'].includes(name) ||
      (name === 'bash' && host.bash)
    )
      return host.commandPath(name)
    return undefined
  }

  return {
    get cwd() {
      return state.cwd
    },
    get status() {
      return state.status
    },
    incomplete: (text) => {
      try {
        parseScript(text)
        return false
      } catch (error) {
        return error instanceof ShellSyntaxError && error.problem === 'eof'
      }
    },
    environment: () =>
      [...state.exported].flatMap((name) => {
        const value = state.vars.get(name)
        return value === undefined ? [] : [[name, value] as [string, string]]
      }),
    run: function* (line, out) {
      steps = 0
      expanded = 0
      depth = 0
      forks = 0
      let printed = 0
      let cut = false
      const sink = (fd: 1 | 2): Sink => ({
        write: (text) => {
          if (text === '') return
          const room = MAX_OUTPUT_CHARS - printed
          if (text.length > room) {
            if (!cut) host.limitReached?.('shell_output', MAX_OUTPUT_CHARS)
            cut = true
          }
          const kept = text.length > room ? text.slice(0, Math.max(0, room)) : text
          printed += kept.length
          if (kept) out(kept, fd)
        },
      })
      const io: Io = { stdin: new Input(''), out: sink(1), err: sink(2), terminal: true }
      let script: Script
      try {
        script = parseScript(line)
      } catch (error) {
        if (!(error instanceof ShellSyntaxError)) throw error
        io.err.write(syntaxMessage(error, prefix()))
        state.status = 2
        return { status: 2, exit: false }
      }
      try {
        const status = yield* runScript(script, io)
        state.status = status
        return { status, exit: false }
      } catch (signal) {
        if (signal instanceof ExitSignal) return { status: signal.code, exit: true }
        if (signal instanceof ReturnSignal || signal instanceof LoopSignal)
          return { status: state.status, exit: false }
        if (signal instanceof LimitSignal) {
          host.limitReached?.(
            signal.limit === 'steps' ? 'shell_steps' : 'shell_depth',
            signal.limit === 'steps' ? MAX_STEPS : MAX_CALL_DEPTH,
          )
          io.err.write(limitMessage(signal.limit, forks, state.invocation))
          state.status = 254
          return { status: 254, exit: false }
        }
        throw signal
      }
    },
  }
}

/** What the shell prints when a line is not valid sh. */
export function syntaxMessage(error: ShellSyntaxError, prefix: string): string {
  switch (error.problem) {
    case 'eof':
      return ['"', "'", '`'].includes(error.token)
        ? `${prefix}unexpected EOF while looking for matching \`${error.token}'\n${prefix}syntax error: unexpected end of file\n`
        : `${prefix}syntax error: unexpected end of file\n`
    case 'nesting':
      return `${prefix}maximum nesting level exceeded\n`
    case 'too-long':
      return `${prefix}Argument list too long\n`
    default:
      return `${prefix}syntax error near unexpected token \`${error.token}'\n`
  }
}

/** A runaway line (fork bomb, endless loop, deep recursion) ends as the real shell's would fail. */
function limitMessage(limit: 'steps' | 'depth', forks: number, invocation: Invocation): string {
  const prefix = `${invocation.name}: `
  if (forks > 64)
    return invocation.flavour === 'ash'
      ? `${prefix}can't fork: Resource temporarily unavailable\n`
      : `${prefix}fork: retry: Resource temporarily unavailable\n${prefix}fork: Resource temporarily unavailable\n`
  if (limit === 'depth') return `${prefix}maximum function nesting level exceeded (${MAX_CALL_DEPTH})\n`
  return `${prefix}xmalloc: cannot allocate memory\n`
}
