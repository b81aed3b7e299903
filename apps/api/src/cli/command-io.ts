import type { ApiClient } from './client.ts'

/** What a command module needs from the CLI around it (main.ts builds it once). */
export type CommandIo = {
  signedIn: () => ApiClient
  /** Prints `data` as JSON with --json, else the human text. */
  print: (data: unknown, human: () => string) => void
  /** Whether --json was given. */
  json: () => boolean
}
