import { type QueryClient, useMutation, useQuery } from "@tanstack/react-query";
import { Navigate, Outlet, useLocation } from "react-router";
import { api } from "@/api/client";
import { ApiError, unwrap } from "@/api/errors";
import { Loading, ErrorState } from "@/components/ui/states";
import { replaceDocument } from "@/lib/browser";
import { type Action, can, deniedReason } from "./permissions";

export const ME = ["me"] as const;

type Seat = NonNullable<ReturnType<typeof useMe>["data"]>;

// True from a log-out until the next log-in: the guard then sends to plain /login, since the
// session was closed on purpose rather than expired on this page.
let closed = false;

/** A log-in, sign-up or accepted invitation: the session query holds the new seat. */
export function signedIn(client: QueryClient, seat: Seat): void {
  closed = false;
  client.setQueryData(ME, seat);
}

/** The logged-in seat, or null when nobody is (a 401 that a refresh could not mend). */
export function useMe() {
  return useQuery({
    queryKey: ME,
    queryFn: async () => {
      const result = await api.GET("/api/me");
      if (result.response.status === 401) return null;
      return unwrap(result);
    },
    staleTime: 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}

/** The seat of a page behind RequireSession (always present there). */
export function useSession() {
  const me = useMe().data;
  if (!me) throw new Error("useSession outside RequireSession");
  return {
    me,
    can: (action: Action) => can(me.role, action),
    denied: (action: Action) => deniedReason(me.role, action),
  };
}

/** Pages behind log-in: an anonymous visitor goes to /login, and comes back here afterwards. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Loading your session" />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={closed || next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Where to go after log-in: the `next` the log-in page was sent with, if it is one of ours. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

/** Log-out: the server closes the session, then the log-in page loads afresh, so no merchant data
 * stays in this page's memory and no request still in flight can move the page elsewhere. */
export function useLogout() {
  return useMutation({
    mutationFn: async () => {
      await api.POST("/api/auth/logout");
    },
    onSettled: () => {
      closed = true;
      replaceDocument("/login");
    },
  });
}
