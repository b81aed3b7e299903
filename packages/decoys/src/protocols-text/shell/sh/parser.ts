import type { Command, ParamOp, Redirect, Script, SimpleCommand, Word, WordPart } from './ast.ts'

/**
 * A recursive-descent parser for the sh subset in ast.ts. It works on the raw characters (not a
 * token stream) because `$( … )`, backticks and quotes nest inside words. Bounded: a script longer
 * than MAX_SCRIPT_CHARS or nested deeper than MAX_NESTING is refused with a ShellSyntaxError.
 */

export const MAX_SCRIPT_CHARS = 256 * 1024
/** Deepest nesting of `$( )`, backticks, ( ), { } and compound commands. */
export const MAX_NESTING = 64

export type SyntaxProblem = 'syntax' | 'eof' | 'nesting' | 'too-long'

export class ShellSyntaxError extends Error {
  constructor(
    readonly problem: SyntaxProblem,
    /** The token bash names (`syntax error near unexpected token `X'`), or the quote looked for. */
    readonly token: string,
  ) {
    super(`${problem}: ${token}`)
  }
}

const RESERVED = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'while',
  'until',
  'for',
  'do',
  'done',
  '{',
  '}',
  '!',
  'case',
  'esac',
  'in',
])
const DELIMITERS = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')'])
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/
const REDIRECT = /^(\d?)(>>|>&|>\||>|<<<|<&|<<|<>|<)|^(&>>|&>)/

export function parseScript(source: string, depth = 0): Script {
  if (source.length > MAX_SCRIPT_CHARS) throw new ShellSyntaxError('too-long', '')
  const parser = new Parser(source, depth)
  const script = parser.list([], false)
  if (!parser.finished()) throw new ShellSyntaxError('syntax', parser.nextToken())
  return script
}

class Parser {
  private pos = 0
  private lineAt = { pos: 0, line: 1 }
  private readonly hereDocuments: {
    redirect: Redirect
    delimiter: string
    literal: boolean
    stripTabs: boolean
  }[] = []

  constructor(
    private readonly src: string,
    private depth: number,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.src.length
  }

  /** The token at the cursor as bash quotes it in a syntax error. */
  nextToken(): string {
    if (this.atEnd()) return 'newline'
    const two = this.src.slice(this.pos, this.pos + 2)
    if (['&&', '||', ';;'].includes(two)) return two
    const c = this.src[this.pos] as string
    if (c === '\n') return 'newline'
    if (DELIMITERS.has(c)) return c
    return this.peekReserved() ?? c
  }

  private fail(): never {
    // Out of input mid-construct (`if …; then`, `a &&`, `( …`): more lines would complete it.
    if (this.atEnd()) throw new ShellSyntaxError('eof', 'newline')
    throw new ShellSyntaxError('syntax', this.nextToken())
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) throw new ShellSyntaxError('nesting', '')
  }

  private line(): number {
    // Positions only move forward within one parser; count newlines since the last question.
    if (this.pos < this.lineAt.pos) this.lineAt = { pos: 0, line: 1 }
    for (let i = this.lineAt.pos; i < this.pos; i++) if (this.src[i] === '\n') this.lineAt.line++
    this.lineAt.pos = this.pos
    return this.lineAt.line
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos]
      if (c === ' ' || c === '\t') this.pos++
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++
      } else return
    }
  }

  private skipNewlines(): void {
    for (;;) {
      this.skipBlanks()
      if (this.src[this.pos] !== '\n') return
      this.pos++
      this.hereDocumentBodies()
    }
  }

  /** After a newline: the bodies of the here-documents opened on the line before, in order. */
  private hereDocumentBodies(): void {
    for (const pending of this.hereDocuments.splice(0)) {
      let body = ''
      for (;;) {
        if (this.atEnd()) throw new ShellSyntaxError('eof', 'newline')
        const end = this.src.indexOf('\n', this.pos)
        const raw = this.src.slice(this.pos, end < 0 ? this.src.length : end)
        this.pos = end < 0 ? this.src.length : end + 1
        const line = pending.stripTabs ? raw.replace(/^\t+/, '') : raw
        if (line === pending.delimiter) break
        body += `${line}\n`
      }
      pending.redirect.target = pending.literal
        ? [{ type: 'text', text: body, quoted: true }]
        : new Parser(body, this.depth + 1).arithmeticWord()
    }
  }

  /** `atEnd` for a whole script: here-documents still waiting for their bodies are unfinished. */
  finished(): boolean {
    if (this.hereDocuments.length > 0) throw new ShellSyntaxError('eof', 'newline')
    return this.atEnd()
  }

  /** The reserved word at the cursor (unquoted, followed by a delimiter), if any. */
  private peekReserved(): string | undefined {
    let end = this.pos
    while (end < this.src.length && !DELIMITERS.has(this.src[end] as string)) end++
    const word = this.src.slice(this.pos, end)
    return RESERVED.has(word) ? word : undefined
  }

  private expectReserved(word: string): void {
    this.skipNewlines()
    if (this.peekReserved() !== word) this.fail()
    this.pos += word.length
  }

  /** A list of and-or pipelines up to one of `stops` (reserved words), `)` when `paren`, or the end. */
  list(stops: string[], paren: boolean, caseItem = false): Script {
    const items: Script['items'] = []
    for (;;) {
      this.skipNewlines()
      if (this.atEnd()) break
      const c = this.src[this.pos]
      if (paren && c === ')') break
      if (caseItem && this.src.startsWith(';;', this.pos)) break
      const reserved = this.peekReserved()
      if (reserved && stops.includes(reserved)) break
      const andOr = this.andOr()
      this.skipBlanks()
      const next = this.src[this.pos]
      if (next === '&' && this.src[this.pos + 1] !== '&') {
        this.pos++
        items.push({ andOr, background: true })
      } else if (next === ';' && this.src[this.pos + 1] !== ';') {
        this.pos++
        items.push({ andOr, background: false })
      } else if (
        next === '\n' ||
        next === undefined ||
        (paren && next === ')') ||
        (caseItem && this.src.startsWith(';;', this.pos))
      ) {
        items.push({ andOr, background: false })
      } else {
        const word = this.peekReserved()
        if (word && stops.includes(word)) items.push({ andOr, background: false })
        else this.fail()
      }
    }
    return { items }
  }

  private andOr(): Script['items'][number]['andOr'] {
    const first = this.pipeline()
    const rest: { op: '&&' | '||'; pipeline: ReturnType<Parser['pipeline']> }[] = []
    for (;;) {
      this.skipBlanks()
      const op = this.src.slice(this.pos, this.pos + 2)
      if (op !== '&&' && op !== '||') break
      this.pos += 2
      this.skipNewlines()
      rest.push({ op, pipeline: this.pipeline() })
    }
    return { first, rest }
  }

  private pipeline(): { negated: boolean; commands: Command[] } {
    this.skipBlanks()
    let negated = false
    if (this.peekReserved() === '!') {
      this.pos++
      negated = true
    }
    const commands = [this.command()]
    for (;;) {
      this.skipBlanks()
      if (this.src[this.pos] !== '|' || this.src[this.pos + 1] === '|') break
      this.pos += this.src[this.pos + 1] === '&' ? 2 : 1
      this.skipNewlines()
      commands.push(this.command())
    }
    return { negated, commands }
  }

  private compound<T>(parse: () => T): T {
    this.enter()
    const result = parse()
    this.depth--
    return result
  }

  private command(): Command {
    this.skipBlanks()
    const c = this.src[this.pos]
    if (c === '(') {
      this.pos++
      const body = this.compound(() => this.list([], true))
      if (this.src[this.pos] !== ')') this.fail()
      this.pos++
      return { kind: 'subshell', body, redirects: this.redirects() }
    }
    const reserved = this.peekReserved()
    switch (reserved) {
      case '{': {
        this.pos++
        const body = this.compound(() => this.list(['}'], false))
        this.expectReserved('}')
        return { kind: 'group', body, redirects: this.redirects() }
      }
      case 'if': {
        this.pos += 2
        return this.compound(() => {
          const branches: { test: Script; body: Script }[] = []
          let otherwise: Script | undefined
          for (;;) {
            const test = this.list(['then'], false)
            this.expectReserved('then')
            const body = this.list(['elif', 'else', 'fi'], false)
            branches.push({ test, body })
            const next = this.peekReserved()
            if (next === 'elif') {
              this.pos += 4
              continue
            }
            if (next === 'else') {
              this.pos += 4
              otherwise = this.list(['fi'], false)
            }
            this.expectReserved('fi')
            break
          }
          return { kind: 'if', branches, ...(otherwise ? { otherwise } : {}), redirects: this.redirects() }
        })
      }
      case 'while':
      case 'until': {
        this.pos += reserved.length
        return this.compound(() => {
          const test = this.list(['do'], false)
          this.expectReserved('do')
          const body = this.list(['done'], false)
          this.expectReserved('done')
          return { kind: 'loop', until: reserved === 'until', test, body, redirects: this.redirects() }
        })
      }
      case 'for': {
        this.pos += 3
        this.skipBlanks()
        const name = NAME.exec(this.src.slice(this.pos, this.pos + 256))?.[0]
        if (!name) this.fail()
        this.pos += name.length
        this.skipNewlines()
        let items: Word[] | undefined
        if (this.peekReserved() === 'in') {
          this.pos += 2
          items = []
          for (;;) {
            this.skipBlanks()
            const next = this.src[this.pos]
            if (next === undefined || next === ';' || next === '\n') break
            const word = this.word()
            if (word.length === 0) this.fail()
            items.push(word)
          }
        }
        this.skipBlanks()
        if (this.src[this.pos] === ';') this.pos++
        return this.compound(() => {
          this.expectReserved('do')
          const body = this.list(['done'], false)
          this.expectReserved('done')
          return { kind: 'for', name, ...(items ? { items } : {}), body, redirects: this.redirects() }
        })
      }
      case 'case':
        this.pos += 4
        return this.compound(() => this.caseCommand())
      case undefined:
        break
      default:
        // `then`, `fi`, `done`, `}` … where a command should start.
        this.fail()
    }
    if (c === undefined || c === ')' || c === ';' || c === '&' || c === '|' || c === '\n') this.fail()
    return this.simple()
  }

  /** `case WORD in [(]PATTERN[|PATTERN]…) LIST ;; … esac` (the cursor is past `case`). */
  private caseCommand(): Command {
    this.skipBlanks()
    const subject = this.word()
    if (subject.length === 0) this.fail()
    this.skipNewlines()
    if (this.peekReserved() !== 'in') this.fail()
    this.pos += 2
    const items: { patterns: Word[]; body: Script }[] = []
    for (;;) {
      this.skipNewlines()
      if (this.peekReserved() === 'esac') {
        this.pos += 4
        break
      }
      if (this.atEnd()) this.fail()
      if (this.src[this.pos] === '(') this.pos++
      const patterns: Word[] = []
      for (;;) {
        this.skipBlanks()
        const pattern = this.word()
        if (pattern.length === 0) this.fail()
        patterns.push(pattern)
        this.skipBlanks()
        if (this.src[this.pos] === '|') {
          this.pos++
          continue
        }
        if (this.src[this.pos] !== ')') this.fail()
        this.pos++
        break
      }
      const body = this.list(['esac'], false, true)
      items.push({ patterns, body })
      this.skipNewlines()
      if (this.src.startsWith(';;', this.pos)) this.pos += 2
      else if (this.peekReserved() !== 'esac') this.fail()
    }
    return { kind: 'case', subject, items, redirects: this.redirects() }
  }

  private redirects(): Redirect[] {
    const found: Redirect[] = []
    for (;;) {
      this.skipBlanks()
      const redirect = this.redirect()
      if (!redirect) return found
      found.push(redirect)
    }
  }

  private redirect(): Redirect | undefined {
    const match = REDIRECT.exec(this.src.slice(this.pos, this.pos + 5))
    if (!match) return undefined
    const raw = (match[2] ?? match[3]) as string
    this.pos += match[0].length
    if (raw === '<<') return this.hereDocument(match[1] ? Number(match[1]) : 0)
    const op = (raw === '>|' ? '>' : raw === '<>' ? '<' : raw) as Redirect['op']
    const fd = match[1] ? Number(match[1]) : op.startsWith('<') ? 0 : 1
    this.skipBlanks()
    const target = this.word()
    if (target.length === 0) this.fail()
    return { fd, op, target }
  }

  /** `<<WORD` / `<<-WORD`: the body comes after the end of this line (hereDocumentBodies). */
  private hereDocument(fd: number): Redirect {
    const stripTabs = this.src[this.pos] === '-'
    if (stripTabs) this.pos++
    this.skipBlanks()
    const word = this.word()
    if (word.length === 0) this.fail()
    const delimiter = word.map((part) => (part.type === 'text' ? part.text : '')).join('')
    const literal = word.some((part) => part.type === 'text' && part.quoted)
    const redirect: Redirect = { fd, op: '<<', target: [] }
    this.hereDocuments.push({ redirect, delimiter, literal, stripTabs })
    return redirect
  }

  private simple(): Command {
    const line = this.line()
    const command: SimpleCommand = { kind: 'simple', assignments: [], words: [], redirects: [], line }
    for (;;) {
      this.skipBlanks()
      const c = this.src[this.pos]
      if (c === undefined || c === '\n' || c === ';' || c === '|' || c === ')') break
      if (c === '&' && this.src[this.pos + 1] !== '>') break
      const redirect = this.redirect()
      if (redirect) {
        command.redirects.push(redirect)
        continue
      }
      if (c === '(') {
        // `name() { …; }`: a function definition (the fork bomb `:(){ :|:& };:` is one).
        const only = command.words[0]?.[0]
        if (
          command.words.length === 1 &&
          command.assignments.length === 0 &&
          only?.type === 'text' &&
          !only.quoted
        ) {
          const close = /^\(\s*\)/.exec(this.src.slice(this.pos, this.pos + 64))
          if (!close) this.fail()
          this.pos += close[0].length
          this.skipNewlines()
          const body = this.compound(() => this.command())
          return { kind: 'function', name: only.text, body }
        }
        this.fail()
      }
      const word = this.word()
      if (word.length === 0) this.fail()
      const head = word[0]
      const assignment =
        command.words.length === 0 && head?.type === 'text' && !head.quoted
          ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(head.text)
          : null
      if (assignment) {
        const rest = head?.type === 'text' ? head.text.slice(assignment[0].length) : ''
        const value: Word = [
          ...(rest ? [{ type: 'text' as const, text: rest, quoted: false }] : []),
          ...word.slice(1),
        ]
        command.assignments.push({ name: assignment[1] as string, value })
      } else command.words.push(word)
    }
    if (command.words.length === 0 && command.assignments.length === 0 && command.redirects.length === 0)
      this.fail()
    return command
  }

  /** One word: unquoted text up to a delimiter, with quotes and expansions inside. */
  word(stop?: string): Word {
    const parts: WordPart[] = []
    const text = (value: string, quoted: boolean) => {
      const last = parts.at(-1)
      if (last?.type === 'text' && last.quoted === quoted) last.text += value
      else parts.push({ type: 'text', text: value, quoted })
    }
    for (;;) {
      const c = this.src[this.pos]
      if (c === undefined) break
      if (stop !== undefined ? c === stop : DELIMITERS.has(c)) break
      if (c === '\\') {
        const next = this.src[this.pos + 1]
        this.pos += 2
        if (next === undefined) text('\\', false)
        else if (next !== '\n') text(next, true)
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1)
        if (end < 0) throw new ShellSyntaxError('eof', "'")
        text(this.src.slice(this.pos + 1, end), true)
        this.pos = end + 1
      } else if (c === '"') {
        this.pos++
        const before = parts.length
        this.doubleQuoted(parts, text)
        // `""` is still a (empty) field.
        if (parts.length === before) text('', true)
      } else if (c === '$') parts.push(this.dollar(false) ?? { type: 'text', text: '$', quoted: false })
      else if (c === '`') parts.push(this.backtick(false))
      else {
        text(c, false)
        this.pos++
      }
    }
    // Merge `$` literals that came back as separate parts.
    return parts.reduce<WordPart[]>((merged, part) => {
      const last = merged.at(-1)
      if (part.type === 'text' && last?.type === 'text' && last.quoted === part.quoted) last.text += part.text
      else merged.push(part)
      return merged
    }, [])
  }

  arithmeticWord(): Word {
    const parts: WordPart[] = []
    const text = (value: string) => {
      const last = parts.at(-1)
      if (last?.type === 'text') last.text += value
      else parts.push({ type: 'text', text: value, quoted: true })
    }
    this.doubleQuoted(parts, text, true)
    return parts
  }

  private doubleQuoted(
    parts: WordPart[],
    text: (value: string, quoted: boolean) => void,
    toEnd = false,
  ): void {
    for (;;) {
      const c = this.src[this.pos]
      if (c === undefined) {
        if (toEnd) return
        throw new ShellSyntaxError('eof', '"')
      }
      if (c === '"' && !toEnd) {
        this.pos++
        return
      }
      if (c === '\\') {
        const next = this.src[this.pos + 1]
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          if (next !== '\n') text(next, true)
          this.pos += 2
        } else {
          text('\\', true)
          this.pos++
        }
      } else if (c === '$') {
        const part = this.dollar(true)
        if (part) parts.push(part)
        else text('$', true)
      } else if (c === '`') parts.push(this.backtick(true))
      else {
        text(c, true)
        this.pos++
      }
    }
  }

  /** `$…` at the cursor; undefined (cursor past the `$`) when it is a plain dollar sign. */
  private dollar(quoted: boolean): WordPart | undefined {
    const next = this.src[this.pos + 1]
    if (next === '(' && this.src[this.pos + 2] === '(') {
      this.pos += 3
      const start = this.pos
      let depth = 0
      for (;;) {
        const c = this.src[this.pos]
        if (c === undefined) throw new ShellSyntaxError('eof', ')')
        if (c === '(') depth++
        else if (c === ')') {
          if (depth === 0 && this.src[this.pos + 1] === ')') break
          depth--
        }
        this.pos++
      }
      const raw = this.src.slice(start, this.pos)
      this.pos += 2
      if (this.depth + 1 > MAX_NESTING) throw new ShellSyntaxError('nesting', '')
      // Inside $(( )) only expansions are special, as between double quotes.
      return { type: 'arith', expr: new Parser(raw, this.depth + 1).arithmeticWord(), quoted }
    }
    if (next === '(') {
      this.pos += 2
      const body = this.compound(() => this.list([], true))
      if (this.src[this.pos] !== ')') throw new ShellSyntaxError('eof', ')')
      this.pos++
      return { type: 'command', body, quoted }
    }
    if (next === '{') {
      this.pos += 2
      return this.compound(() => this.braceParam(quoted))
    }
    this.pos++
    const name = NAME.exec(this.src.slice(this.pos, this.pos + 256))?.[0]
    if (name) {
      this.pos += name.length
      return { type: 'param', name, quoted }
    }
    if (next !== undefined && /[0-9?$#!@*-]/.test(next)) {
      this.pos++
      return { type: 'param', name: next, quoted }
    }
    return undefined
  }

  private braceParam(quoted: boolean): WordPart {
    let length = false
    if (this.src[this.pos] === '#' && this.src[this.pos + 1] !== '}') {
      length = true
      this.pos++
    }
    const name =
      NAME.exec(this.src.slice(this.pos, this.pos + 256))?.[0] ??
      (/[0-9?$#!@*-]/.test(this.src[this.pos] ?? '') ? this.src[this.pos] : undefined)
    if (!name) throw new ShellSyntaxError('syntax', '${')
    this.pos += name.length
    if (length) {
      if (this.src[this.pos] !== '}') throw new ShellSyntaxError('syntax', '${')
      this.pos++
      return { type: 'param', name, op: 'length', quoted }
    }
    if (this.src[this.pos] === '}') {
      this.pos++
      return { type: 'param', name, quoted }
    }
    const op = /^(:-|:=|:\+|:\?|-|=|\+|\?|##|#|%%|%)/.exec(this.src.slice(this.pos, this.pos + 2))?.[0] as
      | ParamOp
      | undefined
    if (!op) throw new ShellSyntaxError('syntax', '${')
    this.pos += op.length
    const arg = this.word('}')
    if (this.src[this.pos] !== '}') throw new ShellSyntaxError('eof', '}')
    this.pos++
    // Inside `${x:-…}` quoting of the word is its own; the whole expansion is quoted when it is.
    return { type: 'param', name, op, arg, quoted }
  }

  private backtick(quoted: boolean): WordPart {
    let inner = ''
    let i = this.pos + 1
    for (;;) {
      const c = this.src[i]
      if (c === undefined) throw new ShellSyntaxError('eof', '`')
      if (c === '`') break
      if (c === '\\' && '`\\$'.includes(this.src[i + 1] ?? '')) {
        inner += this.src[i + 1]
        i += 2
      } else {
        inner += c
        i++
      }
    }
    this.pos = i + 1
    if (this.depth + 1 > MAX_NESTING) throw new ShellSyntaxError('nesting', '')
    return { type: 'command', body: parseScript(inner, this.depth + 1), quoted }
  }
}
