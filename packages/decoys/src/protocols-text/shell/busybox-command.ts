import { BUSYBOX_APPLETS } from './command-catalogue.ts'

/**
 * The `busybox` multi-call binary on Alpine and embedded personas: `busybox APPLET …` runs the applet,
 * `busybox` alone prints its banner and applet list, and an unknown name answers
 * `NAME: applet not found` with status 127 — the canary Mirai-family loaders check
 * (`/bin/busybox ECCHI`) to tell a real busybox from an emulation.
 */
export const BUSYBOX_VERSION = 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC)'

export type MultiCallAnswer = { argv: string[] } | { out: string; err: string; status: number }

export function busyboxMultiCall(args: string[]): MultiCallAnswer {
  const applets = Object.keys(BUSYBOX_APPLETS).sort()
  const [first, ...rest] = args
  if (first === undefined || first === '--help') return { out: usage(applets), err: '', status: 0 }
  if (first === '--list') return { out: `${applets.join('\n')}\n`, err: '', status: 0 }
  if (first === '--list-full')
    return {
      out: `${applets.map((name) => `${(BUSYBOX_APPLETS[name] ?? '/bin').slice(1)}/${name}`).join('\n')}\n`,
      err: '',
      status: 0,
    }
  const applet = first.slice(first.lastIndexOf('/') + 1)
  if (applet === 'busybox') return busyboxMultiCall(rest)
  if (BUSYBOX_APPLETS[applet] === undefined)
    return { out: '', err: `${first}: applet not found\n`, status: 127 }
  return { argv: [applet, ...rest] }
}

function usage(applets: string[]): string {
  // Applets listed as busybox does: comma-separated, wrapped under a tab at ~80 columns.
  const lines: string[] = []
  let line = ''
  for (const name of applets) {
    const item = `${name}, `
    if (line.length + item.length > 72) {
      lines.push(`\t${line.trimEnd()}`)
      line = ''
    }
    line += item
  }
  if (line) lines.push(`\t${line.replace(/, $/, '')}`)
  return `${BUSYBOX_VERSION} multi-call binary.
BusyBox is copyrighted by many authors between 1998-2015.
Licensed under GPLv2. See source distribution for detailed
copyright notices.

Usage: busybox [function [arguments]...]
   or: busybox --list[-full]
   or: busybox --show SCRIPT
   or: busybox --install [-s] [DIR]
   or: function [arguments]...

\tBusyBox is a multi-call binary that combines many common Unix
\tutilities into a single executable.  Most people will create a
\tlink to busybox for each function they wish to use and BusyBox
\twill act like whatever it was invoked as.

Currently defined functions:
${lines.join('\n')}
`
}
