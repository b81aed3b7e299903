/**
 * `$(( … ))`: integer arithmetic as sh has it (64-bit in the shells, JavaScript numbers here, which
 * agree for the values scripts use): + - * / % ** << >> comparisons, bitwise and logical operators,
 * unary - + ! ~, parentheses and variables by name.
 */
export class ArithmeticError extends Error {}

export function evaluateArithmetic(expression: string, variable: (name: string) => string): number {
  const tokens = expression.match(
    /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~&|^?:])/g,
  )
  const compact = expression.replace(/\s+/g, '')
  if (compact === '') return 0
  if (!tokens || tokens.join('').replace(/\s+/g, '') !== compact)
    throw new ArithmeticError(`${expression.trim()}: syntax error: invalid arithmetic operator`)
  const list = tokens.map((t) => t.trim())
  let pos = 0
  const peek = () => list[pos]
  const levels: string[][] = [
    ['||'],
    ['&&'],
    ['|'],
    ['^'],
    ['&'],
    ['==', '!='],
    ['<', '<=', '>', '>='],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ]
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '||':
        return a || b ? 1 : 0
      case '&&':
        return a && b ? 1 : 0
      case '|':
        return a | b
      case '^':
        return a ^ b
      case '&':
        return a & b
      case '==':
        return a === b ? 1 : 0
      case '!=':
        return a !== b ? 1 : 0
      case '<':
        return a < b ? 1 : 0
      case '<=':
        return a <= b ? 1 : 0
      case '>':
        return a > b ? 1 : 0
      case '>=':
        return a >= b ? 1 : 0
      case '<<':
        return a << b
      case '>>':
        return a >> b
      case '+':
        return a + b
      case '-':
        return a - b
      case '*':
        return a * b
      case '/':
      case '%':
        if (b === 0)
          throw new ArithmeticError(`${expression.trim()}: division by 0 (error token is "${String(b)}")`)
        return op === '/' ? Math.trunc(a / b) : a % b
      default:
        return 0
    }
  }
  const binary = (level: number): number => {
    if (level === levels.length) return power()
    let value = binary(level + 1)
    while (levels[level]?.includes(peek() ?? '')) {
      const op = list[pos++] as string
      value = apply(op, value, binary(level + 1))
    }
    return value
  }
  const power = (): number => {
    const base = unary()
    if (peek() === '**') {
      pos++
      return base ** power()
    }
    return base
  }
  const unary = (): number => {
    const token = list[pos++]
    if (token === undefined)
      throw new ArithmeticError(
        `${expression.trim()}: syntax error: operand expected (error token is "${expression.trim()}")`,
      )
    if (token === '-') return -unary()
    if (token === '+') return unary()
    if (token === '!') return unary() ? 0 : 1
    if (token === '~') return ~unary()
    if (token === '(') {
      const value = ternary()
      if (list[pos++] !== ')') throw new ArithmeticError(`${expression.trim()}: syntax error: missing ')'`)
      return value
    }
    if (/^\d/.test(token))
      return token.startsWith('0') && token.length > 1 && !/^0[xX]/.test(token)
        ? Number.parseInt(token, 8)
        : Number(token)
    if (/^[A-Za-z_]/.test(token)) {
      const raw = variable(token).trim()
      if (raw === '') return 0
      const n = Number(raw)
      if (!Number.isInteger(n))
        throw new ArithmeticError(
          `${raw}: syntax error: invalid arithmetic operator (error token is "${raw}")`,
        )
      return n
    }
    throw new ArithmeticError(
      `${expression.trim()}: syntax error: operand expected (error token is "${token}")`,
    )
  }
  const ternary = (): number => {
    const condition = binary(0)
    if (peek() !== '?') return condition
    pos++
    const yes = ternary()
    if (list[pos++] !== ':') throw new ArithmeticError(`${expression.trim()}: syntax error: expected ':'`)
    const no = ternary()
    return condition ? yes : no
  }
  const value = ternary()
  if (pos < list.length)
    throw new ArithmeticError(
      `${expression.trim()}: syntax error in expression (error token is "${list.slice(pos).join(' ')}")`,
    )
  return value
}
