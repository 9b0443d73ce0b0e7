// make build: the viewer bundle into dist/viewer, embedded by `bun build --compile --asset`.
// Prints the gzipped size of the JS, which must stay within 120 KB.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildViewer } from '../src/viewer/build'

const LIMIT = 120 * 1024
const dir = resolve(import.meta.dir, '../dist/viewer')
mkdirSync(dir, { recursive: true })
const { files } = await buildViewer()
for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes)
const js = files.get('app.js')!
const gz = gzipSync(js, { level: 9 }).byteLength
console.log(`viewer: app.js ${(js.byteLength / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (limit 120 KB); app.css ${(files.get('app.css')!.byteLength / 1024).toFixed(1)} KB`)
if (gz > LIMIT) {
	console.error('viewer: the gzipped bundle is over 120 KB')
	process.exit(1)
}
