// What the runner prints: its own few lines under `[parley]`, and every child's lines under `[name]` in a colour
// of its own, padded so the logs line up. A dev tool for a terminal, so plain stdout/stderr rather than pino.
import pc from 'picocolors';

type Paint = (text: string) => string;

export interface Output {
  /** The runner's own progress lines. */
  info(line: string): void;
  /** The runner's own problems. */
  error(line: string): void;
  /** A line a child printed; `stream` keeps stderr on stderr so the two can still be split. */
  child(name: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** Makes room for names known only after start-up began, so prefixes stay aligned. */
  addNames(names: readonly string[]): void;
}

export interface OutputOptions {
  readonly color: boolean;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

const RUNNER_NAME = 'parley';

export function createOutput(options: OutputOptions): Output {
  const colors = pc.createColors(options.color);
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // Red is left out of the palette: it is kept for errors.
  const palette: Paint[] = [colors.cyan, colors.magenta, colors.yellow, colors.blue, colors.green];
  const paints = new Map<string, Paint>([[RUNNER_NAME, colors.bold]]);
  let width = RUNNER_NAME.length;

  const prefix = (name: string): string => {
    let paint = paints.get(name);
    if (paint === undefined) {
      paint = palette[(paints.size - 1) % palette.length] ?? colors.white;
      paints.set(name, paint);
    }
    return paint(`[${name}]`.padEnd(width + 2));
  };

  return {
    info(line) {
      stdout.write(`${prefix(RUNNER_NAME)} ${line}\n`);
    },
    error(line) {
      stderr.write(`${prefix(RUNNER_NAME)} ${colors.red(line)}\n`);
    },
    child(name, line, stream) {
      (stream === 'stderr' ? stderr : stdout).write(`${prefix(name)} ${line}\n`);
    },
    addNames(names) {
      for (const name of names) {
        width = Math.max(width, name.length);
        prefix(name);
      }
    },
  };
}
