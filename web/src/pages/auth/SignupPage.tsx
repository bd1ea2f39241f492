import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link, useNavigate } from "react-router";
import { z } from "zod";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { signedIn } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyApiErrors } from "@/lib/forms";
import { AuthLayout } from "./AuthLayout";

const schema = z.object({
  organisation: z.string().trim().min(1, "Name your organisation."),
  email: z.string().trim().email("Enter an email address."),
  password: z.string().min(12, "Use at least 12 characters."),
});
type Values = z.infer<typeof schema>;

export default function SignupPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { organisation: "", email: "", password: "" } });
  const signup = useMutation({
    mutationFn: async (values: Values) => unwrap(await api.POST("/api/auth/signup", { body: values })),
    onSuccess: (seat) => {
      signedIn(client, seat);
      navigate("/get-started", { replace: true });
    },
    onError: (error) => applyApiErrors(error, form.setError, ["organisation", "email", "password"]),
  });
  const { errors } = form.formState;
  return (
    <AuthLayout
      title="Create your BillBo account"
      footer={
        <>
          Already have an account?{" "}
          <Link className="font-medium text-indigo-700 hover:underline" to="/login">
            Log in
          </Link>
        </>
      }
    >
      <form className="space-y-4" noValidate onSubmit={form.handleSubmit((values) => signup.mutate(values))}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Organisation" error={errors.organisation?.message}>
          <Input autoComplete="organization" {...form.register("organisation")} />
        </Field>
        <Field label="Work email" error={errors.email?.message}>
          <Input type="email" autoComplete="email" {...form.register("email")} />
        </Field>
        <Field label="Password" error={errors.password?.message} hint="At least 12 characters.">
          <Input type="password" autoComplete="new-password" {...form.register("password")} />
        </Field>
        <Button type="submit" className="w-full" disabled={signup.isPending}>
          {signup.isPending ? "Creating…" : "Create account"}
        </Button>
      </form>
    </AuthLayout>
  );
}
