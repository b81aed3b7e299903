// DECNET's release version (semantic versioning; CHANGELOG.md at the repository root says what each
// release changed). Backups record it beside the schema's migrations.
export const DECNET_VERSION = '0.1.0'
