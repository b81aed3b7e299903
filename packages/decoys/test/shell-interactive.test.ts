// At a terminal, a command that stops mid-construct waits for its next line behind `> `, as bash and
// ash do (an open quote, `for … do` without `done`, a trailing `|` or `&&`); Ctrl-C drops it. Run
// whole (ssh exec, `sh -c`), the same text is a syntax error.
import { describe, expect, it } from 'vitest'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'

const debian = debianPersona('0123456789abcdef0123456789abcdef')

describe('continued command lines', () => {
  it('waits behind > for the rest of a loop, a quote or a pipe', () => {
    const shell = createShell(shellHost(debian, { bindAddress: '10.20.30.40' }), 'root', {
      interactive: true,
    })
    expect(shell.run('for i in 1 2; do').output).toBe('')
    expect(shell.prompt()).toBe('> ')
    expect(shell.run('echo "n=$i"').output).toBe('')
    expect(shell.run('done')).toMatchObject({ output: 'n=1\nn=2\n', status: 0 })
    expect(shell.prompt()).toBe('root@web-prod-03:~# ')
    expect(shell.run('echo "a').output).toBe('')
    expect(shell.run('b" | tr a-z A-Z').output).toBe('A\nB\n')
    expect(shell.run('echo x |').output).toBe('')
    expect(shell.run('wc -c').output).toBe('2\n')
    // A here-document pasted line by line.
    expect(shell.run('cat > /tmp/run.sh <<EOF').output).toBe('')
    expect(shell.run('echo "$HOME"').output).toBe('')
    expect(shell.run('EOF').output).toBe('')
    expect(shell.run('cat /tmp/run.sh').output).toBe('echo "/root"\n')
    shell.run('if true; then')
    shell.interrupt()
    expect(shell.prompt()).toBe('root@web-prod-03:~# ')
    expect(shell.run('echo after').output).toBe('after\n')
    const alpine = createShell(
      shellHost(alpinePersona('2'.repeat(32)), { bindAddress: '10.20.30.40' }),
      'root',
      {
        interactive: true,
      },
    )
    alpine.run("echo 'open")
    expect(alpine.prompt()).toBe('> ')
  })

  it('without a terminal the unfinished text is a syntax error', () => {
    const shell = createShell(shellHost(debian, { bindAddress: '10.20.30.40' }), 'root')
    expect(shell.run('if true; then')).toMatchObject({
      output: '-bash: syntax error: unexpected end of file\n',
      status: 2,
    })
    expect(shell.run("echo 'open").output).toBe(
      "-bash: unexpected EOF while looking for matching `''\n-bash: syntax error: unexpected end of file\n",
    )
    expect(shell.run('echo a; fi').output).toBe("-bash: syntax error near unexpected token `fi'\n")
  })
})
