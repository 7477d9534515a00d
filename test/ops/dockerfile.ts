/** Reads a Dockerfile into its stages and instructions (line continuations joined, comments dropped). */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  /** The image or earlier stage it starts from, as written (ARG defaults substituted). */
  from: string;
  instructions: Instruction[];
}

export function dockerfileInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { keyword: m[1].toUpperCase(), args: m[2].replace(/\s+/g, ' ') };
    });
}

export function dockerfileStages(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [k, v] = ins.args.split('=');
      if (v !== undefined) args[k] = v;
    } else if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      const from = m[1].replace(/\$\{?(\w+)\}?/g, (_, k: string) => args[k] ?? '');
      stages.push({ name: m[2] ?? String(stages.length), from, instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** The stage and the stages it is built on, nearest first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const out: Stage[] = [];
  let s = stages.find((x) => x.name === name);
  while (s) {
    out.push(s);
    s = stages.find((x) => x.name === s!.from);
  }
  return out;
}
