// Every page is its own chunk (React.lazy): the first load carries the shell and the page opened.
import { lazy } from "react";
import { createBrowserRouter } from "react-router";
import { RequireSession } from "./auth/session";
import { AppShell } from "./components/layout/AppShell";
import { NotFoundPage } from "./pages/NotFoundPage";

const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Component = lazy(load);
  return <Component />;
};

export const router = createBrowserRouter([
  { path: "/login", element: page(() => import("./pages/auth/LoginPage")) },
  { path: "/signup", element: page(() => import("./pages/auth/SignupPage")) },
  { path: "/accept-invitation", element: page(() => import("./pages/auth/AcceptInvitationPage")) },
  {
    element: <RequireSession />,
    children: [
      { path: "/invoices/:invoiceId/print", element: page(() => import("./pages/invoices/InvoicePrintPage")) },
      {
        element: <AppShell />,
        children: [
          { index: true, element: page(() => import("./pages/overview/OverviewPage")) },
          { path: "/get-started", element: page(() => import("./pages/get-started/GetStartedPage")) },
          { path: "/events", element: page(() => import("./pages/events/EventsPage")) },
          { path: "/events/:eventId", element: page(() => import("./pages/events/EventDetailPage")) },
          { path: "/customers", element: page(() => import("./pages/customers/CustomersPage")) },
          { path: "/customers/:customerId", element: page(() => import("./pages/customers/CustomerDetailPage")) },
          { path: "/skus", element: page(() => import("./pages/skus/SkusPage")) },
          { path: "/skus/new", element: page(() => import("./pages/skus/NewSkuPage")) },
          { path: "/skus/:skuId", element: page(() => import("./pages/skus/SkuDetailPage")) },
          { path: "/invoices", element: page(() => import("./pages/invoices/InvoicesPage")) },
          { path: "/invoices/:invoiceId", element: page(() => import("./pages/invoices/InvoiceDetailPage")) },
          { path: "/usage", element: page(() => import("./pages/usage/UsagePage")) },
          { path: "/api-keys", element: page(() => import("./pages/api-keys/ApiKeysPage")) },
          { path: "/members", element: page(() => import("./pages/members/MembersPage")) },
          { path: "/settings", element: page(() => import("./pages/settings/SettingsPage")) },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
