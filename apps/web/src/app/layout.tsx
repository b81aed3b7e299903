import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import './globals.css'
import { FIRST_LOAD_RECOVERY_SCRIPT } from '@/lib/first-load-recovery.ts'
import { Providers } from './providers.tsx'

export const metadata: Metadata = {
  title: 'DECNET console',
  description: 'Operate a honeypot deception network',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        {/* Before Next's own scripts: reloads the page if one of them is aborted (see the module). */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of our own, no input in it */}
        <script dangerouslySetInnerHTML={{ __html: FIRST_LOAD_RECOVERY_SCRIPT }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  )
}
