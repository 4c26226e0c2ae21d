import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandError } from "../api";
import { invalidate, useCommand } from "./useCommand";

/** A command whose answers the test gives, one call at a time. */
function controlled<T>() {
  const pending: { args: unknown[]; resolve: (value: T) => void; reject: (error: CommandError) => void }[] = [];
  const command = (...args: unknown[]) => new Promise<T>((resolve, reject) => pending.push({ args, resolve, reject }));
  return { command, pending };
}

describe("useCommand", () => {
  it("shows loading, then the value, and keeps it shown while it reloads", async () => {
    const { command, pending } = controlled<string>();
    const { result } = renderHook(() => useCommand(command, []));
    expect(result.current.kind).toBe("loading");
    await act(async () => pending[0].resolve("first"));
    expect(result.current).toMatchObject({ kind: "loaded", value: "first" });

    let reloaded: Promise<void> = Promise.resolve();
    act(() => {
      reloaded = result.current.reload();
    });
    expect(result.current).toMatchObject({ kind: "loaded", value: "first" });
    await act(async () => {
      pending[1].resolve("second");
      await reloaded;
    });
    expect(result.current).toMatchObject({ kind: "loaded", value: "second" });
  });

  it("shows loading again on reload when asked to, and the command's error when it fails", async () => {
    const { command, pending } = controlled<string>();
    const { result } = renderHook(() => useCommand(command, [], { resetOnReload: true }));
    await act(async () => pending[0].resolve("first"));
    act(() => void result.current.reload());
    expect(result.current.kind).toBe("loading");
    await act(async () => pending[1].reject({ code: "sync.unreachable", message: "no answer" }));
    expect(result.current).toMatchObject({ kind: "failed", error: { code: "sync.unreachable" } });
  });

  it("loads again when the arguments change, and drops the answer to the older ones", async () => {
    const { command, pending } = controlled<string>();
    const { result, rerender } = renderHook(({ id }) => useCommand(command, [id]), { initialProps: { id: 1 } });
    rerender({ id: 2 });
    expect(pending.map((p) => p.args)).toEqual([[1], [2]]);
    expect(result.current.kind).toBe("loading");
    await act(async () => pending[0].resolve("for 1"));
    expect(result.current.kind).toBe("loading");
    await act(async () => pending[1].resolve("for 2"));
    expect(result.current).toMatchObject({ kind: "loaded", value: "for 2" });
  });

  it("waits until enabled, and reloads when its tag is invalidated", async () => {
    const { command, pending } = controlled<string>();
    const { result, rerender } = renderHook(({ enabled }) => useCommand(command, [], { enabled, tag: "test-tag" }), {
      initialProps: { enabled: false },
    });
    expect(pending).toHaveLength(0);
    rerender({ enabled: true });
    expect(pending).toHaveLength(1);
    await act(async () => pending[0].resolve("first"));
    act(() => invalidate("test-tag"));
    await waitFor(() => expect(pending).toHaveLength(2));
    await act(async () => pending[1].resolve("second"));
    expect(result.current).toMatchObject({ kind: "loaded", value: "second" });
  });
});
