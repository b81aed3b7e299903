import { type ParseEntry, parse } from 'shell-quote'

/**
 * A command line as the fake shell runs it: `;`/`&&`/`||`/`&`-separated pipelines of stages, each a
 * simple command or a `( … )` group, with output redirections. Quoting and `$VAR` expansion follow
 * POSIX sh (shell-quote); `$(…)`, here-documents and job control are not modelled.
 */
export type CommandSequence = Pipeline[]
export type Pipeline = Stage[]
export type Stage =
  | { kind: 'simple'; argv: string[]; redirects: Redirect[] }
  | { kind: 'group'; body: CommandSequence; redirects: Redirect[] }
/** `fd` 1 is stdout, 2 stderr; `target` `&1` means "to stdout" (2>&1). */
export type Redirect = { fd: 1 | 2; append: boolean; target: string } | { fd: 0; target: string }

type Token = ParseEntry

const SEPARATORS = new Set([';', '&&', '||', '&', ';;'])
const REDIRECTS = new Set(['>', '>>', '<', '>&', '>|'])

export function parseCommandLine(line: string, env: Readonly<Record<string, string>>): CommandSequence {
  let tokens: Token[]
  try {
    tokens = parse(line, env)
  } catch {
    // Unbalanced quotes: what the words are is anyone's guess; run it as plain words.
    tokens = line.split(/\s+/).filter(Boolean)
  }
  let index = 0
  const sequence = (closing: boolean): CommandSequence => {
    const pipelines: CommandSequence = []
    let pipeline: Pipeline = []
    let stage: Stage | undefined
    const endStage = () => {
      if (stage && (stage.kind === 'group' || stage.argv.length > 0)) pipeline.push(stage)
      stage = undefined
    }
    const endPipeline = () => {
      endStage()
      if (pipeline.length > 0) pipelines.push(pipeline)
      pipeline = []
    }
    while (index < tokens.length) {
      const token = tokens[index++] as Token
      if (typeof token === 'string' || 'pattern' in token) {
        const word = typeof token === 'string' ? token : token.pattern
        stage ??= { kind: 'simple', argv: [], redirects: [] }
        if (stage.kind === 'simple') stage.argv.push(word)
        continue
      }
      if ('comment' in token) break
      const op = token.op as string
      if (SEPARATORS.has(op)) endPipeline()
      else if (op === '|' || op === '|&') endStage()
      else if (op === '(') {
        endStage()
        stage = { kind: 'group', body: sequence(true), redirects: [] }
      } else if (op === ')') {
        if (closing) break
      } else if (REDIRECTS.has(op)) {
        stage ??= { kind: 'simple', argv: [], redirects: [] }
        const next = tokens[index++]
        const target = typeof next === 'string' ? next : ''
        // `2>x` arrives as the word `2` then `>`: a lone 1/2 before a redirection is its descriptor.
        const last = stage.kind === 'simple' ? stage.argv.at(-1) : undefined
        const fd = last === '2' || last === '1' ? Number(last) : 1
        if (last === '2' || last === '1') stage.kind === 'simple' && stage.argv.pop()
        if (op === '<') stage.redirects.push({ fd: 0, target })
        else
          stage.redirects.push({
            fd: fd as 1 | 2,
            append: op === '>>',
            target: op === '>&' ? `&${target}` : target,
          })
      }
    }
    endPipeline()
    return pipelines
  }
  return sequence(false)
}
