/**
 * Recovery from a first-load script that never arrived.
 *
 * Chromium aborts in-flight requests, loopback included, with ERR_NETWORK_CHANGED whenever an IP
 * address appears on the machine, and the machine DECNET runs on creates Docker networks all the
 * time. If one of the page's initial scripts is aborted, React never hydrates and the page stays on
 * its server-rendered placeholder ("Checking your session…") for good. Next retries chunks it loads
 * itself after start-up, but not the script tags of the first HTML; this does, by reloading the page.
 * A counter in sessionStorage bounds it (a server that really lacks a script is not reloaded forever);
 * the console resets it once it has hydrated.
 */

/** Reloads allowed before the page is left as it is. */
const FIRST_LOAD_RELOADS = 2
const RELOADS_KEY = 'decnet:first-load-reloads'
const HYDRATED_FLAG = '__decnetHydrated'

/** Runs in the page before any of Next's scripts (inlined in the root layout's head). */
function watchFirstLoadScripts(key: string, flag: string, limit: number): void {
  // Several scripts of one load fail together: the first one reloads, and counts, for all of them.
  let reloading = false
  window.addEventListener(
    'error',
    (event) => {
      const element = event.target
      if (!(element instanceof HTMLScriptElement) || !element.src) return
      if (reloading || (window as unknown as Record<string, unknown>)[flag] === true) return
      try {
        const reloads = Number(sessionStorage.getItem(key) ?? '0')
        if (reloads >= limit) return
        sessionStorage.setItem(key, String(reloads + 1))
      } catch {
        return // no storage: no bound, so no reload
      }
      reloading = true
      window.location.reload()
    },
    true,
  )
}

/** The inline script for the root layout. */
export const FIRST_LOAD_RECOVERY_SCRIPT = `(${watchFirstLoadScripts.toString()})(${JSON.stringify(RELOADS_KEY)}, ${JSON.stringify(HYDRATED_FLAG)}, ${FIRST_LOAD_RELOADS});`

/** Called once React has hydrated: later script failures are Next's to handle, and the bound resets. */
export function markHydrated(): void {
  ;(window as unknown as Record<string, unknown>)[HYDRATED_FLAG] = true
  try {
    sessionStorage.removeItem(RELOADS_KEY)
  } catch {
    // storage disabled: nothing was counted
  }
}
