// Swagger UI's files, imported `with { type: 'file' }`: Bun gives their path,
// and `bun build --compile` embeds them in the binary.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
	const path: string
	export default path
}
declare module 'swagger-ui-dist/swagger-ui.css' {
	const path: string
	export default path
}
