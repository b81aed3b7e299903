import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TCP_STACKS } from '@decnet/core'
import { afterAll, describe, expect, it } from 'vitest'
import { TCP_STACK_OBJECT } from '../image/build.ts'

const SHAPER_DIR = join(import.meta.dirname, '..', 'shaper')
const work = mkdtempSync(join(tmpdir(), 'decnet-bpf-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the committed TCP/IP stack BPF object', () => {
  it('is what shaper/build.sh compiles from the committed C source (clang, libbpf-dev)', () => {
    // Guards a shaper that silently ran stale code: the C was edited, the object not rebuilt.
    const rebuilt = join(work, 'tcp-stack.bpf.o')
    execFileSync(join(SHAPER_DIR, 'build.sh'), [rebuilt], { encoding: 'utf8', timeout: 60_000 })
    expect(readFileSync(rebuilt).equals(readFileSync(TCP_STACK_OBJECT))).toBe(true)
  }, 70_000)

  it('holds every program a stack profile names', () => {
    const object = readFileSync(TCP_STACK_OBJECT)
    for (const stack of TCP_STACKS) {
      if (!stack.shaping) continue
      const programs = [stack.shaping.program, stack.shaping.ingressProgram].filter(Boolean)
      for (const program of programs) expect(object.includes(`classifier/${program}\0`)).toBe(true)
    }
    expect(object.includes('classifier/not-a-program\0')).toBe(false)
  })
})
