// The audit log over the real stack (start.mjs: API + console proxy, local engine): an admin's journey
// through the console from its own address lands in audit.list call by call, with the right actor,
// source address (the console's X-Forwarded-For, believed from loopback) and outcome; the CLI reads it;
// a viewer cannot; no password reaches it.
import http from 'node:http'
import { createApiClient } from '@decnet/api/client'
import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
import { expect, type RunningStack, startStack, test } from '../../fixtures/stack.ts'

/** The browser's address: the console forwards it, the API believes the console (loopback). */
const BROWSER = '127.0.0.23'
const USER_PASSWORD = 'Auditee-Secret-Pw-77'

type Answer = { code: string; data: unknown }

/** A mutation sent to the console's /trpc proxy from `source` (Linux routes all of 127/8 locally). */
function mutateThroughConsole(
  webUrl: string,
  source: string,
  path: string,
  input: unknown,
  token?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${webUrl}/trpc/${path}`,
      {
        method: 'POST',
        localAddress: source,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () => {
          const body = JSON.parse(text) as {
            result?: { data?: unknown }
            error?: { data?: { code?: string } }
          }
          resolve({ code: body.error?.data?.code ?? 'OK', data: body.result?.data })
        })
      },
    )
    request.on('error', reject)
    request.end(JSON.stringify(input))
  })
}

let running: RunningStack | undefined
test.afterAll(async () => {
  await running?.stop()
})

test('every admin action of a journey is in the audit log with its actor, source address and outcome', async () => {
  test.setTimeout(180_000)
  running = await startStack({ DECNET_ENGINE: 'local' })
  const { stack } = running
  const since = new Date().toISOString()

  // A failed sign-in through the console, then the admin's own (direct, from 127.0.0.1).
  const failed = await mutateThroughConsole(stack.webUrl, BROWSER, 'auth.login', {
    username: 'admin',
    password: 'not-the-password-1',
  })
  expect(failed.code).toBe('UNAUTHORIZED')
  const { client: admin, token } = await signInAdmin(stack)

  const act = async (path: string, input: unknown) => {
    const answer = await mutateThroughConsole(stack.webUrl, BROWSER, path, input, token)
    expect(answer.code, `${path} through the console`).toBe('OK')
    return answer.data as { lifecycleIds?: string[] }
  }
  const settled = async (ids: string[] | undefined) => {
    await expect
      .poll(
        async () => (await admin.fleet.lifecycle.query({ ids: ids ?? [] })).rows.map((row) => row.status),
        { timeout: 90_000 },
      )
      .toEqual((ids ?? []).map(() => 'succeeded'))
  }
  await settled((await act('fleet.deploy', { ini: '[aud-web]\nservices = ssh\n' })).lifecycleIds)
  await settled((await act('fleet.mutate', { name: 'aud-web' })).lifecycleIds)
  await settled((await act('fleet.teardown', { name: 'aud-web' })).lifecycleIds)
  await act('users.create', { username: 'auditee', password: USER_PASSWORD, role: 'viewer' })
  await act('config.setDeploymentLimit', { deploymentLimit: 40 })

  const { rows } = await admin.audit.list.query({ since, limit: 500 })
  const journey = [...rows]
    .reverse()
    .map((entry) => [entry.actor, entry.action, entry.target, entry.sourceIp, entry.outcome])
  expect(journey).toEqual([
    ['admin', 'auth.login', 'admin', BROWSER, 'UNAUTHORIZED'],
    // signInAdmin tries the e2e password before the one-time one: both attempts are recorded.
    ['admin', 'auth.login', 'admin', '127.0.0.1', 'UNAUTHORIZED'],
    ['admin', 'auth.login', 'admin', '127.0.0.1', 'ok'],
    ['admin', 'auth.changePassword', '', '127.0.0.1', 'ok'],
    ['admin', 'fleet.deploy', '', BROWSER, 'ok'],
    ['admin', 'fleet.mutate', 'aud-web', BROWSER, 'ok'],
    ['admin', 'fleet.teardown', 'aud-web', BROWSER, 'ok'],
    ['admin', 'users.create', 'auditee', BROWSER, 'ok'],
    ['admin', 'config.setDeploymentLimit', '', BROWSER, 'ok'],
  ])
  expect(JSON.stringify(rows)).not.toContain(USER_PASSWORD)
  expect(JSON.stringify(rows)).not.toContain(ADMIN_PASSWORD)

  // The CLI reads the same log, filtered.
  const cli = await decnet(['--json', 'audit', '--actor', 'admin', '--action', 'fleet.', '--since', '10m'], {
    url: stack.apiUrl,
    token,
  })
  expect(cli.code, cli.stderr).toBe(0)
  const listed = JSON.parse(cli.stdout) as { rows: { action: string }[] }
  expect(listed.rows.map((row) => row.action)).toEqual(['fleet.teardown', 'fleet.mutate', 'fleet.deploy'])

  // A viewer cannot read it (and the refusal is itself recorded nowhere it could edit).
  const first = await createApiClient(stack.apiUrl).auth.login.mutate({
    username: 'auditee',
    password: USER_PASSWORD,
  })
  const changed = await createApiClient(stack.apiUrl, first.token).auth.changePassword.mutate({
    oldPassword: USER_PASSWORD,
    newPassword: `${USER_PASSWORD}-2`,
  })
  const viewer = createApiClient(stack.apiUrl, changed.token)
  await expect(viewer.audit.list.query({})).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } })
})
