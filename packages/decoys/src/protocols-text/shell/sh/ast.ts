/**
 * The syntax tree of the POSIX sh subset the fake shell understands: lists of and-or pipelines,
 * simple commands with assignments and redirections, ( ) and { } groups, if/while/until/for and
 * function definitions. Words keep their quoting so expansion can split and glob only what a real
 * shell would.
 */

export type Script = { items: ListItem[] }
export type ListItem = { andOr: AndOr; background: boolean }
export type AndOr = { first: Pipeline; rest: { op: '&&' | '||'; pipeline: Pipeline }[] }
export type Pipeline = { negated: boolean; commands: Command[] }

export type Command =
  | SimpleCommand
  | { kind: 'subshell'; body: Script; redirects: Redirect[] }
  | { kind: 'group'; body: Script; redirects: Redirect[] }
  | { kind: 'if'; branches: { test: Script; body: Script }[]; otherwise?: Script; redirects: Redirect[] }
  | { kind: 'loop'; until: boolean; test: Script; body: Script; redirects: Redirect[] }
  | { kind: 'for'; name: string; items?: Word[]; body: Script; redirects: Redirect[] }
  | { kind: 'case'; subject: Word; items: { patterns: Word[]; body: Script }[]; redirects: Redirect[] }
  | { kind: 'function'; name: string; body: Command }

export type SimpleCommand = {
  kind: 'simple'
  assignments: { name: string; value: Word }[]
  words: Word[]
  redirects: Redirect[]
  /** 1-based line of the script the command starts on (error messages name it). */
  line: number
}

/** `fd` defaults: 1 for output operators, 0 for input. `dup` targets (`2>&1`) hold the fd number. */
export type Redirect = {
  fd: number
  op: '>' | '>>' | '<' | '>&' | '<&' | '<<' | '<<<' | '&>' | '&>>'
  target: Word
}

export type Word = WordPart[]
export type WordPart =
  | { type: 'text'; text: string; quoted: boolean }
  | { type: 'param'; name: string; op?: ParamOp; arg?: Word; quoted: boolean }
  | { type: 'command'; body: Script; quoted: boolean }
  | { type: 'arith'; expr: Word; quoted: boolean }

export type ParamOp = '-' | ':-' | '=' | ':=' | '+' | ':+' | '?' | ':?' | 'length' | '#' | '##' | '%' | '%%'
