/**
 * `echo` and `printf` as each shell has them: bash and busybox echo take -n/-e/-E and print
 * backslashes as written; dash's echo takes only -n and always interprets escapes.
 */

export type EchoStyle = 'bash' | 'dash'

/** Interprets backslash escapes; `stop` is set when `\c` ends the output (echo, printf %b). */
function escapes(text: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '\\' || i === text.length - 1) {
      out += c
      continue
    }
    const next = text[++i] as string
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      e: '\x1b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    }
    if (simple[next] !== undefined) out += simple[next]
    else if (next === 'c') return { text: out, stop: true }
    else if (next === '0' || (!octalNeedsZero && /[0-7]/.test(next))) {
      const start = next === '0' && octalNeedsZero ? i + 1 : i
      const digits = /^[0-7]{0,3}/.exec(text.slice(start, start + 3))?.[0] ?? ''
      out += String.fromCharCode(Number.parseInt(digits || '0', 8) & 0xff)
      i = start + digits.length - 1
    } else if (next === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))?.[0] ?? ''
      out += String.fromCharCode(Number.parseInt(digits, 16))
      i += digits.length
    } else out += `\\${next}`
  }
  return { text: out, stop: false }
}

export function echo(args: string[], style: EchoStyle): string {
  let newline = true
  let interpret = style === 'dash'
  let index = 0
  for (; index < args.length; index++) {
    const arg = args[index] as string
    if (style === 'dash') {
      if (arg !== '-n') break
      newline = false
      continue
    }
    if (!/^-[neE]+$/.test(arg)) break
    for (const flag of arg.slice(1)) {
      if (flag === 'n') newline = false
      else interpret = flag === 'e'
    }
  }
  const words = args.slice(index).join(' ')
  if (!interpret) return newline ? `${words}\n` : words
  const { text, stop } = escapes(words, true)
  return stop || !newline ? text : `${text}\n`
}

const MAX_FIELD_WIDTH = 64 * 1024
const MAX_PRINTF_CHARS = 1024 * 1024

export type PrintfResult = { out: string; errors: string[] }

/** printf FORMAT [ARG]…: the format is reused while arguments remain, as POSIX says. */
export function printf(args: string[], name = 'printf'): PrintfResult {
  const errors: string[] = []
  const format = args[0]
  if (format === undefined) return { out: '', errors: [`${name}: usage: printf [-v var] format [arguments]`] }
  const values = args.slice(1)
  let used = 0
  let out = ''
  const number = (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return 0
    if (/^['"]/.test(raw)) return raw.codePointAt(1) ?? 0
    const trimmed = raw.trim()
    const value = /^[-+]?0x[0-9a-f]+$/i.test(trimmed)
      ? Number.parseInt(trimmed, 16)
      : /^[-+]?0[0-7]+$/.test(trimmed)
        ? Number.parseInt(trimmed, 8)
        : /^[-+]?\d+$/.test(trimmed)
          ? Number(trimmed)
          : Number.NaN
    if (Number.isNaN(value)) {
      errors.push(`${name}: ${raw}: invalid number`)
      return Number.parseInt(trimmed, 10) || 0
    }
    return value
  }
  for (;;) {
    const before = used
    let stopped = false
    let i = 0
    while (i < format.length) {
      const c = format[i] as string
      if (c === '\\') {
        const end = /^\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i))?.[0] ?? '\\'
        out += escapes(end, false).text
        i += end.length
        continue
      }
      if (c !== '%') {
        out += c
        i++
        continue
      }
      const spec = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcsbeEfgG%])/.exec(format.slice(i))
      if (!spec) {
        out += c
        i++
        continue
      }
      i += spec[0].length
      const conversion = spec[4] as string
      if (conversion === '%') {
        out += '%'
        continue
      }
      const flags = spec[1] ?? ''
      // Widths are bounded: `printf '%999999999s'` must not allocate a gigabyte.
      const bound = (n: number) => Math.min(Math.abs(n), MAX_FIELD_WIDTH)
      const width = bound(spec[2] === '*' ? number(values[used++]) : spec[2] ? Number(spec[2]) : 0)
      const precision =
        spec[3] === undefined
          ? undefined
          : bound(spec[3] === '*' ? number(values[used++]) : Number(spec[3] || '0'))
      const value = values[used++]
      let text: string
      switch (conversion) {
        case 's':
          text = value ?? ''
          if (precision !== undefined) text = text.slice(0, precision)
          break
        case 'b': {
          const expanded = escapes(value ?? '', true)
          text = expanded.text
          if (expanded.stop) stopped = true
          break
        }
        case 'c':
          text = (value ?? '').slice(0, 1)
          break
        case 'd':
        case 'i':
        case 'u': {
          const n = Math.trunc(number(value))
          text = String(Math.abs(n))
          if (precision !== undefined) text = text.padStart(precision, '0')
          if (n < 0) text = `-${text}`
          else if (flags.includes('+')) text = `+${text}`
          else if (flags.includes(' ')) text = ` ${text}`
          break
        }
        case 'o':
          text = Math.trunc(number(value)).toString(8)
          break
        case 'x':
          text = Math.trunc(number(value)).toString(16)
          break
        case 'X':
          text = Math.trunc(number(value)).toString(16).toUpperCase()
          break
        case 'e':
        case 'E':
          text = Number(value ?? 0)
            .toExponential(precision ?? 6)
            .replace(/e([+-])(\d)$/, 'e$10$2')
          if (conversion === 'E') text = text.toUpperCase()
          break
        case 'g':
        case 'G':
          text = String(Number(value ?? 0))
          break
        default:
          text = Number(value ?? 0).toFixed(precision ?? 6)
      }
      if (text.length < width) {
        if (flags.includes('-')) text = text.padEnd(width)
        else if (flags.includes('0') && /[diouxXeEfgG]/.test(conversion))
          text = /^[-+ ]/.test(text)
            ? text[0] + text.slice(1).padStart(width - 1, '0')
            : text.padStart(width, '0')
        else text = text.padStart(width)
      }
      out += text
      if (stopped) return { out, errors }
    }
    if (used >= values.length || used === before || out.length > MAX_PRINTF_CHARS) break
  }
  return { out, errors }
}
