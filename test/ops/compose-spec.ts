/**
 * The parts of the Compose specification (compose-spec.io, `services`, `volumes`) that
 * docker-compose.yml uses, as zod schemas: strict, so a misspelt or misplaced key fails like it
 * would in `docker compose config`. Plus the variable interpolation Compose applies first.
 */
import { z } from 'zod';

const duration = z.string().regex(/^(\d+(\.\d+)?(us|ms|s|m|h))+$/, 'a Compose duration such as 30s or 1m30s');
const stringList = z.array(z.string());
const command = z.union([z.string(), stringList]);

const healthcheck = z.strictObject({
  test: z.union([z.string(), z.tuple([z.enum(['CMD', 'CMD-SHELL', 'NONE'])]).rest(z.string())]),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number().int().positive().optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
  disable: z.boolean().optional(),
});

const dependsOn = z.union([
  stringList,
  z.record(
    z.string(),
    z.strictObject({
      condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']),
      restart: z.boolean().optional(),
      required: z.boolean().optional(),
    }),
  ),
]);

const build = z.union([
  z.string(),
  z.strictObject({
    context: z.string(),
    dockerfile: z.string().optional(),
    target: z.string().optional(),
    args: z.union([z.record(z.string(), z.string()), stringList]).optional(),
  }),
]);

const environment = z.union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), stringList]);

/** `[HOST:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]` or a container port alone. */
const portString = z.string().regex(/^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/, 'a port mapping');

export const serviceSchema = z.strictObject({
  image: z.string().optional(),
  build: build.optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: environment.optional(),
  env_file: z.union([z.string(), stringList]).optional(),
  ports: z.array(portString).optional(),
  expose: z.array(z.string().regex(/^\d+(\/(tcp|udp))?$/)).optional(),
  volumes: stringList.optional(),
  depends_on: dependsOn.optional(),
  healthcheck: healthcheck.optional(),
  profiles: stringList.optional(),
  restart: z.union([z.enum(['no', 'always', 'unless-stopped', 'on-failure']), z.string().regex(/^on-failure:\d+$/)]).optional(),
  stop_grace_period: duration.optional(),
  stop_signal: z.string().optional(),
  init: z.boolean().optional(),
  user: z.string().optional(),
  container_name: z.string().optional(),
  platform: z.string().optional(),
  pull_policy: z.enum(['always', 'never', 'missing', 'build', 'if_not_present']).optional(),
  deploy: z
    .strictObject({
      replicas: z.number().int().nonnegative().optional(),
      resources: z.strictObject({ limits: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
    })
    .optional(),
});

export const composeSchema = z
  .strictObject({
    name: z.string().optional(),
    services: z.record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/), serviceSchema),
    volumes: z.record(z.string(), z.union([z.null(), z.strictObject({ driver: z.string().optional(), external: z.boolean().optional() })])).optional(),
    networks: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown())
  .superRefine((doc, ctx) => {
    // Top-level keys outside the spec are allowed only as extensions (x-…).
    for (const key of Object.keys(doc)) {
      if (!['name', 'services', 'volumes', 'networks'].includes(key) && !key.startsWith('x-')) {
        ctx.addIssue({ code: 'custom', message: `unknown top-level key ${key}`, path: [key] });
      }
    }
  });

export type ComposeFile = z.infer<typeof composeSchema>;
export type ComposeService = z.infer<typeof serviceSchema>;

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a string interpolates (`${VAR}`, `${VAR:-default}`, `$VAR`), including those in defaults. */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(INTERPOLATION)) {
    if (m[0] === '$$') continue;
    out.push(m[1] ?? m[4]);
    if (m[3]) out.push(...variablesIn(m[3]));
  }
  return out;
}

/** Compose's interpolation: `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}`, `$$`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(INTERPOLATION, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare!;
    const value = env[name];
    if (op === ':-') return value ? value : interpolate(arg ?? '', env);
    if (op === '-') return value !== undefined ? value : interpolate(arg ?? '', env);
    if ((op === ':?' && !value) || (op === '?' && value === undefined)) throw new Error(`${name}: ${arg || 'required'}`);
    return value ?? '';
  });
}

/** Interpolates every string in a parsed YAML tree. */
export function interpolateTree<T>(node: T, env: Record<string, string | undefined>): T {
  if (typeof node === 'string') return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((n) => interpolateTree(n, env)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)])) as T;
  return node;
}

/** Every string of a parsed YAML tree. */
export function stringsIn(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(stringsIn);
  if (node && typeof node === 'object') return Object.values(node).flatMap(stringsIn);
  return [];
}

/** Seconds of a Compose/Go duration (`1m30s`), or of the Temporal SDK's ms-style one (`30s`, `2m`). */
export function seconds(d: string): number {
  const units: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/** A service's environment as a map (list form `KEY=value` too). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
