/**
 * How long a refused password is held before the refusal goes out. sshd through PAM
 * (pam_faildelay, Debian's default 2 s, plus the hash check) and login/BusyBox login (FAIL_DELAY 3 s)
 * pause 2–3 s; a honeypot answering in milliseconds is told apart by timing alone.
 */
export function failedLoginDelayMs(): number {
  return 2000 + Math.floor(Math.random() * 1000)
}
