// Issue 20: routers are thin. A procedure file calls at most a lookup, a domain function and an output
// mapper; the rules (and the errors they throw) live in named modules, and `new TRPCError` appears
// only in the error map and the auth middleware. Checked on the syntax tree, not by grepping text.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', 'src')
const ROUTERS = join(SRC, 'routers')
/** The error map, the auth middleware of queries and mutations, and that of streams. */
const MAY_CONSTRUCT_TRPC_ERRORS = ['errors.ts', 'trpc.ts', 'auth/session-watch.ts']
/** Imports, the builder chain and one call: a procedure longer than this is doing something itself. */
const MAX_PROCEDURE_LINES = 25

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

function parse(path: string, text = readFileSync(path, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
}

function nodes(file: ts.SourceFile): ts.Node[] {
  const all: ts.Node[] = []
  const visit = (node: ts.Node) => {
    all.push(node)
    ts.forEachChild(node, visit)
  }
  visit(file)
  return all
}

function constructsTrpcError(file: ts.SourceFile): boolean {
  return nodes(file).some(
    (node) =>
      ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'TRPCError',
  )
}

/** What a procedure file may not contain: each is a rule, a loop or a helper that belongs in a module. */
function procedureViolations(file: ts.SourceFile): string[] {
  const found: string[] = []
  const at = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1
  for (const node of nodes(file)) {
    if (ts.isThrowStatement(node)) found.push(`throw at line ${at(node)}`)
    else if (ts.isIfStatement(node)) found.push(`if at line ${at(node)}`)
    else if (ts.isTryStatement(node)) found.push(`try at line ${at(node)}`)
    else if (ts.isIterationStatement(node, false)) found.push(`loop at line ${at(node)}`)
    else if (ts.isFunctionDeclaration(node))
      found.push(`function ${node.name?.text ?? ''} at line ${at(node)}`)
    else if ((ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken)
      found.push(`generator at line ${at(node)}`)
    else if (ts.isImportDeclaration(node) && /\bTRPCError\b/.test(node.getText(file)))
      found.push(`imports TRPCError at line ${at(node)}`)
  }
  const lines = file.text.trimEnd().split('\n').length
  if (lines > MAX_PROCEDURE_LINES) found.push(`${lines} lines (at most ${MAX_PROCEDURE_LINES})`)
  return found
}

/** A file defining a procedure: it ends a builder chain with .query/.mutation/.subscription. */
function definesProcedure(file: ts.SourceFile): boolean {
  return nodes(file).some(
    (node) =>
      ts.isPropertyAccessExpression(node) &&
      ['query', 'mutation', 'subscription'].includes(node.name.text) &&
      ts.isCallExpression(node.parent),
  )
}

const routerFiles = sourceFiles(ROUTERS).filter((path) => !path.endsWith('.types.ts'))
const procedureFiles = routerFiles.filter((path) => definesProcedure(parse(path)))

describe('thin routers', () => {
  it('finds the procedures (the scan sees the tree it guards)', () => {
    expect(procedureFiles.length).toBeGreaterThanOrEqual(35)
    expect(procedureFiles.map((path) => relative(ROUTERS, path))).toContain('hosts/enroll-host.ts')
  })

  it('constructs TRPCError only in the error map and the auth middleware', () => {
    const constructing = sourceFiles(SRC)
      .filter((path) => constructsTrpcError(parse(path)))
      .map((path) => relative(SRC, path))
      .sort()
    expect(constructing).toContain('errors.ts')
    expect(constructing.filter((path) => !MAY_CONSTRUCT_TRPC_ERRORS.includes(path))).toEqual([])
  })

  it('no file under routers/ throws: refusals are domain errors thrown by the modules routers call', () => {
    const throwing = routerFiles.filter((path) => nodes(parse(path)).some(ts.isThrowStatement))
    expect(throwing.map((path) => relative(ROUTERS, path))).toEqual([])
  })

  it('every procedure file is a short delegation: no branches, loops, try, helpers or own errors', () => {
    const offenders = Object.fromEntries(
      procedureFiles
        .map((path) => [relative(ROUTERS, path), procedureViolations(parse(path))] as const)
        .filter(([, found]) => found.length > 0),
    )
    expect(offenders).toEqual({})
  })

  it('the check catches what the routers used to hold (the old fleet.mutate host check)', () => {
    const old = parse(
      'old-mutate.ts',
      `import { TRPCError } from '@trpc/server'
export const mutateProcedure = adminProcedure.input(I).output(O).mutation(async ({ ctx, input }) => {
  const decky = await ctx.services.db.fleet.get(input.name)
  if (!decky) throw new TRPCError({ code: 'NOT_FOUND', message: 'no decky named x' })
  for (const name of [decky.name]) void name
  return commit(decky)
})
`,
    )
    expect(definesProcedure(old)).toBe(true)
    expect(constructsTrpcError(old)).toBe(true)
    expect(procedureViolations(old)).toEqual([
      'imports TRPCError at line 1',
      'if at line 4',
      'throw at line 4',
      'loop at line 5',
    ])
  })
})
