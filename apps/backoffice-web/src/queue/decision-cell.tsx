import type { CaseSummary } from '../api/types';
import { reasonLabel } from '../case/reason-codes';
import { formatTime } from '../format';
import { useT } from '../i18n/i18n';

/** Who decided a case, when (Beijing time) and why (the reason's label); — before. */
export function DecisionCell({
  item,
}: {
  // Who and why come with the list's decision filters; without them, when only.
  item: CaseSummary & { decidedBy?: string | null; reasonCode?: string | null };
}) {
  const t = useT();
  if (!item.decidedAt) return <span className="muted">—</span>;
  return (
    <span>
      {item.decidedBy && <strong className="mono">{item.decidedBy}</strong>}
      {item.decidedBy && ' · '}
      {formatTime(t, item.decidedAt)}
      {item.reasonCode && (
        <span title={item.reasonCode} data-reason-code={item.reasonCode}>
          {' · '}
          {reasonLabel(t, item.kind, item.reasonCode)}
        </span>
      )}
    </span>
  );
}
