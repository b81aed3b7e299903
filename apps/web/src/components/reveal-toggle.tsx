/** A small link-styled switch that shows or masks secrets (passwords in a preview, the generated INI). */
export function RevealToggle({
  shown,
  onToggle,
  show,
  hide,
}: {
  shown: boolean
  onToggle: (shown: boolean) => void
  /** Its label while masked, and while shown. */
  show: string
  hide: string
}) {
  return (
    <button type="button" className="link small" onClick={() => onToggle(!shown)} aria-pressed={shown}>
      {shown ? hide : show}
    </button>
  )
}
