// The administrator's lists of what the server keeps: devices, approval
// keys and the failed sign-ins it is counting.
import { useCallback } from "react";
import { api, CommandError, DeviceView, ThrottleView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { ActionResult, ConfirmRevoke, useAdminAction, useAdminList } from "./adminParts";

export function Devices({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const devices = useAdminList(api.adminDevices, onSessionLost);
  const load = devices.reload;
  const [action, run] = useAdminAction(onSessionLost, load);

  const revoke = (d: DeviceView) =>
    run(`${d.name} (${d.username}) is revoked; it can no longer sync.`, () => api.adminRevokeDevice(d.deviceId));

  return (
    <section aria-labelledby="devices-heading" id="admin-devices">
      <h3 id="devices-heading">Devices</h3>
      {devices.kind === "failed" && <ErrorBox id="devices-error" error={devices.error} />}
      {devices.kind === "loaded" && devices.value.length === 0 && <p className="meta">No device has enrolled.</p>}
      {devices.kind === "loaded" && devices.value.length > 0 && (
        <table id="devices-table" data-count={devices.value.length}>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">User</th>
              <th scope="col">Enrolled</th>
              <th scope="col" className="num">
                Operations received
              </th>
              <th scope="col">Status</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {devices.value.map((d) => (
              <tr key={d.deviceId} data-device-id={d.deviceId} data-device-name={d.name} data-revoked={d.revokedAt !== null}>
                <td title={`Key ${d.publicKey}`}>{d.name}</td>
                <td>{d.username}</td>
                <td>{d.enrolledAt.replace("T", " ").slice(0, 16)}</td>
                <td className="num">{d.lastSeq}</td>
                <td>{d.revokedAt ? `Revoked ${d.revokedAt.replace("T", " ").slice(0, 16)}` : "Active"}</td>
                <td className="row-actions">
                  {d.revokedAt === null && (
                    <ConfirmRevoke name={d.name} disabled={action.kind === "busy"} onConfirm={() => void revoke(d)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="devices" action={action} />
    </section>
  );
}

/** Failed sign-ins the server is counting, and clearing them. */
export function Throttles({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const throttles = useAdminList(api.adminLoginThrottles, onSessionLost);
  const load = throttles.reload;
  const [action, run] = useAdminAction(onSessionLost, load);

  function clear(t: ThrottleView) {
    // An account's row clears the account everywhere; an address's row, the address.
    const account = t.account ?? null;
    const address = t.account ? null : (t.address ?? null);
    return run(`${account ? `Sign-ins of ${account}` : `Sign-ins from ${address}`} no longer wait.`, () =>
      api.adminClearLoginThrottles(account, address),
    );
  }

  const who = (t: ThrottleView) =>
    t.account && t.address ? `${t.account} from ${t.address}` : t.account ? `${t.account} from anywhere` : `anyone from ${t.address}`;
  return (
    <section aria-labelledby="throttles-heading" id="admin-throttles">
      <h3 id="throttles-heading">Failed sign-ins</h3>
      <p className="meta">
        After a few wrong passwords, further sign-ins wait a little longer each time, never locked out; a user is never slowed where they
        usually sign in.
      </p>
      {throttles.kind === "failed" && <ErrorBox id="throttles-error" error={throttles.error} />}
      {throttles.kind === "loaded" && throttles.value.length === 0 && (
        <p className="meta" id="no-throttles">
          No failed sign-ins are being counted.
        </p>
      )}
      {throttles.kind === "loaded" && throttles.value.length > 0 && (
        <table id="throttles-table" data-count={throttles.value.length}>
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col">Waiting until</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {throttles.value.map((t) => (
              <tr key={`${t.account ?? ""}|${t.address ?? ""}`} data-account={t.account ?? ""} data-address={t.address ?? ""}>
                <td>{who(t)}</td>
                <td className="num">{t.failures}</td>
                <td>{t.waitingUntil ? t.waitingUntil.replace("T", " ").slice(0, 19) : "—"}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Clear ${who(t)}`}
                    disabled={action.kind === "busy"}
                    onClick={() => clear(t)}
                  >
                    Clear
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="throttles" action={action} />
    </section>
  );
}

/** Approval keys underwriters asked to register, and the pack keys the server trusts. */
export function PackKeys({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const requests = useAdminList(api.adminPackKeyRequests, onSessionLost);
  const loadRequests = requests.reload;
  const keys = useAdminList(api.adminPackKeys, onSessionLost);
  const loadKeys = keys.reload;
  const reload = useCallback(() => {
    loadRequests();
    loadKeys();
  }, [loadRequests, loadKeys]);
  const [action, run] = useAdminAction(onSessionLost, reload);

  const busy = action.kind === "busy";
  return (
    <section aria-labelledby="pack-keys-heading" id="admin-pack-keys">
      <h3 id="pack-keys-heading">Approval keys</h3>
      <p className="meta">
        An underwriter's approvals publish rates only with a key registered here. Compare the public key with the one on their Approvals
        screen before you approve it.
      </p>
      {requests.kind === "failed" && <ErrorBox id="key-requests-error" error={requests.error} />}
      {requests.kind === "loaded" && requests.value.length === 0 && (
        <p className="meta" id="no-key-requests">
          No underwriter is waiting for a key.
        </p>
      )}
      {requests.kind === "loaded" && requests.value.length > 0 && (
        <table id="key-requests-table" data-count={requests.value.length}>
          <thead>
            <tr>
              <th scope="col">Underwriter</th>
              <th scope="col">Key</th>
              <th scope="col">Asked</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {requests.value.map((r) => (
              <tr key={r.keyId} data-key-id={r.keyId}>
                <td>{r.username}</td>
                <td>
                  {r.keyId}
                  <details className="key-details">
                    <summary>Public key</summary>
                    <code className="key-hex">{r.publicKey}</code>
                  </details>
                </td>
                <td>{r.requestedAt.replace("T", " ").slice(0, 16)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Approve ${r.keyId} for ${r.username}`}
                    disabled={busy}
                    onClick={() =>
                      run(`${r.username}'s key ${r.keyId} is registered; their approvals are accepted after their next sync.`, () =>
                        api.adminDecidePackKeyRequest(r.keyId, true),
                      )
                    }
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Turn down ${r.keyId}`}
                    disabled={busy}
                    onClick={() =>
                      run(`${r.username}'s key ${r.keyId} is turned down.`, () => api.adminDecidePackKeyRequest(r.keyId, false))
                    }
                  >
                    Turn down
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys.kind === "failed" && <ErrorBox id="pack-keys-error" error={keys.error} />}
      {keys.kind === "loaded" && keys.value.length > 0 && (
        <table id="pack-keys-table" data-count={keys.value.length}>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Whose</th>
              <th scope="col">Status</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {keys.value.map((k) => (
              <tr key={k.keyId} data-key-id={k.keyId} data-revoked={k.revokedAt !== null}>
                <td title={`Public key ${k.publicKey}`}>{k.keyId}</td>
                <td>{k.username ?? "Organisation"}</td>
                <td>{k.revokedAt ? `Revoked ${k.revokedAt.replace("T", " ").slice(0, 16)}` : "Trusted"}</td>
                <td className="row-actions">
                  {k.revokedAt === null && (
                    <ConfirmRevoke
                      name={k.keyId}
                      disabled={busy}
                      onConfirm={() =>
                        void run(`${k.keyId} is revoked; packs signed only by it stop pricing after each desktop's next sync.`, () =>
                          api.adminRevokePackKey(k.keyId),
                        )
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="pack-keys" action={action} />
    </section>
  );
}
