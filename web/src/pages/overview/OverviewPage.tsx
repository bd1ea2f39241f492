import { PageHeader } from "@/components/ui/page";

// TODO(issue 12): this page is being written.
export default function OverviewPage() {
  return <PageHeader title="OverviewPage" />;
}
