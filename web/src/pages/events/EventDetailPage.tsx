import { PageHeader } from "@/components/ui/page";

// TODO(issue 12): this page is being written.
export default function EventDetailPage() {
  return <PageHeader title="EventDetailPage" />;
}
