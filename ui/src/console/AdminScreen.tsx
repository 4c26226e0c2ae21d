// The administrator's console: signed in to the sync server as an
// administrator, the users, devices, approval keys and failed sign-ins.
import { useCallback } from "react";
import type { CommandError } from "../api";
import { SessionBar, useSession } from "./session";
import { Devices, PackKeys, Throttles } from "./serverLists";
import { Users } from "./Users";

export function AdminScreen() {
  const session = useSession();
  const reload = session.reload;
  // A refused or expired session is forgotten by the workstation: ask again.
  const onSessionLost = useCallback(
    (e: CommandError) => {
      if (e.code === "sync.unauthorized" || e.code === "sync.not_signed_in") reload();
    },
    [reload],
  );
  const signedIn = session.kind === "loaded" && session.value?.role === "admin";
  return (
    <section id="admin-screen" aria-labelledby="admin-heading" data-signed-in={signedIn}>
      <h2 id="admin-heading">Administration</h2>
      <SessionBar role="admin" session={session} onChange={(value) => session.set({ kind: "loaded", value })} />
      {signedIn && (
        <>
          <Users onSessionLost={onSessionLost} />
          <Devices onSessionLost={onSessionLost} />
          <PackKeys onSessionLost={onSessionLost} />
          <Throttles onSessionLost={onSessionLost} />
        </>
      )}
    </section>
  );
}
