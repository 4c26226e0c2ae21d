// Explanations for error codes the agent can act on.
import type { CommandError } from "./api";

/** Messages for codes the agent can act on; anything else shows the server's text. */
export function explain(error: CommandError): string {
  switch (error.code) {
    case "rating.no_pack":
      return `No rate pack covers this quote. ${error.message}`;
    case "key.keychain_unavailable":
      return `The keychain is locked or unavailable, so the local store cannot open. ${error.message}`;
    default:
      return error.message;
  }
}

