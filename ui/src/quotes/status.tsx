// A quote's status as the agent reads it.
import type { QuoteStatus } from "../bindings";

export const STATUS_LABEL: Record<QuoteStatus, string> = {
  draft: "Not rated",
  rated: "Rated",
  referred: "Referred",
  approved: "Approved",
  declined: "Declined",
  bind_requested: "Bind requested",
  bound: "Bound",
  bind_rejected: "Bind rejected",
  expired: "Expired",
};

export function StatusBadge({ status }: { status: QuoteStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}
