import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { signedIn } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyApiErrors } from "@/lib/forms";
import { AuthLayout } from "./AuthLayout";

const schema = z.object({ password: z.string().min(12, "Use at least 12 characters.") });
type Values = z.infer<typeof schema>;

export default function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { password: "" } });
  const accept = useMutation({
    mutationFn: async ({ password }: Values) =>
      unwrap(await api.POST("/api/invitations/accept", { body: { token, password } })),
    onSuccess: (seat) => {
      signedIn(client, seat);
      navigate("/", { replace: true });
    },
    onError: (error) => applyApiErrors(error, form.setError, ["password"]),
  });
  const { errors } = form.formState;
  return (
    <AuthLayout title="Join your team on BillBo">
      {token ? (
        <form className="space-y-4" noValidate onSubmit={form.handleSubmit((values) => accept.mutate(values))}>
          <FormError message={errors.root?.server?.message} />
          <p className="text-sm text-slate-700">Choose a password for your new seat.</p>
          <Field label="Password" error={errors.password?.message} hint="At least 12 characters.">
            <Input type="password" autoComplete="new-password" {...form.register("password")} />
          </Field>
          <Button type="submit" className="w-full" disabled={accept.isPending}>
            {accept.isPending ? "Joining…" : "Accept invitation"}
          </Button>
        </form>
      ) : (
        <FormError message="This link has no invitation token: ask for a new invitation." />
      )}
    </AuthLayout>
  );
}
