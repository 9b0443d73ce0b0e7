// Bundles the viewer app with Bun.build: one JS file and one CSS file, no
// outside URL. `make build` writes them to dist/viewer (embedded into the
// binary with --asset); a source run (`bun src/main.ts serve`) builds them in
// memory on the first request instead, so dev needs no extra step.
import { join } from 'node:path'

export interface ViewerFiles {
	/** file name under /ui/assets/ → bytes */
	files: Map<string, Uint8Array<ArrayBuffer>>
}

const ENTRY = join(import.meta.dir, 'app/main.tsx')
const CSS = join(import.meta.dir, 'app/styles.css')
const ICON = join(import.meta.dir, 'app/icon.svg')

export async function buildViewer(): Promise<ViewerFiles> {
	const out = await Bun.build({
		entrypoints: [ENTRY],
		target: 'browser',
		format: 'esm',
		minify: true,
		sourcemap: 'none',
		define: { 'process.env.NODE_ENV': '"production"' },
	})
	if (!out.success) throw new Error(`viewer build failed:\n${out.logs.map(String).join('\n')}`)
	const js = out.outputs.find((o) => o.kind === 'entry-point')
	if (!js) throw new Error('viewer build produced no entry point')
	const files = new Map<string, Uint8Array<ArrayBuffer>>()
	files.set('app.js', new Uint8Array(await js.arrayBuffer()))
	files.set('app.css', new Uint8Array(await Bun.file(CSS).arrayBuffer()))
	files.set('icon.svg', new Uint8Array(await Bun.file(ICON).arrayBuffer()))
	return { files }
}
