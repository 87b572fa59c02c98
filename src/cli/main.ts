#!/usr/bin/env node
/** The `nlring` bin: all the work is in run.ts, which tests call directly. */
import { run } from './run.js';

// `nlring list | head -1` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// Set exitCode rather than calling process.exit, so buffered output is flushed first.
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
