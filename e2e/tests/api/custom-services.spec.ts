// Issue 23 over the wire, on real Docker: a custom service from a locally built image deploys,
// answers and its output lands in Logs; a hostile section is refused with its line; and
// fleet.editServices adds a service to the running decky in its decoy process (no container replaced,
// no restart) while an SSH session to it stays connected.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiClient } from '@decnet/api/client'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { holdShell } from '../../../packages/decoys/test/support/ssh-client.ts'
import {
  ECHO_SERVER,
  echoDockerfile,
  echoLine,
} from '../../../packages/lifecycle/test/support/echo-server.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { docker } from '../../fixtures/docker.ts'
import { expect, type RunningStack, startStack, test } from '../../fixtures/stack.ts'

/** The operator's own image: built here FROM the decoy image (it has node; there is no registry). */
function buildEchoImage(tag: string): void {
  const context = mkdtempSync(join(tmpdir(), 'decnet-e2e-echo-'))
  try {
    writeFileSync(join(context, 'echo.cjs'), ECHO_SERVER)
    writeFileSync(join(context, 'Dockerfile'), echoDockerfile(DECOY_IMAGE_TAG))
    docker(['build', '-q', '-t', tag, context])
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}

async function settled(client: ApiClient, ids: string[]): Promise<string[]> {
  let statuses: string[] = []
  await expect
    .poll(
      async () => {
        const { rows } = await client.fleet.lifecycle.query({ ids })
        statuses = rows.map((row) => row.status)
        return statuses.every((status) => status === 'succeeded' || status === 'failed')
      },
      { timeout: 180_000 },
    )
    .toBe(true)
  return statuses
}

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => 'accepted',
    (error: Error) => error.message,
  )

test.describe('custom services and live service edits', () => {
  let running: RunningStack | undefined
  test.afterAll(async () => {
    await running?.stop()
  })

  test('an echo image deploys as a custom service, answers, logs; an added service leaves an SSH session connected', async () => {
    test.setTimeout(420_000)
    running = await startStack()
    const { stack } = running
    const { client } = await signInAdmin(stack)
    const image = `decnet-e2e/echo:${stack.instance}`
    buildEchoImage(image)
    try {
      expect(
        await refusal(
          client.fleet.deploy.mutate({
            ini: `[bad]\nservices = ssh, custom-echo\n[custom-echo]\nimage = ${image}\nports = 7007\nvolumes = /:/host\n`,
          }),
        ),
      ).toBe(
        'line 6, [custom-echo] volumes: host mounts are not allowed: a custom service sees only its own image',
      )

      const ini = `[byo]\nservices = ssh, custom-echo\n[byo.ssh]\npassword = admin\n[custom-echo]\nimage = ${image}\nports = 7007\nenv_echo_port = 7007\n`
      const deployed = await client.fleet.deploy.mutate({ ini })
      expect(await settled(client, deployed.lifecycleIds)).toEqual(['succeeded'])
      const decky = await client.fleet.get.query({ name: 'byo' })
      expect(await echoLine(decky.ip, 7007, 'hello-from-e2e')).toBe('echo: hello-from-e2e')
      await expect
        .poll(
          async () =>
            (await client.logs.search.query({ q: 'service:custom-echo system:any', limit: 10 })).rows.map(
              (row) => row.fields.line,
            ),
          { timeout: 60_000 },
        )
        .toContain('echo-server got: hello-from-e2e')

      const shell = await holdShell({ address: decky.ip, password: 'admin' })
      try {
        await shell.answers()
        const decoy = `${stack.instance}-byo.decoy`
        const decoyBefore = docker(['inspect', '--format', '{{.Id}} {{.State.StartedAt}}', decoy])
        const edit = await client.fleet.editServices.mutate({ name: 'byo', add: ['http'] })
        expect(edit.newServices).toEqual(['ssh', 'http', 'custom-echo'])
        expect(await settled(client, [edit.lifecycleId])).toEqual(['succeeded'])
        const page = await fetch(`http://${decky.ip}/`)
        expect(page.status).toBeLessThan(500)
        expect(docker(['inspect', '--format', '{{.Id}} {{.State.StartedAt}}', decoy])).toBe(decoyBefore)
        expect(shell.alive()).toBe(true)
        await shell.answers()
      } finally {
        shell.close()
      }
    } finally {
      await running.stop()
      running = undefined
      docker(['rmi', '-f', image])
    }
  })
})
