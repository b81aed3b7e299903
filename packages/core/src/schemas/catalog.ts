// Catalogue shapes as returned by catalog.services / catalog.archetypes / catalog.distros.
import { z } from 'zod'
import { ARCHETYPE_SLUGS } from '../catalog/archetypes.ts'
import { DISTRO_SLUGS, HOSTNAME_STYLES } from '../catalog/distros.ts'
import { OS_FAMILY_SLUGS } from '../catalog/os-families.ts'
import {
  CONFIG_FIELD_FORMATS,
  CONFIG_FIELD_TYPES,
  PORT_PROTOCOLS,
  SERVICE_SLUGS,
} from '../catalog/services.ts'

export const ZServiceSlug = z.enum(SERVICE_SLUGS)
export const ZArchetypeSlug = z.enum(ARCHETYPE_SLUGS)
export const ZDistroSlug = z.enum(DISTRO_SLUGS)
export const ZOsFamilySlug = z.enum(OS_FAMILY_SLUGS)

export const ZConfigValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])

export const ZConfigField = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(CONFIG_FIELD_TYPES),
  default: ZConfigValue.optional(),
  secret: z.boolean().optional(),
  /** A secret whose default is withheld from the catalogue (admins read it with catalog.secretDefault). */
  hiddenDefault: z.literal(true).optional(),
  help: z.string().optional(),
  options: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  format: z.enum(CONFIG_FIELD_FORMATS).optional(),
})

export const ZPortProtocol = z.enum(PORT_PROTOCOLS)
export const ZServicePort = z.object({ port: z.number().int(), protocol: ZPortProtocol })

export const ZServiceDefinition = z.object({
  slug: ZServiceSlug,
  name: z.string(),
  description: z.string(),
  ports: z.array(ZServicePort),
  config: z.array(ZConfigField),
})

export const ZArchetype = z.object({
  slug: ZArchetypeSlug,
  name: z.string(),
  description: z.string(),
  services: z.array(ZServiceSlug),
  preferredDistros: z.array(ZDistroSlug),
  osFamily: ZOsFamilySlug,
})

export const ZDistro = z.object({
  slug: ZDistroSlug,
  name: z.string(),
  image: z.string(),
  hostnameStyle: z.enum(HOSTNAME_STYLES),
})
