import SwaggerParser from '@apidevtools/swagger-parser'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import openapiTS, { astToString } from 'openapi-typescript'
import { startFixture, type Fixture } from './fixture'
import { newAjv, type OpenApiDoc } from './support'
import { svixRoutes } from '../../src/svix'
import { svixDocPath } from '../../src/svix/openapi'

let f: Fixture
let doc: OpenApiDoc & { openapi: string; components: { securitySchemes: Record<string, unknown> } }
beforeAll(async () => {
	f = await startFixture()
	doc = await (await fetch(`${f.gw.url}/openapi.json`)).json() as typeof doc
})
afterAll(() => f.stop())

const METHODS = ['get', 'post', 'put', 'patch', 'delete']
const LEFT_OUT = [/^\/docs/, /^\/ui/, /^\/openapi\.json$/]

describe('/openapi.json', () => {
	test('is a valid OpenAPI 3 document', async () => {
		expect(doc.openapi).toMatch(/^3\./)
		await SwaggerParser.validate(structuredClone(doc) as never)
	})

	test('covers every route the app serves except /docs*, /openapi.json and /ui*', () => {
		const served = new Set(f.gw.run.app.routes
			.filter((r) => METHODS.includes(r.method.toLowerCase()) && !LEFT_OUT.some((re) => re.test(r.path)))
			.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`))
		// the Svix-compatible surface routes inside one catch-all route by its own table
		for (const r of svixRoutes) served.add(`${r.method} ${svixDocPath(r)}`)
		served.add('GET /api/v1/health')
		const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`)))
		expect([...served].filter((r) => !documented.has(r))).toEqual([])
		expect([...documented].filter((r) => !served.has(r))).toEqual([])
		for (const path of ['/healthz', '/readyz', '/metrics']) expect(doc.paths[path]?.get).toBeDefined()
		expect(Object.keys(doc.paths).filter((p) => LEFT_OUT.some((re) => re.test(p)))).toEqual([])
	})

	test('tags every operation and gives it a summary, an id and its bearer scheme', () => {
		expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'ingestToken', 'svixToken'])
		for (const [path, ops] of Object.entries(doc.paths)) {
			for (const [method, op] of Object.entries(ops) as Array<[string, { tags?: string[]; summary?: string; operationId?: string; security?: unknown }]>) {
				const where = `${method} ${path}`
				expect({ where, tags: op.tags?.length }).toEqual({ where, tags: 1 })
				expect({ where, summary: typeof op.summary }).toEqual({ where, summary: 'string' })
				const tag = op.tags![0]
				if (path.startsWith('/admin/v1/')) expect({ where, security: op.security }).toEqual({ where, security: [{ adminToken: [] }] })
				else if (path.startsWith('/v1/')) expect({ where, tag, security: op.security }).toEqual({ where, tag: 'ingest', security: [{ ingestToken: [] }] })
				else if (path === '/api/v1/health') expect({ where, tag }).toEqual({ where, tag: 'svix' })
				else if (path.startsWith('/api/v1/')) expect({ where, tag, security: op.security }).toEqual({ where, tag: 'svix', security: [{ svixToken: [] }] })
				else expect({ where, tag }).toEqual({ where, tag: 'ops' })
			}
		}
		const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => (op as { operationId: string }).operationId))
		expect(new Set(ids).size).toBe(ids.length)
	})

	test('documents the error answers of every admin route, 401 first of all', () => {
		for (const [path, ops] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/admin/v1/'))) {
			for (const [method, op] of Object.entries(ops)) {
				const codes = Object.keys(op.responses ?? {})
				expect({ route: `${method} ${path}`, has401: codes.includes('401') }).toEqual({ route: `${method} ${path}`, has401: true })
				// a portal token may be refused on any of them
				expect({ route: `${method} ${path}`, has403: codes.includes('403') }).toEqual({ route: `${method} ${path}`, has403: true })
				if (path.includes('{')) expect({ route: `${method} ${path}`, has404: codes.includes('404') }).toEqual({ route: `${method} ${path}`, has404: true })
			}
		}
	})

	test('every example validates against the schema beside it', () => {
		const ajv = newAjv()
		let checked = 0
		for (const [path, ops] of Object.entries(doc.paths)) {
			for (const [method, op] of Object.entries(ops) as Array<[string, { requestBody?: { content: Record<string, { schema: object; example?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema: object; example?: unknown }> }> }]>) {
				const media = [
					['request', op.requestBody?.content?.['application/json']],
					...Object.entries(op.responses ?? {}).map(([status, r]) => [status, r.content?.['application/json']]),
				] as Array<[string, { schema: object; example?: unknown } | undefined]>
				for (const [what, m] of media) {
					if (!m || m.example === undefined) continue
					const validate = ajv.compile(m.schema)
					if (!validate(m.example)) throw new Error(`${method} ${path} ${what} example: ${ajv.errorsText(validate.errors)}`)
					checked++
				}
			}
		}
		expect(checked).toBeGreaterThan(30)
	})

	test('openapi-typescript turns it into types without an error', async () => {
		const ts = astToString(await openapiTS(structuredClone(doc) as never))
		expect(ts).toContain('listJobs')
		expect(ts).toContain('"/admin/v1/flows/{flow}/endpoints/{endpoint}/rotate-secret"')
	})
})

describe('/docs', () => {
	test('is Swagger UI served from hookgate itself, referencing no outside host', async () => {
		const res = await fetch(`${f.gw.url}/docs`)
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toContain('text/html')
		const html = await res.text()
		expect(html).toContain('SwaggerUIBundle')
		expect(html).not.toMatch(/https?:\/\//)
		expect(html).not.toMatch(/(src|href)="\/\//)
		const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
		expect(refs.sort()).toEqual(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css'])
		for (const ref of refs) {
			const asset = await fetch(`${f.gw.url}${ref}`)
			expect(asset.status).toBe(200)
			expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000)
		}
		expect(html).toContain('"url":"/openapi.json"')
	})
})
