/** The `epic-shelter` command: the API's migrations, schedules and templates from a shell. */
import { Command, CommanderError } from 'commander';
import { scheduleCommands } from './commands/schedules';
import { migrationCommands } from './commands/migrations';
import { templateCommands } from './commands/templates';
import { DEFAULT_URL } from './client';
import { contextOf, type Run } from './context';
import { EXIT } from './exit-codes';
import { output, reportError } from './output';

const ENVIRONMENT = `
Environment:
  EPIC_SHELTER_URL    the API (default ${DEFAULT_URL})
  EPIC_SHELTER_TOKEN  bearer token, when the API requires one

Exit status: 0 done (a watched migration completed), 1 failed or cancelled (or an API error),
2 usage error (also a request the API refused as invalid), 130 interrupted while watching.`;

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command('epic-shelter')
    .description('Durable table migrations on Temporal: start, watch and manage them through the Epic Shelter API')
    .option('--url <url>', 'API base URL (default: $EPIC_SHELTER_URL or ' + DEFAULT_URL + ')')
    .option('--json', 'machine-readable output (JSON; with --watch one JSON object per line)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT)
    .exitOverride();

  // Subcommands inherit exitOverride and showHelpAfterError from the program.
  const run: Run = (cmd, fn) => {
    cmd.action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const ctx = contextOf(self);
      try {
        status = (await fn(ctx, ...args.slice(0, -1))) ?? EXIT.ok;
      } catch (err) {
        status = reportError(err, ctx.out);
      }
    });
  };

  migrationCommands(program, run);
  scheduleCommands(program, run);
  templateCommands(program, run);

  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help ends here too, successfully; help shown for a group without its subcommand is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(err, output(false));
  }
  return status;
}
