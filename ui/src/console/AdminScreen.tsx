// The administrator's console: signed in to the sync server as an
// administrator, the users, devices, approval keys, failed sign-ins, which
// roles need an authenticator app, the organization's sign-in services and
// which app versions may sync.
import { useCallback, useState } from "react";
import { api, CommandError } from "../api";
import { SessionBar, useSession } from "./session";
import { Devices, PackKeys, Throttles } from "./serverLists";
import { CustomerRequests } from "./CustomerRequests";
import { DesktopVersions } from "./DesktopVersions";
import { IdentityProviders } from "./IdentityProviders";
import { Retention } from "./Retention";
import { SecondFactorPolicy } from "./SecondFactorPolicy";
import { Users } from "./Users";

export function AdminScreen() {
  const session = useSession();
  const reload = session.reload;
  const set = session.set;
  /** What a change to the administrator's own account did, said after it signed them out. */
  const [notice, setNotice] = useState<string | null>(null);
  // A refused or expired session is forgotten by the workstation: ask again.
  const onSessionLost = useCallback(
    (e: CommandError) => {
      if (e.code === "sync.unauthorized" || e.code === "sync.not_signed_in") reload();
    },
    [reload],
  );
  // The server ended every session of an account it changed, this one too.
  const onSelfChanged = useCallback(
    (message: string) => {
      setNotice(`${message} The server signed you out.`);
      void api
        .signOut()
        .catch(() => false)
        .then(() => set({ kind: "loaded", value: null }));
    },
    [set],
  );
  const signedIn = session.kind === "loaded" && session.value?.role === "admin" && !session.value.mustEnrollSecondFactor;
  const me = session.kind === "loaded" ? (session.value?.username ?? null) : null;
  return (
    <section id="admin-screen" aria-labelledby="admin-heading" data-signed-in={signedIn}>
      <h2 id="admin-heading">Administration</h2>
      {notice && !signedIn && (
        <p role="status" className="notice" id="admin-signed-out">
          {notice}
        </p>
      )}
      <SessionBar
        role="admin"
        session={session}
        onChange={(value) => {
          setNotice(null);
          session.set({ kind: "loaded", value });
        }}
      />
      {signedIn && (
        <>
          <Users me={me} onSessionLost={onSessionLost} onSelfChanged={onSelfChanged} />
          <Devices onSessionLost={onSessionLost} />
          <PackKeys onSessionLost={onSessionLost} />
          <Throttles onSessionLost={onSessionLost} />
          <SecondFactorPolicy onSessionLost={onSessionLost} />
          <IdentityProviders onSessionLost={onSessionLost} />
          <CustomerRequests onSessionLost={onSessionLost} />
          <Retention onSessionLost={onSessionLost} />
          <DesktopVersions onSessionLost={onSessionLost} />
        </>
      )}
    </section>
  );
}
