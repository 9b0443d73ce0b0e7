import { loadConfigFile } from './config/load'
import { VERSION } from './domain'
import { ConfigError, startGateway } from './runtime'
import { StoreLockedError } from './store/open'
import { StoreOpenError } from './store/open-store'

const USAGE = `usage:
  hookgate serve [--config PATH]      run the gateway (PATH: $HOOKGATE_CONFIG, then ./config.yaml)
  hookgate check-config PATH          validate a config file
  hookgate listen [--port N] [--secret S] [--scheme hmac-sha256|standard-webhooks] [--status CODE]
  hookgate version`

export type Command = (args: string[]) => Promise<number>

export function flag(args: string[], name: string): string | undefined {
	const i = args.indexOf(name)
	if (i >= 0) return args[i + 1]
	const eq = args.find((a) => a.startsWith(`${name}=`))
	return eq?.slice(name.length + 1)
}

const commands: Record<string, Command> = {
	async version() {
		console.log(`hookgate ${VERSION}`)
		return 0
	},
	async 'check-config'(args) {
		const path = args[0]
		if (!path) { console.error(USAGE); return 2 }
		const r = loadConfigFile(path)
		if ('errors' in r) { for (const l of r.errors) console.log(l); return 1 }
		console.log('ok')
		return 0
	},
	async serve(args) {
		const path = flag(args, '--config') ?? process.env.HOOKGATE_CONFIG ?? './config.yaml'
		try {
			await startGateway(path, { signals: true })
			return -1
		} catch (err) {
			if (err instanceof ConfigError) { for (const l of err.lines) console.error(l); return 1 }
			if (err instanceof StoreLockedError || err instanceof StoreOpenError) { console.error(`hookgate: ${err.message}`); return 1 }
			throw err
		}
	},
	async listen(args) {
		const { listen } = await import('./ops/listen')
		return listen(args)
	},
}

/** Runs a command; a negative result means "keep running" (serve). */
export async function runCli(argv: string[]): Promise<number> {
	const [name, ...rest] = argv
	const cmd = name ? commands[name] : undefined
	if (!cmd) {
		console.error(USAGE)
		return name === undefined || name === 'help' || name === '--help' ? 0 : 2
	}
	return cmd(rest)
}
