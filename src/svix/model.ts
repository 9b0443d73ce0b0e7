// Request bodies of the Svix-compatible API (svix 2.5.0's models). Unknown
// fields are dropped, as svix-server does; answers are built in services.
import { z } from 'zod'
import { storable } from '../text'

const UID = /^[a-zA-Z0-9\-_.]+$/
export const NAME = /^[a-zA-Z0-9\-_.]+$/
const CHANNEL = /^[a-zA-Z0-9\-_.:+]+$/
const TAG = /^[a-zA-Z0-9\-_./\\#]+$/
const SECRET = /^(whsec_)?[A-Za-z0-9+/=]{32,100}$/

export const uid = (prefix: string) => z.string().min(1).max(256).regex(UID, 'may hold letters, digits, -, _ and .')
	.refine((s) => !s.startsWith(prefix), `must not start with ${prefix}`)
/**
 * A name taken from the path of a PUT that creates (an app's or endpoint's
 * uid, an event type's name): held to the pattern the body's field has.
 * Returns the message when it breaks it.
 */
export function pathNameProblem(value: string, prefix: string | null): string | null {
	const r = (prefix ? uid(prefix) : z.string().min(1).max(256).regex(NAME, 'may hold letters, digits, -, _ and .')).safeParse(value)
	return r.success ? null : r.error.issues[0].message
}
const metadata = z.record(z.string(), z.string())
const throttleRate = z.number().int().min(1).max(65535)
const channels = z.array(z.string().min(1).max(128).regex(CHANNEL, 'may hold letters, digits and -_.:+')).min(1).max(10)
const eventTypes = z.array(z.string().min(1).max(256).regex(NAME, 'may hold letters, digits, -, _ and .')).min(1)
	.refine((a) => new Set(a).size === a.length, 'must not repeat a type')
const url = z.string().max(65536).check(storable('line')).refine((u) => {
	try {
		const p = new URL(u)
		return p.protocol === 'http:' || p.protocol === 'https:'
	} catch {
		return false
	}
}, 'must be an http or https URL')

// name, description and groupName are kept as text columns: src/text.ts
export const applicationIn = z.object({
	name: z.string().min(1).check(storable()),
	throttleRate: throttleRate.nullish(),
	uid: uid('app_').nullish(),
	metadata: metadata.optional(),
})
export const applicationPatch = applicationIn.partial()

const endpointBase = {
	url,
	description: z.string().optional(),
	throttleRate: throttleRate.nullish(),
	uid: uid('ep_').nullish(),
	disabled: z.boolean().optional(),
	eventTypes: eventTypes.nullish(),
	channels: channels.nullish(),
	metadata: metadata.optional(),
}
export const endpointIn = z.object({
	...endpointBase,
	secret: z.string().regex(SECRET, 'must be whsec_ and 32 to 100 base64 characters').nullish(),
	headers: z.record(z.string(), z.string()).nullish(),
})
export const endpointUpsertIn = z.object(endpointBase)
export const endpointPatch = z.object(endpointBase).partial()

export const rotateIn = z.object({
	key: z.string().regex(SECRET, 'must be whsec_ and 32 to 100 base64 characters').nullish(),
	gracePeriodSeconds: z.number().int().min(0).max(604800).optional(),
})

export const messageIn = z.object({
	eventType: z.string().min(1).max(256).regex(NAME, 'may hold letters, digits, -, _ and .'),
	payload: z.record(z.string(), z.unknown()),
	eventId: uid('msg_').nullish(),
	channels: channels.nullish(),
	tags: z.array(z.string().min(1).max(128).regex(TAG, 'may hold letters, digits and -_./\\#')).max(5).nullish(),
	deliverAt: z.iso.datetime({ offset: true }).nullish(),
	// creates the application when the path names an unknown uid
	application: applicationIn.nullish(),
})

export const headersIn = z.object({ headers: z.record(z.string(), z.string()) })
export const headersPatchIn = z.object({
	headers: z.record(z.string(), z.string().nullable()),
	deleteHeaders: z.array(z.string()).optional(),
})

const typeFields = {
	description: z.string().check(storable()),
	archived: z.boolean().optional(),
	deprecated: z.boolean().optional(),
	schemas: z.record(z.string(), z.unknown()).nullish(),
	groupName: z.string().min(1).max(256).check(storable()).nullish(),
	featureFlags: z.array(z.string().min(1).max(256)).min(1).nullish(),
}
export const eventTypeIn = z.object({ name: z.string().min(1).max(256).regex(NAME, 'may hold letters, digits, -, _ and .'), ...typeFields })
export const eventTypeUpsertIn = z.object(typeFields)
export const eventTypePatch = z.object(typeFields).partial()

export const eventExampleIn = z.object({
	eventType: z.string().min(1).max(256).regex(NAME, 'may hold letters, digits, -, _ and .'),
	exampleIndex: z.number().int().min(0).optional(),
})

export const recoverIn = z.object({
	since: z.iso.datetime({ offset: true }),
	until: z.iso.datetime({ offset: true }).nullish(),
})
