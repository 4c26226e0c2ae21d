import type { CommandError } from "../api";

// `seq` numbers each request, so a reader (a person or the end-to-end test)
// can tell a fresh answer from the previous one.
export type Attempt<T> =
  | { kind: "idle"; seq: number }
  | { kind: "busy"; seq: number }
  | { kind: "done"; seq: number; value: T }
  | { kind: "failed"; seq: number; error: CommandError };
