import type { HydrolixAuth } from './auth';
import { listPage } from './auth';
import type { OutputColumn } from './type-map';

export interface HdxObject {
  uuid: string;
  name: string;
  settings?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface TransformBody {
  name: string;
  description?: string;
  type: 'json';
  settings: {
    is_default: boolean;
    compression: string;
    format_details?: Record<string, unknown>;
    output_columns: OutputColumn[];
  };
}

const enc = encodeURIComponent;

/** Projects, tables and transforms of one org (doc §2). There is no lookup by name: list and filter. */
export class ConfigApi {
  constructor(private readonly auth: HydrolixAuth) {}

  private async list(path: string, what: string): Promise<HdxObject[]> {
    const out: HdxObject[] = [];
    let next: string | null = path;
    for (let page = 0; next && page < 10_000; page++) {
      const res = listPage(await this.auth.json<unknown>({ method: 'GET', path: next, what }));
      out.push(...(res.items as HdxObject[]));
      next = res.next;
    }
    return out;
  }

  /**
   * Creates an object unless it exists. Creates answer 200 or 201 (doc §2); a
   * duplicate-name 400 means another worker won the race, so we list again.
   */
  private async ensure(listPath: string, name: string, body: unknown, what: string): Promise<{ obj: HdxObject; created: boolean }> {
    const find = async () => (await this.list(listPath, `list ${what}s`)).find((o) => o.name === name);
    const existing = await find();
    if (existing) return { obj: existing, created: false };
    const req = {
      method: 'POST' as const,
      path: listPath,
      what: `create ${what} "${name}"`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
    const res = await this.auth.send(req);
    if (res.status === 200 || res.status === 201) return { obj: JSON.parse(res.text) as HdxObject, created: true };
    if (res.status === 400 || res.status === 409) {
      const raced = await find();
      if (raced) return { obj: raced, created: false };
    }
    throw this.auth.statusError(req, res);
  }

  projectsPath(org: string): string {
    return `/config/v1/orgs/${enc(org)}/projects/`;
  }
  tablesPath(org: string, project: string): string {
    return `${this.projectsPath(org)}${enc(project)}/tables/`;
  }
  transformsPath(org: string, project: string, table: string): string {
    return `${this.tablesPath(org, project)}${enc(table)}/transforms/`;
  }
  // Paths take uuids (`{proj}`, `{table}` in doc §2); lookups take names.

  findProject(org: string, name: string) {
    return this.list(this.projectsPath(org), 'list projects').then((l) => l.find((o) => o.name === name));
  }
  findTable(org: string, project: string, name: string) {
    return this.list(this.tablesPath(org, project), 'list tables').then((l) => l.find((o) => o.name === name));
  }
  listTransforms(org: string, project: string, table: string) {
    return this.list(this.transformsPath(org, project, table), 'list transforms');
  }

  ensureProject(org: string, name: string) {
    return this.ensure(this.projectsPath(org), name, { name, description: 'Created by Epic Shelter' }, 'project');
  }
  ensureTable(org: string, project: string, name: string, settings: Record<string, unknown>) {
    return this.ensure(this.tablesPath(org, project), name, { name, type: 'turbine', description: 'Created by Epic Shelter', settings }, 'table');
  }
  ensureTransform(org: string, project: string, table: string, body: TransformBody) {
    return this.ensure(this.transformsPath(org, project, table), body.name, body, 'transform');
  }
}
