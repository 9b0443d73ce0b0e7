// An admin API client for tests that checks every answer against the schema
// /openapi.json gives for its route and status (ajv), so each test that uses
// it also proves the document true.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { expect } from 'bun:test'
import { ADMIN_TOKEN, type TestGateway } from '../support/gateway'

export interface Answer<T = any> {
	status: number
	body: T
	text: string
	headers: Headers
}

export interface Admin {
	doc: OpenApiDoc
	/** `METHOD /path/{template} status` of every answer validated */
	seen: Set<string>
	call<T = any>(method: string, path: string, body?: unknown, opts?: { token?: string | null; raw?: string; headers?: Record<string, string> }): Promise<Answer<T>>
	get<T = any>(path: string): Promise<Answer<T>>
	post<T = any>(path: string, body?: unknown): Promise<Answer<T>>
}

export interface OpenApiDoc {
	paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema: object }> }> }>>
	[k: string]: unknown
}

export function newAjv() {
	const ajv = new Ajv2020({ strict: false, allErrors: true })
	addFormats(ajv)
	return ajv
}

/** The document's path template for a concrete path, preferring the one with fewest parameters. */
export function templateOf(doc: OpenApiDoc, method: string, path: string): string | null {
	const candidates = Object.keys(doc.paths).filter((t) => {
		if (!doc.paths[t][method]) return false
		const re = new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`)
		return re.test(path)
	})
	candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
	return candidates[0] ?? null
}

export async function adminClient(gw: TestGateway): Promise<Admin> {
	const doc = await (await fetch(`${gw.url}/openapi.json`)).json() as OpenApiDoc
	const ajv = newAjv()
	const compiled = new Map<string, ValidateFunction>()
	const seen = new Set<string>()

	function check(method: string, path: string, status: number, body: unknown) {
		const m = method.toLowerCase()
		const template = templateOf(doc, m, path)
		if (!template) throw new Error(`${method} ${path} is not in /openapi.json`)
		const key = `${method} ${template} ${status}`
		const schema = doc.paths[template][m].responses?.[status]?.content?.['application/json']?.schema
		if (!schema) throw new Error(`/openapi.json gives no JSON schema for ${key}`)
		let validate = compiled.get(key)
		if (!validate) compiled.set(key, (validate = ajv.compile(schema)))
		if (!validate(body)) throw new Error(`${key}: answer does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`)
		seen.add(key)
	}

	const call: Admin['call'] = async (method, path, body, opts = {}) => {
		const headers: Record<string, string> = { ...opts.headers }
		const token = opts.token === undefined ? ADMIN_TOKEN : opts.token
		if (token !== null) headers.authorization = `Bearer ${token}`
		let payload: string | undefined = opts.raw
		if (payload === undefined && body !== undefined) {
			payload = JSON.stringify(body)
			headers['content-type'] ??= 'application/json'
		}
		const res = await fetch(`${gw.url}${path}`, { method, headers, body: payload })
		const text = await res.text()
		let json: unknown
		try { json = JSON.parse(text) } catch { throw new Error(`${method} ${path}: answer ${res.status} is not JSON: ${text.slice(0, 200)}`) }
		check(method, new URL(path, 'http://x').pathname, res.status, json)
		return { status: res.status, body: json as any, text, headers: res.headers }
	}
	return { doc, seen, call, get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) }
}

/** Waits until `fn` holds (polling), or fails with what it last saw. */
export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
	const end = Date.now() + ms
	let v = await fn()
	while (!ok(v) && Date.now() < end) {
		await Bun.sleep(20)
		v = await fn()
	}
	expect(ok(v)).toBe(true)
	return v
}

export function expectError(a: Answer, status: number, code: string) {
	expect({ status: a.status, code: a.body?.error?.code }).toEqual({ status, code })
}
