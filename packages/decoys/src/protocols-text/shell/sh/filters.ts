import { awk } from './awk.ts'
import { sed } from './sed.ts'

/**
 * The text tools intruders chain in pipes (cat, head, tail, grep, wc, base64, tr, sort, uniq, cut,
 * awk (awk.ts), tee, seq, sed (sed.ts)), reading their files or stdin and failing in the words of GNU coreutils
 * (busybox's on busybox hosts).
 */

export type ReadResult =
  | { text: string }
  | { error: 'No such file or directory' | 'Is a directory' | 'Permission denied' }

export type FilterIo = {
  /** Everything on stdin not read yet. */
  readonly stdin: string
  err(text: string): void
  status?(code: number): void
}

export type FilterContext = {
  busybox: boolean
  read(path: string): ReadResult
  /** Writes a file for tee; an error reason when it cannot. */
  write(path: string, text: string, append: boolean): string | undefined
  /** A directory's entries (directories end with `/`), for `grep -r`; undefined when not a directory. */
  list?(path: string): string[] | undefined
}

export type Filter = (args: string[], io: FilterIo, context: FilterContext) => string

/** Splits `-abc` style flags from operands; `valued` flags take the next argument (or the rest of the word). */
export function options(
  args: string[],
  valued: string,
): { flags: Set<string>; values: Map<string, string>; operands: string[] } {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  const operands: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-' || arg.length === 1) {
      operands.push(arg)
      continue
    }
    if (arg.startsWith('--')) {
      const [name, value] = arg.slice(2).split('=', 2) as [string, string | undefined]
      flags.add(`--${name}`)
      if (value !== undefined) values.set(`--${name}`, value)
      continue
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j] as string
      if (valued.includes(flag)) {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i]
        if (value !== undefined) values.set(flag, value)
        flags.add(flag)
        break
      }
      flags.add(flag)
    }
  }
  return { flags, values, operands }
}

/** The inputs named by `operands` (stdin when none or `-`), with errors reported as `tool` does. */
export function inputs(
  tool: string,
  operands: string[],
  io: FilterIo,
  context: FilterContext,
  cannotOpen: (path: string, reason: string) => string,
): { name: string; text: string }[] {
  const found: { name: string; text: string }[] = []
  for (const path of operands.length ? operands : ['-']) {
    if (path === '-') {
      found.push({ name: '-', text: io.stdin })
      continue
    }
    const result = context.read(path)
    if ('text' in result) found.push({ name: path, text: result.text })
    else {
      io.err(`${tool}: ${cannotOpen(path, result.error)}\n`)
      io.status?.(tool === 'grep' || tool === 'sort' ? 2 : 1)
    }
  }
  return found
}

export const plainError = (path: string, reason: string) => `${path}: ${reason}`
export const lines = (text: string) => {
  const parts = text.split('\n')
  if (parts.at(-1) === '') parts.pop()
  return parts
}
export const joined = (parts: string[]) => (parts.length ? `${parts.join('\n')}\n` : '')

const cat: Filter = (args, io, context) => {
  const { operands } = options(args, '')
  return inputs('cat', operands, io, context, plainError)
    .map((input) => input.text)
    .join('')
}

function headTail(tool: 'head' | 'tail'): Filter {
  return (args, io, context) => {
    // `head -5` is `head -n 5`.
    const normalised = args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a))
    const { flags, values, operands } = options(normalised, 'nc')
    const count = values.get('c') ?? values.get('n') ?? '10'
    const bytes = values.has('c')
    const fromStart = count.startsWith('+')
    const n = Math.abs(Number.parseInt(count, 10))
    if (Number.isNaN(n)) {
      io.err(`${tool}: invalid number of ${bytes ? 'bytes' : 'lines'}: ‘${count}’\n`)
      io.status?.(1)
      return ''
    }
    const cannot = (path: string, reason: string) =>
      context.busybox ? `can't open '${path}': ${reason}` : `cannot open '${path}' for reading: ${reason}`
    const found = inputs(tool, operands, io, context, cannot)
    const headers = found.length > 1 && !flags.has('q')
    return found
      .map((input, index) => {
        let body: string
        if (bytes)
          body =
            tool === 'head'
              ? input.text.slice(0, n)
              : fromStart
                ? input.text.slice(n - 1)
                : input.text.slice(-n || input.text.length)
        else {
          const all = lines(input.text)
          const picked =
            tool === 'head'
              ? count.startsWith('-') && values.has('n')
                ? all.slice(0, Math.max(0, all.length - n))
                : all.slice(0, n)
              : fromStart
                ? all.slice(Math.max(0, n - 1))
                : n === 0
                  ? []
                  : all.slice(-n)
          body = joined(picked)
          if (picked.length && picked.at(-1) === all.at(-1) && !input.text.endsWith('\n'))
            body = body.slice(0, -1)
        }
        return headers
          ? `${index ? '\n' : ''}==> ${input.name === '-' ? 'standard input' : input.name} <==\n${body}`
          : body
      })
      .join('')
  }
}

/** A POSIX bracket class or BRE/ERE pattern as a JavaScript regular expression source. */
export function regexSource(pattern: string, extended: boolean): string {
  const classes: Record<string, string> = {
    alpha: 'A-Za-z',
    digit: '0-9',
    alnum: 'A-Za-z0-9',
    upper: 'A-Z',
    lower: 'a-z',
    space: ' \\t\\n\\r\\f\\v',
    blank: ' \\t',
    punct: '!-\\/:-@\\[-`{-~',
    xdigit: '0-9A-Fa-f',
  }
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '[') {
      const end = pattern.indexOf(']', i + (pattern[i + 1] === '^' ? 3 : 2))
      if (end < 0) {
        out += '\\['
        continue
      }
      const body = pattern
        .slice(i + 1, end)
        .replace(/\[:(\w+):\]/g, (_, name: string) => classes[name] ?? '')
        .replace(/\\/g, '\\\\')
      out += `[${body}]`
      i = end
      continue
    }
    if (c === '\\') {
      const next = pattern[++i] ?? '\\'
      if (!extended && '(){}|+?'.includes(next)) out += next
      else out += `\\${next}`
      continue
    }
    if (!extended && '(){}|+?'.includes(c)) out += `\\${c}`
    else out += c
  }
  return out
}

const grep: Filter = (args, io, context) => {
  const { flags, values, operands } = options(args, 'eAmBC')
  const patterns = values.has('e') ? [values.get('e') as string] : operands.splice(0, 1)
  if (patterns.length === 0) {
    io.err(
      context.busybox
        ? 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n'
        : "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
    )
    io.status?.(2)
    return ''
  }
  const extended = flags.has('E') || flags.has('P')
  const source = flags.has('F')
    ? (patterns[0] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    : regexSource(patterns[0] as string, extended)
  const wrapped = flags.has('x')
    ? `^(?:${source})$`
    : flags.has('w')
      ? `(?<![\\w])(?:${source})(?![\\w])`
      : source
  let regex: RegExp
  try {
    regex = new RegExp(wrapped, flags.has('i') ? 'gi' : 'g')
  } catch {
    io.err('grep: Unmatched ( or \\(\n')
    io.status?.(2)
    return ''
  }
  const recursive = flags.has('r') || flags.has('R')
  const files = recursive ? treeFiles(operands.length ? operands : ['.'], context) : operands
  const found = inputs('grep', files, io, context, plainError)
  const named = (found.length > 1 || recursive) && !flags.has('h')
  const most = values.has('m') ? Math.max(0, Number(values.get('m')) || 0) : Number.POSITIVE_INFINITY
  let matched = 0
  let out = ''
  for (const input of found) {
    let count = 0
    for (const [index, line] of lines(input.text).entries()) {
      regex.lastIndex = 0
      if (count >= most) break
      const hit = regex.test(line) !== flags.has('v')
      if (!hit) continue
      count++
      matched++
      if (flags.has('q') || flags.has('l') || flags.has('c')) continue
      const prefix = `${named ? `${input.name === '-' ? '(standard input)' : input.name}:` : ''}${flags.has('n') ? `${index + 1}:` : ''}`
      if (flags.has('o') && !flags.has('v')) {
        regex.lastIndex = 0
        for (const match of line.matchAll(regex)) if (match[0]) out += `${prefix}${match[0]}\n`
      } else out += `${prefix}${line}\n`
    }
    if (flags.has('c')) out += `${named ? `${input.name}:` : ''}${count}\n`
    if (flags.has('l') && count) out += `${input.name === '-' ? '(standard input)' : input.name}\n`
  }
  if (flags.has('q')) out = ''
  io.status?.(matched ? 0 : 1)
  return out
}

/** `grep -r`: the files under each operand, depth-first in name order, bounded like `find`. */
function treeFiles(operands: string[], context: FilterContext): string[] {
  const files: string[] = []
  const walk = (path: string, depth: number) => {
    if (files.length >= 2_000) return
    const entries = depth < 16 && !path.startsWith('/proc') ? context.list?.(path) : undefined
    if (!entries) {
      files.push(path)
      return
    }
    for (const entry of entries) walk(`${path.replace(/\/$/, '')}/${entry.replace(/\/$/, '')}`, depth + 1)
  }
  for (const operand of operands) walk(operand, 0)
  return files
}

const wc: Filter = (args, io, context) => {
  const { flags, operands } = options(args, '')
  const chosen = ['l', 'w', 'm', 'c'].filter((f) => flags.has(f))
  const shown = chosen.length ? chosen : ['l', 'w', 'c']
  const found = inputs('wc', operands, io, context, plainError)
  const rows = found.map((input) => {
    const counts: Record<string, number> = {
      l: (input.text.match(/\n/g) ?? []).length,
      w: input.text.split(/\s+/).filter(Boolean).length,
      m: [...input.text].length,
      c: Buffer.byteLength(input.text),
    }
    return { name: input.name, values: shown.map((f) => counts[f] as number) }
  })
  if (rows.length > 1)
    rows.push({
      name: 'total',
      values: shown.map((_, i) => rows.reduce((sum, row) => sum + (row.values[i] as number), 0)),
    })
  const onlyStdin = operands.length === 0
  const width = onlyStdin
    ? shown.length === 1
      ? 0
      : 7
    : Math.max(...rows.flatMap((row) => row.values.map((v) => String(v).length)))
  return rows
    .map(
      (row) =>
        `${row.values.map((v) => String(v).padStart(width)).join(' ')}${row.name === '-' ? '' : ` ${row.name}`}\n`,
    )
    .join('')
}

const base64: Filter = (args, io, context) => {
  const { flags, values, operands } = options(args, 'w')
  const [input] = inputs('base64', operands, io, context, plainError)
  if (!input) return ''
  if (flags.has('d') || flags.has('--decode')) {
    const compact = input.text.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      // GNU prints what decoded before the bad byte, then complains.
      const good = /^[A-Za-z0-9+/]*/.exec(compact)?.[0] ?? ''
      io.err('base64: invalid input\n')
      io.status?.(1)
      return Buffer.from(good.slice(0, good.length - (good.length % 4)), 'base64').toString('utf8')
    }
    return Buffer.from(compact, 'base64').toString('utf8')
  }
  const encoded = Buffer.from(input.text, 'utf8').toString('base64')
  const wrap = Number(values.get('w') ?? '76')
  if (!wrap) return `${encoded}\n`
  return `${encoded.match(new RegExp(`.{1,${wrap}}`, 'g'))?.join('\n') ?? ''}\n`
}

/** A tr SET: ranges, classes and escapes expanded to its characters. */
function trSet(spec: string): string[] {
  const classes: Record<string, string> = {
    upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    lower: 'abcdefghijklmnopqrstuvwxyz',
    digit: '0123456789',
    space: ' \t\n\r\f\v',
    blank: ' \t',
  }
  classes.alpha = `${classes.upper}${classes.lower}`
  classes.alnum = `${classes.alpha}${classes.digit}`
  classes.punct = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
  classes.xdigit = '0123456789ABCDEFabcdef'
  const chars: string[] = []
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', f: '\f', v: '\v' }
  const unescaped: string[] = []
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string
    const cls = /^\[:(\w+):\]/.exec(spec.slice(i))
    if (cls && classes[cls[1] as string]) {
      unescaped.push(...[...(classes[cls[1] as string] as string)].map((ch) => `\u0000${ch}`))
      i += cls[0].length - 1
    } else if (c === '\\' && i + 1 < spec.length) {
      const octal = /^[0-7]{1,3}/.exec(spec.slice(i + 1))?.[0]
      if (octal) {
        unescaped.push(String.fromCharCode(Number.parseInt(octal, 8)))
        i += octal.length
      } else unescaped.push(escapes[spec[++i] as string] ?? (spec[i] as string))
    } else unescaped.push(c)
  }
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i] as string
    if (c.startsWith('\u0000')) {
      chars.push(c.slice(1))
      continue
    }
    const end = unescaped[i + 2]
    if (unescaped[i + 1] === '-' && end !== undefined && !end.startsWith('\u0000') && end >= c) {
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++)
        chars.push(String.fromCharCode(code))
      i += 2
    } else chars.push(c)
  }
  return chars
}

const tr: Filter = (args, io) => {
  const { flags, operands } = options(args, '')
  const complement = flags.has('c') || flags.has('C')
  const remove = flags.has('d')
  const squeeze = flags.has('s')
  if (operands.length === 0 || (!remove && !squeeze && operands.length < 2)) {
    io.err(
      operands.length === 0
        ? "tr: missing operand\nTry 'tr --help' for more information.\n"
        : `tr: missing operand after ‘${operands[0]}’\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`,
    )
    io.status?.(1)
    return ''
  }
  const set1 = new Set(trSet(operands[0] as string))
  const in1 = (c: string) => set1.has(c) !== complement
  const from = trSet(operands[0] as string)
  const to = operands[1] !== undefined ? trSet(operands[1]) : []
  const map = new Map<string, string>()
  if (!remove && to.length && !complement)
    for (const [i, c] of from.entries()) map.set(c, to[Math.min(i, to.length - 1)] as string)
  const squeezeSet = new Set(remove ? to : to.length ? to : [...set1])
  let out = ''
  for (const c of io.stdin) {
    if (remove && in1(c)) continue
    let mapped = c
    if (!remove && to.length) {
      if (complement) mapped = in1(c) ? (to.at(-1) as string) : c
      else mapped = map.get(c) ?? c
    }
    if (squeeze && out.endsWith(mapped) && (remove || to.length ? squeezeSet.has(mapped) : in1(mapped)))
      continue
    out += mapped
  }
  return out
}

const sort: Filter = (args, io, context) => {
  const { flags, values, operands } = options(args, 'kto')
  const all = inputs(
    'sort',
    operands,
    io,
    context,
    (path, reason) => `cannot read: ${path}: ${reason}`,
  ).flatMap((i) => lines(i.text))
  const separator = values.get('t')
  const keyField = values.has('k') ? Number.parseInt(values.get('k') as string, 10) : undefined
  const key = (line: string) => {
    const folded = flags.has('f') ? line.toUpperCase() : line
    if (keyField === undefined) return folded
    const fields = separator ? folded.split(separator) : folded.trim().split(/\s+/)
    return fields.slice(keyField - 1).join(separator ?? ' ')
  }
  const numeric = flags.has('n') || flags.has('h')
  const compare = (a: string, b: string) => {
    if (numeric) {
      const diff = (Number.parseFloat(key(a)) || 0) - (Number.parseFloat(key(b)) || 0)
      if (diff !== 0) return diff
    } else {
      const [ka, kb] = [key(a), key(b)]
      if (ka !== kb) return ka < kb ? -1 : 1
    }
    return a < b ? -1 : a > b ? 1 : 0
  }
  let sorted = [...all].sort(compare)
  if (flags.has('r')) sorted.reverse()
  if (flags.has('u'))
    sorted = sorted.filter((line, i) => i === 0 || compare(sorted[i - 1] as string, line) !== 0)
  return joined(sorted)
}

const uniq: Filter = (args, io, context) => {
  const { flags, operands } = options(args, '')
  const [input] = inputs('uniq', operands.slice(0, 1), io, context, plainError)
  if (!input) return ''
  const groups: { line: string; count: number }[] = []
  for (const line of lines(input.text)) {
    const last = groups.at(-1)
    const same =
      last && (flags.has('i') ? last.line.toLowerCase() === line.toLowerCase() : last.line === line)
    if (last && same) last.count++
    else groups.push({ line, count: 1 })
  }
  return joined(
    groups
      .filter((g) => (flags.has('d') ? g.count > 1 : flags.has('u') ? g.count === 1 : true))
      .map((g) => (flags.has('c') ? `${String(g.count).padStart(7)} ${g.line}` : g.line)),
  )
}

/** A cut LIST (`1,3-5,7-`) as a membership test on 1-based positions. */
function cutList(list: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = []
  for (const part of list.split(',')) {
    const match = /^(\d*)(-?)(\d*)$/.exec(part)
    if (!match || (match[1] === '' && match[3] === '')) return undefined
    const from = match[1] ? Number(match[1]) : 1
    const to = match[2] ? (match[3] ? Number(match[3]) : Number.POSITIVE_INFINITY) : from
    if (from < 1) return undefined
    ranges.push([from, to])
  }
  return (n) => ranges.some(([from, to]) => n >= from && n <= to)
}

const cut: Filter = (args, io, context) => {
  const { flags, values, operands } = options(args, 'dfcb')
  const list = values.get('f') ?? values.get('c') ?? values.get('b')
  const picked = list === undefined ? undefined : cutList(list)
  if (!picked) {
    io.err(
      list === undefined
        ? "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n"
        : `cut: invalid field value ‘${list}’\nTry 'cut --help' for more information.\n`,
    )
    io.status?.(1)
    return ''
  }
  const delimiter = values.get('d') ?? '\t'
  const found = inputs('cut', operands, io, context, plainError)
  const out: string[] = []
  for (const line of found.flatMap((i) => lines(i.text))) {
    if (!values.has('f')) {
      out.push([...line].filter((_, i) => picked(i + 1)).join(''))
      continue
    }
    if (!line.includes(delimiter)) {
      if (!flags.has('s')) out.push(line)
      continue
    }
    out.push(
      line
        .split(delimiter)
        .filter((_, i) => picked(i + 1))
        .join(delimiter),
    )
  }
  return joined(out)
}

const tee: Filter = (args, io, context) => {
  const { flags, operands } = options(args, '')
  const text = io.stdin
  for (const path of operands) {
    const error = context.write(path, text, flags.has('a'))
    if (error) {
      io.err(`tee: ${path}: ${error}\n`)
      io.status?.(1)
    }
  }
  return text
}

const seq: Filter = (args, io) => {
  const numbers = args.filter((a) => !/^-[a-z]/i.test(a)).map(Number)
  if (numbers.length === 0 || numbers.some(Number.isNaN)) {
    io.err(
      numbers.length === 0
        ? "seq: missing operand\nTry 'seq --help' for more information.\n"
        : `seq: invalid floating point argument: ‘${args.find((a) => Number.isNaN(Number(a)))}’\nTry 'seq --help' for more information.\n`,
    )
    io.status?.(1)
    return ''
  }
  const [first, step, last] =
    numbers.length === 1
      ? [1, 1, numbers[0] as number]
      : numbers.length === 2
        ? [numbers[0] as number, 1, numbers[1] as number]
        : (numbers as [number, number, number])
  const out: string[] = []
  // Bounded: `seq 1 100000000` prints the first MAX_SEQ lines, as a pipe closed early would.
  for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
    out.push(String(n))
    if (out.length >= MAX_SEQ || step === 0) break
  }
  return joined(out)
}
const MAX_SEQ = 100_000

export const FILTERS: Record<string, Filter> = {
  cat,
  head: headTail('head'),
  tail: headTail('tail'),
  grep,
  egrep: (args, io, context) => grep(['-E', ...args], io, context),
  fgrep: (args, io, context) => grep(['-F', ...args], io, context),
  wc,
  base64,
  tr,
  sort,
  uniq,
  cut,
  awk,
  tee,
  seq,
  sed,
}
