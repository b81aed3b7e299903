'use client'

import { useEffect, useState } from 'react'

type Theme = 'system' | 'light' | 'dark'
const KEY = 'decnet.theme'

function apply(theme: Theme) {
  const root = document.documentElement
  if (theme === 'system') root.removeAttribute('data-theme')
  else root.setAttribute('data-theme', theme)
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>('system')
  useEffect(() => {
    const stored = window.localStorage.getItem(KEY)
    const initial: Theme = stored === 'light' || stored === 'dark' ? stored : 'system'
    setTheme(initial)
    apply(initial)
  }, [])
  return (
    <label className="small">
      Theme
      <select
        aria-label="Colour theme"
        value={theme}
        onChange={(event) => {
          const next = event.target.value as Theme
          setTheme(next)
          apply(next)
          window.localStorage.setItem(KEY, next)
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  )
}
