// The administrator's lists of what the server keeps: devices, approval
// keys and the failed sign-ins it is counting.
import { useCallback } from "react";
import { api, CommandError, DeviceView, PackKeyView, PendingKeyView, ThrottleView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { formatInstant } from "../shared/language";
import { ActionResult, useAdminAction, useAdminList, useConfirmation } from "./adminParts";

export function Devices({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const devices = useAdminList(api.adminDevices, onSessionLost);
  const load = devices.reload;
  const [action, run] = useAdminAction(onSessionLost, load);
  const { ask, dialog } = useConfirmation("device-confirm");

  const revoke = (d: DeviceView) =>
    ask({
      question: `Revoke ${d.name}, ${d.username}'s device?`,
      consequence: `${d.username} can no longer sync from it, and changes made on it that have not synced never reach the server. It cannot be enrolled again with the same key.`,
      confirm: `Revoke ${d.name}`,
      run: () => void run(`${d.name} (${d.username}) is revoked; it can no longer sync.`, () => api.adminRevokeDevice(d.deviceId)),
    });

  return (
    <section aria-labelledby="devices-heading" id="admin-devices">
      <h3 id="devices-heading">Devices</h3>
      {devices.kind === "failed" && <ErrorBox id="devices-error" error={devices.error} />}
      {devices.kind === "loaded" && devices.value.length === 0 && <p className="meta">No device has enrolled.</p>}
      {devices.kind === "loaded" && devices.value.length > 0 && (
        <table id="devices-table" className="admin-table" data-count={devices.value.length}>
          <colgroup>
            <col className="col-device" />
            <col className="col-user" />
            <col className="col-when" />
            <col className="col-count" />
            <col className="col-when" />
            <col className="col-when" />
            <col className="col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">User</th>
              <th scope="col">Enrolled</th>
              <th scope="col" className="num">
                Changes received
              </th>
              <th scope="col">Last seen</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.value.map((d) => (
              <tr key={d.deviceId} data-device-id={d.deviceId} data-device-name={d.name} data-revoked={d.revokedAt !== null}>
                <td title={`Key ${d.publicKey}`}>{d.name}</td>
                <td>{d.username}</td>
                <td>{formatInstant(d.enrolledAt)}</td>
                <td className="num">{d.lastSeq}</td>
                <td data-stale={d.revokedAt === null && staleDays(d.lastSeenAt) !== null ? "true" : undefined}>
                  {lastSeen(d.lastSeenAt, d.revokedAt === null)}
                </td>
                <td>{d.revokedAt ? `Revoked ${formatInstant(d.revokedAt)}` : "Active"}</td>
                <td className="row-actions">
                  {d.revokedAt === null && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Revoke ${d.name}`}
                      disabled={action.kind === "busy"}
                      onClick={() => revoke(d)}
                    >
                      Revoke…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
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
                <td>{t.waitingUntil ? formatInstant(t.waitingUntil) : "—"}</td>
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
  const { ask, dialog } = useConfirmation("key-confirm");

  const approve = (r: PendingKeyView) =>
    ask({
      question: `Register ${r.username}'s approval key ${r.keyId}?`,
      consequence: `Rates ${r.username} approves are published with this key after their next sync. Register it only if its public key matches the one on their Approvals screen.`,
      confirm: "Register the key",
      run: () =>
        void run(`${r.username}'s key ${r.keyId} is registered; their approvals are accepted after their next sync.`, () =>
          api.adminDecidePackKeyRequest(r.keyId, true),
        ),
    });
  const turnDown = (r: PendingKeyView) =>
    ask({
      question: `Turn down ${r.username}'s approval key ${r.keyId}?`,
      consequence: `${r.username}'s approvals are not accepted until they ask again and an administrator registers the new request.`,
      confirm: "Turn down the key",
      run: () => void run(`${r.username}'s key ${r.keyId} is turned down.`, () => api.adminDecidePackKeyRequest(r.keyId, false)),
    });
  const revoke = (k: PackKeyView) =>
    ask({
      question: `Revoke the approval key ${k.keyId}?`,
      consequence: `Rates signed only by it stop pricing on every workstation after its next sync, and ${
        k.username ? `${k.username}'s approvals are no longer accepted` : "nothing more can be published with it"
      }. A revoked key cannot be trusted again.`,
      confirm: `Revoke ${k.keyId}`,
      run: () =>
        void run(`${k.keyId} is revoked; rates signed only by it stop pricing on each workstation after its next sync.`, () =>
          api.adminRevokePackKey(k.keyId),
        ),
    });

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
                <td>{formatInstant(r.requestedAt)}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Approve ${r.keyId} for ${r.username}`} disabled={busy} onClick={() => approve(r)}>
                    Approve…
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Turn down ${r.keyId}`}
                    disabled={busy}
                    onClick={() => turnDown(r)}
                  >
                    Turn down…
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
                <td>{k.revokedAt ? `Revoked ${formatInstant(k.revokedAt)}` : "Trusted"}</td>
                <td className="row-actions">
                  {k.revokedAt === null && (
                    <button type="button" className="secondary" aria-label={`Revoke ${k.keyId}`} disabled={busy} onClick={() => revoke(k)}>
                      Revoke…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog}
      <ActionResult id="pack-keys" action={action} />
    </section>
  );
}

/** Days since `lastSeenAt` when a week or more: the device has gone quiet. */
export function staleDays(lastSeenAt: string | null, now: Date = new Date()): number | null {
  if (lastSeenAt === null) return null;
  const days = Math.floor((now.getTime() - new Date(lastSeenAt).getTime()) / 86_400_000);
  return days >= 7 ? days : null;
}

/** When the device last called, in words; a quiet active device is called out. */
export function lastSeen(lastSeenAt: string | null, active: boolean, now: Date = new Date()): string {
  if (lastSeenAt === null) return "Not yet";
  const days = staleDays(lastSeenAt, now);
  return active && days !== null ? `Not seen for ${days} days (${formatInstant(lastSeenAt)})` : formatInstant(lastSeenAt);
}
