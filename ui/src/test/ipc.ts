// The tests' stand-in for the Tauri IPC: each test names the commands it
// expects and how they answer; any other command fails the way a refused
// command does, with code `test.unexpected`, so a stray call shows.
import { mockIPC } from "@tauri-apps/api/mocks";

export type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;
/** Each command called, with its arguments, in order. */
export type Calls = [string, Args][];

/** How a command the test did not expect answers. */
export function unexpected(cmd: string): Promise<never> {
  return Promise.reject({ code: "test.unexpected", message: cmd });
}

/** Mocks the commands in `handlers`; returns the calls made, in order. */
export function mockCommands(handlers: Record<string, Handler>): Calls {
  const calls: Calls = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Args]);
    const handler = handlers[cmd];
    return handler ? handler(args as Args) : unexpected(cmd);
  });
  return calls;
}

/** The names of the commands called, in order. */
export function names(calls: Calls): string[] {
  return calls.map(([cmd]) => cmd);
}
