import { printf } from './echo-printf.ts'
import { type Filter, inputs, options, regexSource } from './filters.ts'

/**
 * awk, the subset one-liners in attack scripts use: `BEGIN`/`END` and pattern rules (`/re/`,
 * comparisons, `&&`/`||`/`!`, `$n ~ /re/`), actions of `print`, `printf`, assignments (`=`, `+=`,
 * `++`), `next`; expressions over fields, NR/NF/FNR/FS, variables, strings, numbers, concatenation,
 * arithmetic and `length`/`substr`/`tolower`/`toupper`/`int`. Anything else is a syntax error in
 * mawk's words (Debian's default awk), bounded in steps like the rest of the shell.
 */

type Token = { kind: 'num' | 'str' | 're' | 'name' | 'field' | 'op'; text: string }
type Expr =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 're'; v: RegExp }
  | { t: 'var'; name: string }
  | { t: 'field'; index: Expr }
  | { t: 'unary'; op: string; e: Expr }
  | { t: 'binary'; op: string; l: Expr; r: Expr }
  | { t: 'assign'; op: string; target: Expr; e: Expr }
  | { t: 'incr'; op: '++' | '--'; target: Expr }
  | { t: 'call'; name: string; args: Expr[] }
type Statement =
  | { t: 'print'; args: Expr[] }
  | { t: 'printf'; args: Expr[] }
  | { t: 'expr'; e: Expr }
  | { t: 'next' }
type Rule = { kind: 'begin' | 'end' | 'main'; pattern?: Expr; body?: Statement[] }

class AwkSyntaxError extends Error {}
class NextSignal {}

const MAX_AWK_STEPS = 200_000

function tokenize(program: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const canStartRegex = () => {
    const last = tokens.at(-1)
    return !last || (last.kind === 'op' && !')]'.includes(last.text)) || last.text === '~'
  }
  while (i < program.length) {
    const c = program[i] as string
    if (c === ' ' || c === '\t') {
      i++
      continue
    }
    if (c === '\n' || c === ';') {
      tokens.push({ kind: 'op', text: ';' })
      i++
      continue
    }
    const number = /^\d+(\.\d+)?/.exec(program.slice(i))
    if (number) {
      tokens.push({ kind: 'num', text: number[0] })
      i += number[0].length
      continue
    }
    if (c === '"') {
      let text = ''
      i++
      while (i < program.length && program[i] !== '"') {
        if (program[i] === '\\') {
          const next = program[i + 1] ?? ''
          text += next === 'n' ? '\n' : next === 't' ? '\t' : next
          i += 2
        } else text += program[i++]
      }
      if (i >= program.length) throw new AwkSyntaxError('runaway string constant')
      i++
      tokens.push({ kind: 'str', text })
      continue
    }
    if (c === '/' && canStartRegex()) {
      let text = ''
      i++
      while (i < program.length && program[i] !== '/') {
        if (program[i] === '\\') text += program[i++]
        text += program[i++]
      }
      if (i >= program.length) throw new AwkSyntaxError('runaway regular expression')
      i++
      tokens.push({ kind: 're', text })
      continue
    }
    const name = /^[A-Za-z_]\w*/.exec(program.slice(i))
    if (name) {
      tokens.push({ kind: 'name', text: name[0] })
      i += name[0].length
      continue
    }
    const op = /^(\+\+|--|\+=|-=|\*=|\/=|==|!=|<=|>=|&&|\|\||!~|[-+*/%<>=!~(){},$?:])/.exec(program.slice(i))
    if (!op) throw new AwkSyntaxError(c)
    tokens.push({ kind: 'op', text: op[0] })
    i += op[0].length
  }
  return tokens
}

class Parser {
  private at = 0
  constructor(private readonly tokens: Token[]) {}
  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset]
  }
  private is(text: string): boolean {
    const token = this.peek()
    return token !== undefined && (token.kind === 'op' || token.kind === 'name') && token.text === text
  }
  private expect(text: string): void {
    if (!this.is(text)) throw new AwkSyntaxError(this.peek()?.text ?? 'end of file')
    this.at++
  }
  private skipSeparators(): void {
    while (this.is(';')) this.at++
  }

  program(): Rule[] {
    const rules: Rule[] = []
    this.skipSeparators()
    while (this.peek()) {
      if (this.is('BEGIN') || this.is('END')) {
        const kind = this.is('BEGIN') ? 'begin' : 'end'
        this.at++
        rules.push({ kind, body: this.block() })
      } else {
        const pattern = this.is('{') ? undefined : this.expression()
        const body = this.is('{') ? this.block() : undefined
        rules.push({ kind: 'main', ...(pattern ? { pattern } : {}), ...(body ? { body } : {}) })
      }
      this.skipSeparators()
    }
    return rules
  }

  private block(): Statement[] {
    this.expect('{')
    const statements: Statement[] = []
    this.skipSeparators()
    while (!this.is('}')) {
      if (!this.peek()) throw new AwkSyntaxError('end of file')
      statements.push(this.statement())
      this.skipSeparators()
    }
    this.expect('}')
    return statements
  }

  private statement(): Statement {
    if (this.is('print') || this.is('printf')) {
      const kind = this.is('print') ? 'print' : 'printf'
      this.at++
      const args: Expr[] = []
      const parenthesised = this.is('(') && kind === 'printf'
      if (parenthesised) this.at++
      while (this.peek() && !this.is(';') && !this.is('}') && !this.is(')')) {
        args.push(this.expression())
        if (this.is(',')) this.at++
        else break
      }
      if (parenthesised) this.expect(')')
      return { t: kind, args }
    }
    if (this.is('next')) {
      this.at++
      return { t: 'next' }
    }
    return { t: 'expr', e: this.expression() }
  }

  expression(): Expr {
    return this.assignment()
  }

  private assignment(): Expr {
    const left = this.or()
    const token = this.peek()
    if (token?.kind === 'op' && ['=', '+=', '-=', '*=', '/='].includes(token.text)) {
      if (left.t !== 'var' && left.t !== 'field') throw new AwkSyntaxError(token.text)
      this.at++
      return { t: 'assign', op: token.text, target: left, e: this.assignment() }
    }
    return left
  }

  /** `operand (op operand)*` for one precedence level, grouped to the left as awk does. */
  private leftAssociative(ops: readonly string[], operand: () => Expr): Expr {
    let left = operand()
    while (ops.some((op) => this.is(op))) {
      const op = this.peek()?.text as string
      this.at++
      left = { t: 'binary', op, l: left, r: operand() }
    }
    return left
  }

  /** `||`, then `&&`, then the regex matches `~` `!~`: the loosest binary levels, loosest first. */
  private or(): Expr {
    const match = () => this.leftAssociative(['~', '!~'], () => this.comparison())
    return this.leftAssociative(['||'], () => this.leftAssociative(['&&'], match))
  }

  private comparison(): Expr {
    const left = this.concatenation()
    const token = this.peek()
    if (token?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.at++
      return { t: 'binary', op: token.text, l: left, r: this.concatenation() }
    }
    return left
  }

  private concatenation(): Expr {
    let left = this.additive()
    while (this.startsOperand()) left = { t: 'binary', op: 'concat', l: left, r: this.additive() }
    return left
  }

  private startsOperand(): boolean {
    const token = this.peek()
    if (!token) return false
    if (token.kind === 'num' || token.kind === 'str' || token.kind === 'field') return true
    if (token.kind === 'name') return !['in', 'getline'].includes(token.text)
    return token.kind === 'op' && (token.text === '$' || token.text === '(' || token.text === '!')
  }

  /** `+` `-`, then `*` `/` `%`. */
  private additive(): Expr {
    return this.leftAssociative(['+', '-'], () => this.leftAssociative(['*', '/', '%'], () => this.unary()))
  }

  private unary(): Expr {
    if (this.is('!') || this.is('-')) {
      const op = this.peek()?.text as string
      this.at++
      return { t: 'unary', op, e: this.unary() }
    }
    if (this.is('++') || this.is('--')) {
      const op = this.peek()?.text as '++' | '--'
      this.at++
      return { t: 'incr', op, target: this.primary() }
    }
    const value = this.primary()
    if ((this.is('++') || this.is('--')) && (value.t === 'var' || value.t === 'field')) {
      const op = this.peek()?.text as '++' | '--'
      this.at++
      return { t: 'incr', op, target: value }
    }
    return value
  }

  private primary(): Expr {
    const token = this.peek()
    if (!token) throw new AwkSyntaxError('end of file')
    this.at++
    if (token.kind === 'num') return { t: 'num', v: Number(token.text) }
    if (token.kind === 'str') return { t: 'str', v: token.text }
    if (token.kind === 're') return { t: 're', v: new RegExp(regexSource(token.text, true)) }
    if (token.kind === 'op' && token.text === '$') return { t: 'field', index: this.primary() }
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.expression()
      this.expect(')')
      return inner
    }
    if (token.kind === 'name') {
      if (this.is('(') && FUNCTIONS.has(token.text)) {
        this.at++
        const args: Expr[] = []
        while (!this.is(')')) {
          args.push(this.expression())
          if (this.is(',')) this.at++
          else break
        }
        this.expect(')')
        return { t: 'call', name: token.text, args }
      }
      if (FUNCTIONS.has(token.text)) return { t: 'call', name: token.text, args: [] }
      return { t: 'var', name: token.text }
    }
    throw new AwkSyntaxError(token.text)
  }
}

const FUNCTIONS = new Set(['length', 'substr', 'tolower', 'toupper', 'int', 'index'])

const toNumber = (value: string | number): number => {
  if (typeof value === 'number') return value
  const match = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(value)
  return match ? Number(match[0]) : 0
}
const toText = (value: string | number): string =>
  typeof value === 'string'
    ? value
    : Number.isInteger(value)
      ? String(value)
      : String(Number(value.toPrecision(6)))
const looksNumeric = (value: string | number) =>
  typeof value === 'number' || /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value)

export const awk: Filter = (args, io, context) => {
  const { values, operands } = options(args, 'Fv')
  const program = operands.shift() ?? ''
  let rules: Rule[]
  try {
    rules = new Parser(tokenize(program)).program()
  } catch (error) {
    const near = error instanceof AwkSyntaxError ? error.message : 'end of file'
    io.err(`awk: line 1: syntax error at or near ${near}\n`)
    io.status?.(2)
    return ''
  }
  const vars = new Map<string, string | number>()
  const assignment = values.get('v')
  if (assignment?.includes('='))
    vars.set(assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1))
  const separator = values.get('F')
  let fields: string[] = []
  let record = ''
  let nr = 0
  let fnr = 0
  let steps = 0
  const out: string[] = []
  const split = (line: string) =>
    separator === undefined || separator === ' '
      ? line
          .trim()
          .split(/[ \t]+/)
          .filter(Boolean)
      : line.split(separator.length === 1 ? separator : new RegExp(separator))
  const field = (n: number): string => (n === 0 ? record : (fields[n - 1] ?? ''))
  const setField = (n: number, value: string) => {
    if (n === 0) {
      record = value
      fields = split(value)
    } else {
      while (fields.length < n) fields.push('')
      fields[n - 1] = value
      record = fields.join(' ')
    }
  }
  const special = (name: string): string | number | undefined =>
    name === 'NR'
      ? nr
      : name === 'FNR'
        ? fnr
        : name === 'NF'
          ? fields.length
          : name === 'FS'
            ? (separator ?? ' ')
            : undefined
  const evaluate = (e: Expr): string | number => {
    if (++steps > MAX_AWK_STEPS) throw new AwkSyntaxError('too many steps')
    switch (e.t) {
      case 'num':
        return e.v
      case 'str':
        return e.v
      case 're':
        return e.v.test(record) ? 1 : 0
      case 'var':
        return special(e.name) ?? vars.get(e.name) ?? ''
      case 'field':
        return field(Math.max(0, Math.floor(toNumber(evaluate(e.index)))))
      case 'unary':
        return e.op === '!' ? (truthy(evaluate(e.e)) ? 0 : 1) : -toNumber(evaluate(e.e))
      case 'incr': {
        const before = toNumber(evaluate(e.target))
        store(e.target, before + (e.op === '++' ? 1 : -1))
        return before
      }
      case 'assign': {
        const value = evaluate(e.e)
        const current = toNumber(evaluate(e.target))
        const next =
          e.op === '='
            ? value
            : e.op === '+='
              ? current + toNumber(value)
              : e.op === '-='
                ? current - toNumber(value)
                : e.op === '*='
                  ? current * toNumber(value)
                  : current / (toNumber(value) || 1)
        store(e.target, next)
        return next
      }
      case 'call':
        return call(e.name, e.args)
      case 'binary':
        return binary(e)
    }
  }
  const truthy = (value: string | number) => (typeof value === 'number' ? value !== 0 : value !== '')
  const store = (target: Expr, value: string | number) => {
    if (target.t === 'var') vars.set(target.name, value)
    else if (target.t === 'field') setField(Math.floor(toNumber(evaluate(target.index))), toText(value))
  }
  const call = (name: string, args: Expr[]): string | number => {
    const values = args.map(evaluate)
    const text = toText(values[0] ?? record)
    switch (name) {
      case 'length':
        return text.length
      case 'substr': {
        const start = Math.max(1, Math.floor(toNumber(values[1] ?? 1)))
        return values[2] === undefined
          ? text.slice(start - 1)
          : text.slice(start - 1, start - 1 + toNumber(values[2]))
      }
      case 'tolower':
        return text.toLowerCase()
      case 'toupper':
        return text.toUpperCase()
      case 'int':
        return Math.trunc(toNumber(values[0] ?? 0))
      default:
        return text.indexOf(toText(values[1] ?? '')) + 1
    }
  }
  const binary = (e: Extract<Expr, { t: 'binary' }>): string | number => {
    if (e.op === '&&') return truthy(evaluate(e.l)) && truthy(evaluate(e.r)) ? 1 : 0
    if (e.op === '||') return truthy(evaluate(e.l)) || truthy(evaluate(e.r)) ? 1 : 0
    if (e.op === '~' || e.op === '!~') {
      const pattern = e.r.t === 're' ? e.r.v : new RegExp(regexSource(toText(evaluate(e.r)), true))
      const hit = pattern.test(toText(evaluate(e.l)))
      return hit === (e.op === '~') ? 1 : 0
    }
    const l = evaluate(e.l)
    const r = evaluate(e.r)
    if (e.op === 'concat') return toText(l) + toText(r)
    if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
      const numeric = looksNumeric(l) && looksNumeric(r)
      const a = numeric ? toNumber(l) : toText(l)
      const b = numeric ? toNumber(r) : toText(r)
      const result = { '==': a === b, '!=': a !== b, '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[
        e.op
      ]
      return result ? 1 : 0
    }
    const a = toNumber(l)
    const b = toNumber(r)
    return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : e.op === '%' ? a % b : a / b
  }
  const run = (statements: Statement[]) => {
    for (const statement of statements) {
      if (statement.t === 'next') throw new NextSignal()
      if (statement.t === 'expr') evaluate(statement.e)
      else if (statement.t === 'print')
        out.push(
          `${statement.args.length ? statement.args.map((a) => toText(evaluate(a))).join(' ') : record}\n`,
        )
      else {
        const [format, ...rest] = statement.args.map((a) => toText(evaluate(a)))
        out.push(printf([format ?? '', ...rest]).out)
      }
    }
  }
  try {
    for (const rule of rules) if (rule.kind === 'begin') run(rule.body ?? [])
    const main = rules.filter((rule) => rule.kind === 'main')
    const ends = rules.filter((rule) => rule.kind === 'end')
    if (main.length || ends.length) {
      const found = inputs(
        'awk',
        operands,
        io,
        context,
        (path) => `cannot open "${path}" (No such file or directory)`,
      )
      for (const input of found) {
        fnr = 0
        const lines = input.text.split('\n')
        if (lines.at(-1) === '') lines.pop()
        for (const line of lines) {
          nr++
          fnr++
          setField(0, line)
          try {
            for (const rule of main) {
              if (rule.pattern && !truthy(evaluate(rule.pattern))) continue
              if (rule.body) run(rule.body)
              else out.push(`${record}\n`)
            }
          } catch (signal) {
            if (!(signal instanceof NextSignal)) throw signal
          }
        }
      }
      for (const rule of ends) run(rule.body ?? [])
    }
  } catch (error) {
    if (!(error instanceof AwkSyntaxError)) throw error
    io.err('awk: run time error: program too long\n')
    io.status?.(2)
  }
  return out.join('')
}
