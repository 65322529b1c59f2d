// `any2point classify|teach ...`: the command line parsed, the command run, the exit code:
// 0 every file done, 1 some files failed (the others are reported) or the run could not start
// (say, the model does not open), 2 usage error (the message and the usage on stderr).
import { parseArgs, USAGE, UsageError } from './args';
import { classify } from './classifyCommand';
import type { CliContext } from './context';
import { teach } from './teach';
import { MissingInputError } from './walk';

export async function main(argv: readonly string[], context: Omit<CliContext, 'log'>): Promise<number> {
  const log = (line: string) => process.stderr.write(`any2point: ${line}\n`);
  try {
    const command = parseArgs(argv);
    if (command.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const run = command.command === 'classify' ? classify : teach;
    return await run(command as never, { ...context, log });
  } catch (error) {
    if (error instanceof UsageError || error instanceof MissingInputError) {
      process.stderr.write(`any2point: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
