// Explanations for error codes the agent can act on.
import type { CommandError } from "../api";

/** Messages for codes the agent can act on; anything else shows the server's text. */
export function explain(error: CommandError): string {
  switch (error.code) {
    case "rating.no_pack":
      return `No rate pack covers this quote. ${error.message}`;
    case "key.keychain_unavailable":
      return `The keychain is locked or unavailable, so the local store cannot open. ${error.message}`;
    case "pack.no_approval_key":
      return `You have no approval key on this workstation: create one under "Approval key" and have an administrator register it, then approve. ${error.message}`;
    case "pack.four_eyes":
      return `You wrote this draft, so another underwriter must decide it. ${error.message}`;
    case "impact.book_file":
    case "impact.book_invalid":
      return `The book could not be read. ${error.message}`;
    default:
      return error.message;
  }
}
