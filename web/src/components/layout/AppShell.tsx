import { BarChart3, Boxes, FileText, KeyRound, LayoutDashboard, ListTree, LogOut, Menu, Rocket, Settings, Users, UsersRound, X } from "lucide-react";
import { Suspense, useState } from "react";
import { NavLink, Outlet } from "react-router";
import { useLogout, useSession } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Loading } from "@/components/ui/states";
import { cn } from "@/lib/cn";

const NAV = [
  { to: "/", label: "Overview", icon: LayoutDashboard, end: true },
  { to: "/get-started", label: "Get started", icon: Rocket },
  { to: "/events", label: "Events", icon: ListTree },
  { to: "/customers", label: "Customers", icon: UsersRound },
  { to: "/skus", label: "SKUs & pricing", icon: Boxes },
  { to: "/invoices", label: "Invoices", icon: FileText },
  { to: "/usage", label: "Usage", icon: BarChart3 },
  { to: "/api-keys", label: "API keys", icon: KeyRound },
  { to: "/members", label: "Members", icon: Users },
  { to: "/settings", label: "Settings", icon: Settings },
] as const;

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-1 p-3">
      {NAV.map(({ to, label, icon: Icon, ...rest }) => (
        <NavLink
          key={to}
          to={to}
          end={"end" in rest}
          onClick={onNavigate}
          className={({ isActive }) =>
            cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium",
              isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
            )
          }
        >
          <Icon className="h-4 w-4" aria-hidden />
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

export function AppShell() {
  const { me } = useSession();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  return (
    <div className="min-h-screen lg:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="hidden w-60 shrink-0 border-r border-slate-200 bg-white lg:block print:hidden">
        <div className="flex h-14 items-center gap-2 border-b border-slate-200 px-5">
          <img src="/favicon.svg" alt="" className="h-6 w-6" />
          <span className="font-semibold">BillBo</span>
        </div>
        <Nav />
      </aside>
      <div className="min-w-0 flex-1">
        <header className="flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 sm:px-6 print:hidden">
          <div className="flex min-w-0 items-center gap-2">
            <Button variant="ghost" size="icon" className="lg:hidden" aria-label="Open the menu" aria-expanded={open} onClick={() => setOpen(true)}>
              <Menu className="h-5 w-5" aria-hidden />
            </Button>
            <span className="truncate text-sm font-medium text-slate-800">{me.merchant_name}</span>
          </div>
          <div className="flex min-w-0 items-center gap-3">
            <span className="hidden truncate text-sm text-slate-600 sm:inline">
              {me.email} · {me.role}
            </span>
            <Button variant="secondary" size="sm" onClick={() => logout.mutate()} disabled={logout.isPending}>
              <LogOut className="h-4 w-4" aria-hidden />
              Log out
            </Button>
          </div>
        </header>
        {open && (
          <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Menu">
            <div className="absolute inset-0 bg-slate-900/40" onClick={() => setOpen(false)} aria-hidden />
            <div className="absolute inset-y-0 left-0 w-64 overflow-y-auto bg-white shadow-xl">
              <div className="flex h-14 items-center justify-between border-b border-slate-200 px-4">
                <span className="font-semibold">BillBo</span>
                <Button variant="ghost" size="icon" aria-label="Close the menu" onClick={() => setOpen(false)}>
                  <X className="h-5 w-5" aria-hidden />
                </Button>
              </div>
              <Nav onNavigate={() => setOpen(false)} />
            </div>
          </div>
        )}
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 print:max-w-none print:p-0">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
