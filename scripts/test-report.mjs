// Reads the suites' JSON reports for `npm test`'s summary: counts, and each failure's name and the
// first lines of its error (CI keeps only the tail of the output, so that is where failures must be).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './lib.mjs'

/**
 * Counts from one vitest JSON report. A file that failed with no failed test (it did not load, or a
 * hook such as afterAll threw after its tests passed) counts as one failure.
 */
export function vitestCounts(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  const brokenFiles = report.testResults.filter(
    (r) => r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed'),
  )
  const lastEnd = Math.max(report.startTime, ...report.testResults.map((r) => r.endTime ?? 0))
  const failures = []
  for (const result of report.testResults) {
    const file = path.relative(ROOT, result.name)
    for (const a of result.assertionResults.filter((x) => x.status === 'failed'))
      failures.push({ where: `${file} › ${a.fullName}`, why: a.failureMessages?.[0] })
  }
  for (const result of brokenFiles)
    failures.push({ where: path.relative(ROOT, result.name), why: result.message })
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles.length,
    skipped: report.numPendingTests + report.numTodoTests,
    seconds: (lastEnd - report.startTime) / 1000,
    failures,
  }
}

export function playwrightCounts(file) {
  const { stats, errors, suites } = JSON.parse(readFileSync(file, 'utf8'))
  const failures = (errors ?? []).map((e) => ({ where: 'e2e (outside a test)', why: e.message }))
  const visit = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? [])
        if (test.status === 'unexpected' || test.status === 'flaky') {
          const failed = test.results.find((r) => r.status !== 'passed' && r.status !== 'skipped')
          failures.push({
            where: `e2e/tests/${spec.file}:${spec.line} › ${spec.title}`,
            why: failed?.error?.message ?? failed?.status,
          })
        }
    for (const child of suite.suites ?? []) visit(child)
  }
  for (const suite of suites ?? []) visit(suite)
  return {
    passed: stats.expected,
    failed: stats.unexpected + stats.flaky + (errors?.length ?? 0),
    skipped: stats.skipped,
    seconds: stats.duration / 1000,
    failures,
  }
}

/** The first lines of a failure message, without colour codes, so the CI tail says what failed. */
function firstLines(message, count = 3) {
  if (!message) return ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters
  const plain = String(message).replace(/\x1b\[[0-9;]*m/g, '')
  const lines = plain
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  // The first line, then what was expected and received (a custom message may push those far down).
  const [first, ...rest] = lines
  const telling = rest.filter((l) => /^(Expected|Received|Locator|Timeout|AssertionError)\b/.test(l))
  const picked = [first, ...(telling.length > 0 ? telling : rest)].slice(0, count)
  return picked.map((l) => `      ${l.slice(0, 240)}`).join('\n')
}

/** One failure as two to four summary lines. */
export function failureLine(failure) {
  const why = firstLines(failure.why)
  return why ? `  ✘ ${failure.where}\n${why}` : `  ✘ ${failure.where}`
}
