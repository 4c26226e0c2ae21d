// What the agent can do about a sync or sign-in error, in words.
import type { CommandError } from "../api";

/** Messages for codes the agent can act on; the workstation's message follows, with the server's reason. */
export function explainSync(error: CommandError): string {
  switch (error.code) {
    case "sync.unauthorized":
      return error.serverCode === "auth.invalid_credentials"
        ? `Wrong username or password. ${error.message}`
        : `The sync server refused the sign-in. ${error.message}`;
    case "sync.unreachable":
      return `The sync server cannot be reached. ${error.message}`;
    case "sync.device_revoked":
      return `This device is no longer allowed to sync. ${error.message}`;
    case "sync.not_enrolled":
      return `Enroll this device first. ${error.message}`;
    case "sync.rate_limited":
      return `Too many attempts. ${error.message}`;
    default:
      return error.message;
  }
}
