import type { ReactNode } from "react";

/**
 * A table of plain text that scrolls sideways on a narrow screen, in a named region a keyboard can
 * reach and scroll (ui/table's Table suits tables whose rows hold links or buttons to tab to).
 */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="w-full overflow-x-auto rounded focus-visible:outline-2 focus-visible:outline-indigo-600 print:overflow-visible"
    >
      <table className="w-full min-w-max border-collapse text-left text-sm">{children}</table>
    </div>
  );
}
