// The sync server's address and an account's username and password, as the
// enrollment form and the consoles' sign-in forms ask for them. The password
// is sent once and not kept in the page.
import { useState } from "react";

export interface Credentials {
  serverUrl: string;
  username: string;
  password: string;
}

/** What the fields hold, and `take`: the credentials as typed (trimmed but the password), emptying the password field. */
export function useCredentials() {
  const [serverUrl, setServerUrl] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const take = (): Credentials => {
    setPassword("");
    return { serverUrl: serverUrl.trim(), username: username.trim(), password };
  };
  return { serverUrl, setServerUrl, username, setUsername, password, setPassword, take };
}

export type CredentialsState = ReturnType<typeof useCredentials>;

/**
 * The three fields, with the ids `PREFIX-server-url`, `PREFIX-username` and
 * `PREFIX-password`. Without `serverRequired` an empty server URL is allowed
 * (the placeholder says what it means). `onServerBlur` hears the server URL
 * field lose focus.
 */
export function CredentialFields({
  idPrefix,
  state,
  serverPlaceholder,
  serverRequired = false,
  onServerBlur,
}: {
  idPrefix: string;
  state: CredentialsState;
  serverPlaceholder: string;
  serverRequired?: boolean;
  onServerBlur?: () => void;
}) {
  return (
    <>
      <label>
        Server URL
        <input
          id={`${idPrefix}-server-url`}
          name="server-url"
          className="wide"
          inputMode="url"
          placeholder={serverPlaceholder}
          autoComplete="url"
          value={state.serverUrl}
          onChange={(e) => state.setServerUrl(e.target.value)}
          onBlur={onServerBlur}
          required={serverRequired}
        />
      </label>
      <label>
        Username
        <input
          id={`${idPrefix}-username`}
          name="username"
          autoComplete="username"
          value={state.username}
          onChange={(e) => state.setUsername(e.target.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          id={`${idPrefix}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          value={state.password}
          onChange={(e) => state.setPassword(e.target.value)}
          required
        />
      </label>
    </>
  );
}
