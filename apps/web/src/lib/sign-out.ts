/**
 * Set while the operator signs out. Every query still in flight then answers 401, and each of
 * those would otherwise redirect to "/login?next=…", racing the deliberate trip to "/login".
 * Signing out ends in a full page load, which resets this module.
 */
let signingOut = false

export function beginSignOut(): void {
  signingOut = true
}

export function isSigningOut(): boolean {
  return signingOut
}

/** Leaves the console for the sign-in page with a full load, so no state of the session survives. */
export function finishSignOut(): void {
  window.location.replace('/login')
}
