// YAML text → Config, or the lines `hookgate check-config` prints:
//   FILE:LINE:COL PATH: message      (a problem with a value or key)
//   FILE:LINE:COL: message           (YAML syntax)
// LINE:COL is the value's start; for unknown, duplicate and overriding keys the
// key's. A missing value points at the key holding the map it is missing from
// (`server:` for server.listen), or at the map's first key when that map is a
// list item (`- id: crm` for a flow's endpoint). Lines come in document order.

import { readFileSync } from 'node:fs'
import { LineCounter, parseDocument } from 'yaml'
import type { Config, FlowConfig } from '../domain'
import { expandDocumentEnv, type Env } from './env'
import { normalizeFlow } from './flow'
import { fromZod, type ConfigIssue } from './issues'
import { findDuplicateKeys, formatPath, locate } from './locate'
import { limitsSchema, rootSchema } from './schema'

export type LoadResult = { config: Config } | { errors: string[] }

interface Located {
	offset: number
	line: string
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export interface LoadOptions {
	now?: number
	/** checks against state outside the file (a reload: endpoints added through the API), located like any other */
	check?: (config: Config) => ConfigIssue[]
}

export function loadConfigText(text: string, file: string, env: Env, opts: LoadOptions = {}): LoadResult {
	const lc = new LineCounter()
	const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false })
	const at = (offset: number) => {
		const { line, col } = lc.linePos(offset)
		return `${file}:${line}:${col}`
	}
	if (doc.errors.length > 0) return { errors: doc.errors.map((e) => `${at(e.pos[0])}: ${e.message}`) }

	const found: Located[] = []
	const add = (offset: number, path: (string | number)[], message: string) =>
		found.push({ offset, line: `${at(offset)} ${formatPath(path)}: ${message}` })

	for (const dup of findDuplicateKeys(doc)) add(dup.offset, dup.path, dup.message)
	// A value whose expansion failed is reported once, not again by the checks that see it empty.
	const expansionFailed = new Set<string>()
	for (const e of expandDocumentEnv(doc, env)) {
		add(e.node.range?.[0] ?? 0, e.path, e.message)
		expansionFailed.add(formatPath(e.path))
	}

	let raw: unknown
	try {
		raw = doc.toJS({ maxAliasCount: 100 })
	} catch (e) {
		return { errors: [`${at(0)}: ${(e as Error).message}`] }
	}

	const issues: ConfigIssue[] = []
	let config: Omit<Config, 'flows'> | null = null
	if (!isRecord(raw)) {
		issues.push({ path: [], message: raw == null ? 'the file is empty: expected a map with at least flows' : 'expected a map' })
	} else {
		const parsed = rootSchema.safeParse(raw, { reportInput: true })
		if (parsed.success) {
			const { flows: _, ...sections } = parsed.data
			config = { file, ...sections }
		} else issues.push(...fromZod(parsed.error.issues))
	}

	const flows = checkFlows(isRecord(raw) ? raw : {}, opts.now ?? Date.now(), issues)

	// operations.flow names a flow of this file; checked beside the flows so its line is found like any other
	const opsFlow = config?.operations.flow ?? ''
	if (flows && opsFlow !== '' && !flows.some((f) => f.id === opsFlow)) {
		issues.push({ path: ['operations', 'flow'], message: `names no flow of this file: ${opsFlow}` })
	}

	for (const issue of issues) {
		const path = formatPath(issue.path)
		if (expansionFailed.has(path)) continue
		add(locate(doc, issue.path, issue.atKey), issue.path, issue.message)
	}
	const result = found.length === 0 && config && flows ? { ...config, flows } : null
	if (result && opts.check) for (const issue of opts.check(result)) add(locate(doc, issue.path, issue.atKey), issue.path, issue.message)
	if (found.length > 0 || !result) {
		// stable sort: problems at the same spot keep the order they were found in
		const lines = found.sort((a, b) => a.offset - b.offset).map((f) => f.line)
		return { errors: [...new Set(lines)] }
	}
	return { config: result }
}

function checkFlows(raw: Record<string, unknown>, now: number, issues: ConfigIssue[]): FlowConfig[] | null {
	if (!Array.isArray(raw.flows)) return null
	// The limit applies even when another section is wrong; a bad limits block falls back to its default.
	const limits = limitsSchema.safeParse(raw.limits ?? {})
	const endpointsPerFlow = limits.success ? limits.data.endpointsPerFlow : 5
	const flows: FlowConfig[] = []
	const ids = new Set<string>()
	raw.flows.forEach((item, i) => {
		const result = normalizeFlow(item, ['flows', i], { endpointsPerFlow, now })
		issues.push(...result.issues)
		if (result.flow) flows.push(result.flow)
		const id = isRecord(item) ? item.id : undefined
		if (typeof id === 'string') {
			if (ids.has(id)) issues.push({ path: ['flows', i, 'id'], message: `duplicate flow id ${id}` })
			ids.add(id)
		}
	})
	return flows.length === raw.flows.length ? flows : null
}

export function loadConfigFile(path: string, env: Env = process.env, opts: LoadOptions = {}): LoadResult {
	let text: string
	try {
		text = readFileSync(path, 'utf8')
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code ?? 'error'
		return { errors: [`${path}: cannot read the file (${code})`] }
	}
	return loadConfigText(text, path, env, opts)
}
