import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Button } from "./button";

/** Copies `value` to the clipboard; says so for screen readers too. */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard permission (an insecure origin): select-and-copy by hand still works.
      return;
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }
  return (
    <Button variant="secondary" size="sm" onClick={copy} aria-label={copied ? `${label}: copied` : label}>
      {copied ? <Check className="h-4 w-4" aria-hidden /> : <Copy className="h-4 w-4" aria-hidden />}
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </Button>
  );
}

/** A secret or a command in monospace, selectable, with a copy button. `testId` goes on the text
 * itself (not the button), so a test reading it gets exactly `value`. */
export function CodeBlock({ value, label, testId }: { value: string; label?: string; testId?: string }) {
  return (
    <div className="flex flex-col gap-2 rounded-md border border-slate-200 bg-slate-950 p-3 sm:flex-row sm:items-start">
      <pre
        data-testid={testId}
        className="min-w-0 flex-1 overflow-x-auto whitespace-pre-wrap break-all font-mono text-xs text-slate-100"
      >
        <code>{value}</code>
      </pre>
      <CopyButton value={value} label={label ?? "Copy"} />
    </div>
  );
}
