import { z } from 'zod'
import { encodingSchema, signingSchemeSchema } from '../../config/schema'
import { statusCounts } from './common'
import { endpointOut } from './endpoint'

export const flowOut = z.object({
	id: z.string(),
	name: z.string(),
	managedBy: z.enum(['config', 'svix']).describe('config: declared in YAML; svix: an application created through /api/v1'),
	envelope: z.union([z.string(), z.object({ template: z.unknown() })]),
	events: z.array(z.string()).nullable().describe('accepted event types; null = any'),
	retrySchedule: z.array(z.string()).nullable(),
	timeout: z.string().nullable(),
	signing: z.object({
		scheme: signingSchemeSchema.nullable(),
		secret: z.string().nullable().describe('redacted'),
		header: z.string().nullable(),
		encoding: encodingSchema.nullable(),
	}).describe('defaults for the flow\'s endpoints'),
	endpointLimit: z.number().int().describe('limits.endpointsPerFlow: configuration and API endpoints together'),
	endpoints: z.array(endpointOut),
	jobs: statusCounts.describe('all jobs of the flow by status (test jobs included, as GET /jobs shows them)'),
})

export const flowList = z.object({ items: z.array(flowOut) })
