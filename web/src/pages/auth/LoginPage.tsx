import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { safeNext, signedIn, useMe } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyApiErrors } from "@/lib/forms";
import { AuthLayout } from "./AuthLayout";

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email."),
  password: z.string().min(1, "Enter your password."),
});
type Values = z.infer<typeof schema>;

export default function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "", password: "" } });
  const login = useMutation({
    mutationFn: async (values: Values) => unwrap(await api.POST("/api/auth/login", { body: values })),
    onSuccess: (seat) => {
      signedIn(client, seat);
      navigate(next, { replace: true });
    },
    onError: (error) => applyApiErrors(error, form.setError, ["email", "password"]),
  });
  if (me.data) return <Navigate to={next} replace />;
  const { errors } = form.formState;
  return (
    <AuthLayout
      title="Log in"
      footer={
        <>
          New to BillBo?{" "}
          <Link className="font-medium text-indigo-700 hover:underline" to="/signup">
            Create an account
          </Link>
        </>
      }
    >
      <form className="space-y-4" noValidate onSubmit={form.handleSubmit((values) => login.mutate(values))}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Email" error={errors.email?.message}>
          <Input type="email" autoComplete="email" {...form.register("email")} />
        </Field>
        <Field label="Password" error={errors.password?.message}>
          <Input type="password" autoComplete="current-password" {...form.register("password")} />
        </Field>
        <Button type="submit" className="w-full" disabled={login.isPending}>
          {login.isPending ? "Logging in…" : "Log in"}
        </Button>
      </form>
    </AuthLayout>
  );
}
