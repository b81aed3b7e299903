// The decoy shell's interpreter against the real shells: each pure command line (echo, printf, test,
// expansion, quoting, exit codes, pipes through coreutils, command substitution) runs through Debian's
// dash, bash and busybox sh, and through the fake shell as `sh -c` (dash on a Debian persona), as the
// login bash and as an Alpine persona's login ash; stdout and exit status must be the same. Error wording is compared for the messages
// intruders see most (unknown command, cd, test).
import { spawn } from 'node:child_process'
import { quote } from 'shell-quote'
import { describe, expect, it } from 'vitest'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'

type Real = { stdout: string; stderr: string; status: number }

/** Runs `script` with the real shell (`sh` as argv[0] for dash, as Debian's /bin/sh is). */
function real(shell: 'dash' | 'bash' | 'busybox', script: string, args = ['-c', script]): Promise<Real> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, shell === 'busybox' ? ['sh', ...args] : args, {
      argv0: shell === 'dash' ? 'sh' : shell,
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: '/root' },
      timeout: 20_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ stdout, stderr, status: code ?? -1 }))
  })
}

const debian = debianPersona('0123456789abcdef0123456789abcdef')
const alpine = alpinePersona('2'.repeat(32))
const fresh = (persona = debian) => createShell(shellHost(persona, { bindAddress: '10.20.30.40' }), 'root')

/**
 * The fake shell's stdout and status for `script` run as `sh -c` on a Debian persona (dash), in its
 * login bash, or in an Alpine persona's login ash (busybox).
 */
function ours(
  shell: 'dash' | 'bash' | 'busybox',
  script: string,
): { stdout: string; status: number | undefined } {
  const line = shell === 'dash' ? `sh -c ${quote([script])} 2>/dev/null` : `{ ${script}\n} 2>/dev/null`
  const outcome = fresh(shell === 'busybox' ? alpine : debian).run(line)
  return { stdout: outcome.output, status: outcome.status }
}

/** Pure command lines: no file, clock or host identity in their output. */
const CASES = [
  'echo hello world',
  'echo "a  b"   c',
  "echo 'single $HOME'",
  'x=1; echo $x',
  'x="a b"; for w in $x; do echo "[$w]"; done',
  "x='a b'; printf '%s\\n' \"$x\"",
  'echo ${unset_var:-default}',
  'x=; echo ${x:-empty} ${x-unset} ${y-unset}',
  'x=hello; echo ${#x}',
  'x=file.tar.gz; echo ${x%.gz} ${x%%.*} ${x#*.} ${x##*.}',
  'echo $((1+2*3)) $((10/3)) $((10%3)) $(( (1+2)*3 ))',
  'echo $(( 7 > 3 )) $(( 3 == 4 )) $((-5 + 2))',
  'false; echo $?',
  'true && echo yes || echo no',
  'false && echo yes || echo no',
  '! true; echo $?',
  'echo $(echo inner)',
  'echo `echo back`',
  'echo "$(echo a; echo b)"',
  "echo $(printf 'a\\nb\\n')",
  "printf '%s-%s\\n' a b c d",
  "printf '%5s|%-5s|%03d\\n' ab cd 7",
  "printf '%x %o %c %%\\n' 255 8 zebra",
  'test 1 -eq 1; echo $?',
  '[ a = b ]; echo $?',
  '[ -z "" ] && echo empty',
  '[ 2 -gt 10 ] || echo notgreater',
  '[ abc ]; echo $?',
  'test ! -n ""; echo $?',
  '[ 1 -lt 2 -a 3 -gt 2 ]; echo $?',
  '[ 1 -eq a ]; echo $?',
  'echo one two three | tr a-z A-Z',
  'echo hello | tr -d l',
  "printf 'a\\nb\\nc\\n' | wc -l",
  'echo one two three | wc -w',
  "printf 'b\\na\\nc\\n' | sort",
  "printf 'a\\na\\nb\\n' | uniq -c",
  "printf 'x:y:z\\n' | cut -d: -f2",
  "printf '1\\n2\\n3\\n4\\n' | head -n 2",
  "printf '1\\n2\\n3\\n4\\n' | tail -n 1",
  "printf 'foo\\nbar\\nbaz\\n' | grep ba",
  "printf 'foo\\nbar\\n' | grep -c o",
  'echo aGVsbG8= | base64 -d',
  'echo hello | base64',
  "echo 'echo from-pipe' | sh",
  'echo ZWNobyBkZWNvZGVkOyBleGl0IDU= | base64 -d | sh; echo $?',
  "sh -c 'echo $0 $1' zero one",
  "sh -c 'exit 3'; echo $?",
  '(exit 4); echo $?',
  'x=out; (x=in); echo $x',
  'f() { echo "f:$1"; return 2; }; f arg; echo $?',
  'for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done',
  'i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i',
  'if false; then echo a; elif true; then echo b; else echo c; fi',
  'echo a; echo b >&2',
  'a=1 b=2; echo "$a$b"',
  "echo 'a\\tb'",
  'x=1; x=2 sh -c \'echo "[$x]"\'',
  "export Y=exp; sh -c 'echo $Y'",
  'z=notexp; sh -c \'echo "[$z]"\'',
  'set -- a b c; echo $# $2; shift; echo $1',
  'set -- \'a b\' c; for x in "$@"; do echo "<$x>"; done',
  'nonexistent_cmd_xyz; echo $?',
  'cd /nonexistent_dir_xyz; echo $?',
  'echo hi | { read line; echo "got $line"; }',
  'printf \'a b\\n\' | while read x y; do echo "$y $x"; done',
  'echo ${x:=assigned}; echo $x',
  "echo a\\ b \"c\\\"d\" 'e'\\''f'",
  'x=$(false); echo $?',
  'printf \'%s\\n\' "*"',
  "printf 'abc' | wc -c",
  'echo "a:b:c" | awk -F: \'{print $2}\'',
  'echo start; exit 7; echo never',
  'echo $(( 1 + $(echo 2) ))',
  'v=abc; echo "${v}def" ${v}ghi',
  'case $((1+1)) in 1) echo one;; 2|3) echo two-or-three;; *) echo other;; esac',
  'x=hello.sh; case $x in *.sh) echo script;; *) echo no;; esac',
  'case a in b) echo no;; esac; echo $?',
  'cat <<EOF\nhello $((1+1)) `echo there`\nEOF',
  "cat <<'EOF'\n$HOME stays\nEOF",
  'tr a-z A-Z <<EOF\nabc\nEOF\necho after',
  'cat <<-X\n\tindented\n\tX',
  'while read a b; do echo "$b-$a"; done <<EOF\n1 2\n3 4\nEOF',
]

describe('the decoy shell against Debian dash and bash on pure inputs', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
  })

  it.each(CASES)('sh -c (dash): %s', async (script) => {
    const expected = await real('dash', script)
    expect(ours('dash', script)).toEqual({ stdout: expected.stdout, status: expected.status })
  })

  it.each(CASES)('login shell (bash): %s', async (script) => {
    const expected = await real('bash', script)
    expect(ours('bash', script)).toEqual({ stdout: expected.stdout, status: expected.status })
  })

  it.each(CASES)('login shell (busybox ash): %s', async (script) => {
    const expected = await real('busybox', script)
    expect(ours('busybox', script)).toEqual({ stdout: expected.stdout, status: expected.status })
  })

  it('fails unknown commands, cd and test in the real shells’ words', async () => {
    for (const script of [
      'nosuchcmd_xyz',
      'cd /nonexistent_dir_xyz',
      '[ 1 -eq a ]',
      'echo ok; nosuch_two',
      'sh /tmp/nosuch_script.sh',
    ]) {
      const dash = await real('dash', script)
      const viaSh = fresh().run(`sh -c ${quote([script])}`)
      expect(viaSh.output, script).toBe(dash.stdout + dash.stderr)
      expect(viaSh.status, script).toBe(dash.status)
      const bash = await real('bash', script)
      const viaBash = fresh().run(`bash -c ${quote([script])}`)
      expect(viaBash.output, script).toBe(bash.stdout + bash.stderr)
      expect(viaBash.status, script).toBe(bash.status)
    }
    // busybox sh words a missing script its own way.
    const busybox = await real('busybox', '', ['/tmp/nosuch_script.sh'])
    const viaAsh = fresh(alpine).run('sh /tmp/nosuch_script.sh')
    expect({ output: viaAsh.output, status: viaAsh.status }).toEqual({
      output: busybox.stderr,
      status: busybox.status,
    })
    // At the login prompt bash names itself `-bash`.
    const login = fresh().run('nosuchcmd_xyz')
    expect(login).toMatchObject({ output: '-bash: nosuchcmd_xyz: command not found\n', status: 127 })
  })
})
