// The console over HTTPS (issue 25 acceptance): a stack started as `npm start` does with a
// self-signed pair (`decnet tls generate`'s code). Chromium trusts exactly that certificate, pinned
// by its public key (--ignore-certificate-errors-spki-list); an unpinned Chromium refuses it. The
// session cookie is Secure, every response carries HSTS, and plain HTTP on the redirect port is sent
// to HTTPS. The local engine keeps Docker out of it.
import { execFileSync, spawn } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, expect, test } from '@playwright/test'
import { writeSelfSignedPair } from '../../../apps/api/src/tls/self-signed.ts'
import { captureOutput, waitForUrl } from '../../../apps/api/test/support/child-process.ts'
import { CHROMIUM_EXECUTABLE } from '../../fixtures/chromium.ts'
import { freePort } from '../../fixtures/ports.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const FIRST_PASSWORD = 'https-first-password-1'
const NEW_PASSWORD = 'https-changed-password-9'
const CHROMIUM = { executablePath: CHROMIUM_EXECUTABLE }
const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run']

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's SPKI pin list takes. */
function spkiPin(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}

/** GET over TLS trusting only `ca` (the pinned certificate): status and headers. */
function pinnedGet(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        res.resume()
        resolve({ status: res.statusCode ?? 0, headers: res.headers })
      })
      .on('error', reject)
  })
}

test('the console over HTTPS with the self-signed certificate pinned; cookies Secure, HSTS, HTTP redirected', async () => {
  test.setTimeout(180_000)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'decnet-e2e-https-'))
  const pair = writeSelfSignedPair(path.join(dataDir, 'tls'), [])
  const cert = readFileSync(pair.certFile, 'utf8')
  const [apiPort, webPort, redirectPort] = [await freePort(), await freePort(), await freePort()]
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DECNET_SKIP_BUILD: '1',
      DECNET_ENGINE: 'local',
      DECNET_DATA_DIR: dataDir,
      DECNET_API_PORT: String(apiPort),
      DECNET_WEB_PORT: String(webPort),
      DECNET_ADMIN_PASSWORD: FIRST_PASSWORD,
      DECNET_TLS_CERT: pair.certFile,
      DECNET_TLS_KEY: pair.keyFile,
      DECNET_HTTP_REDIRECT_PORT: String(redirectPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = captureOutput(child)
  const browsers: Browser[] = []
  try {
    await waitForUrl(`http://127.0.0.1:${apiPort}/trpc/health.get`, child, output, {
      timeoutMs: 60_000,
      pollMs: 250,
      name: 'the API',
    })
    const webUrl = `https://127.0.0.1:${webPort}`
    await expect
      .poll(
        () =>
          pinnedGet(`${webUrl}/login`, cert).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 60_000 },
      )
      .toBe(200)
    // The console printed the fingerprint an operator compares with the browser's.
    expect(output()).toContain(`SHA-256 fingerprint ${pair.fingerprint}`)
    const login = await pinnedGet(`${webUrl}/login`, cert)
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000')

    // Plain HTTP on the redirect port: a permanent redirect to the same path over HTTPS.
    const redirect = execFileSync(
      'curl',
      [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{redirect_url}',
        `http://127.0.0.1:${redirectPort}/logs?q=1`,
      ],
      { encoding: 'utf8' },
    )
    expect(redirect).toBe(`308 ${webUrl}/logs?q=1`)

    // Without the pin, Chromium refuses the self-signed certificate: the pin is what makes it trusted.
    const unpinned = await chromium.launch({ ...CHROMIUM, args: BASE_ARGS })
    browsers.push(unpinned)
    const refused = await (await unpinned.newPage()).goto(`${webUrl}/login`).then(
      () => 'loaded',
      (error: Error) => error.message,
    )
    expect(refused).toMatch(/ERR_CERT/)

    const pinned = await chromium.launch({
      ...CHROMIUM,
      args: [...BASE_ARGS, `--ignore-certificate-errors-spki-list=${spkiPin(cert)}`],
    })
    browsers.push(pinned)
    const context = await pinned.newContext()
    const page = await context.newPage()
    await page.goto(`${webUrl}/login`)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password', { exact: true }).fill(FIRST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible()
    await page.getByLabel('Current password').fill(FIRST_PASSWORD)
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: 'Change password and continue' }).click()
    await expect(page).toHaveURL(/\/fleet$/)
    await expect(page.getByTestId('me-username')).toHaveText('admin')

    const cookie = (await context.cookies()).find((each) => each.name === 'decnet_session')
    expect(cookie?.secure).toBe(true)
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Strict')
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()))
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
})
