import { Link } from "react-router";
import { PageHeader } from "@/components/ui/page";

export function NotFoundPage() {
  return (
    <div>
      <PageHeader title="Page not found" description="There is no page at this address." />
      <Link className="text-indigo-700 hover:underline" to="/">
        Back to the overview
      </Link>
    </div>
  );
}
