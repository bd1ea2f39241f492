// Members: the seats of the organisation and the invitations not yet accepted. Admins and owners
// invite (BillBo sends no email: the page shows the link to pass on), change roles and remove
// seats, within the rules of ./roles.ts; what the seat may not do is disabled, with the reason.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { ApiError, errorMessage, unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { ME, useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatDateTime } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { ROLE_LABELS, type Role, grantableRoles, memberLock } from "./roles";

function useMembers() {
  return useQuery({ queryKey: keys.members, queryFn: async () => unwrap(await api.GET("/api/members")) });
}

export default function MembersPage() {
  const members = useMembers();
  return (
    <>
      <PageHeader title="Members" description="Everyone with a seat in your organisation, and the invitations not yet accepted." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Seats" description="Owners and admins manage members; members write the catalogue; viewers only look." />
          {members.isPending ? (
            <Loading label="Loading members" />
          ) : members.isError ? (
            <ErrorState error={members.error} retry={() => void members.refetch()} />
          ) : (
            <MembersTable members={members.data.members} />
          )}
        </Card>
        <InviteCard />
        <Card>
          <CardHeader title="Pending invitations" description="Each link works once, until it expires." />
          {members.isPending ? (
            <Loading label="Loading invitations" />
          ) : members.isError ? (
            <ErrorState error={members.error} retry={() => void members.refetch()} />
          ) : (
            <InvitationsTable invitations={members.data.invitations} />
          )}
        </Card>
      </div>
    </>
  );
}

function MembersTable({ members }: { members: Schemas["Member"][] }) {
  const { me, denied } = useSession();
  const client = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const owners = members.filter((m) => m.role === "owner").length;
  const refresh = async (userId: string) => {
    await client.invalidateQueries({ queryKey: keys.members });
    if (userId === me.user_id) await client.invalidateQueries({ queryKey: ME });
  };

  const changeRole = useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(await api.PATCH("/api/members/{user_id}", { params: { path: { user_id: userId } }, body: { role } })),
    onMutate: () => setMessage(null),
    onSuccess: async (member) => {
      setMessage(`${member.email} is now ${ROLE_LABELS[member.role].toLowerCase()}.`);
      await refresh(member.user_id);
    },
  });
  const remove = useMutation({
    mutationFn: async (member: Schemas["Member"]) => {
      unwrap(await api.DELETE("/api/members/{user_id}", { params: { path: { user_id: member.user_id } } }));
      return member;
    },
    onMutate: () => setMessage(null),
    onSuccess: async (member) => {
      setLeaving(false);
      setMessage(`${member.email} was removed.`);
      await refresh(member.user_id);
    },
  });
  const failure = changeRole.error ?? remove.error;
  const pendingId = changeRole.isPending ? changeRole.variables.userId : remove.isPending ? remove.variables.user_id : null;
  const self = members.find((m) => m.user_id === me.user_id);

  if (members.length === 0) return <Empty title="No members" />;
  return (
    <>
      <div className="space-y-2 px-4 pt-3 sm:px-5">
        {denied("manageMembers") && (
          <p className="text-sm text-slate-700">Only admins and owners change roles or remove members: {denied("manageMembers")}</p>
        )}
        {failure && <FormError message={errorMessage(failure)} />}
        <p role="status" className="text-sm text-emerald-800">
          {message}
        </p>
      </div>
      <Table scrollLabel="Members">
        <caption className="sr-only">Members</caption>
        <thead>
          <tr>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Joined</Th>
            {/* relative: keeps the sr-only text inside the scrolling area (else it widens the page) */}
            <Th className="relative">
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <MemberRow
              key={member.user_id}
              member={member}
              isSelf={member.user_id === me.user_id}
              lock={memberLock(me, member, owners)}
              roles={grantableRoles(me.role)}
              busy={pendingId === member.user_id}
              onRole={(role) => changeRole.mutate({ userId: member.user_id, role })}
              onRemove={() => (member.user_id === me.user_id ? setLeaving(true) : remove.mutate(member))}
              showReason={!denied("manageMembers")}
            />
          ))}
        </tbody>
      </Table>
      <Dialog
        open={leaving}
        onOpenChange={setLeaving}
        title="Remove yourself?"
        description="You lose your seat in this organisation at once and are logged out. Only an admin or an owner can invite you back."
      >
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={() => setLeaving(false)}>
            Cancel
          </Button>
          <Button variant="danger" disabled={remove.isPending || !self} onClick={() => self && remove.mutate(self)}>
            Remove me
          </Button>
        </div>
      </Dialog>
    </>
  );
}

interface MemberRowProps {
  member: Schemas["Member"];
  isSelf: boolean;
  lock: string | undefined;
  roles: Role[];
  busy: boolean;
  onRole: (role: Role) => void;
  onRemove: () => void;
  /** Whether to print the lock under the controls (not when the page already says it once). */
  showReason: boolean;
}

function MemberRow({ member, isSelf, lock, roles, busy, onRole, onRemove, showReason }: MemberRowProps) {
  const reasonId = useId();
  const options = roles.includes(member.role) ? roles : [...roles, member.role];
  const describedBy = lock && showReason ? reasonId : undefined;
  return (
    <tr>
      <Td className="font-medium">
        {member.email}
        {isSelf && <span className="ml-2 text-xs font-normal text-slate-600">(you)</span>}
      </Td>
      <Td>
        <Select
          aria-label={`Role of ${member.email}`}
          aria-describedby={describedBy}
          className="w-36"
          value={member.role}
          disabled={Boolean(lock) || busy}
          title={lock}
          onChange={(event) => onRole(event.target.value as Role)}
        >
          {options.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </Select>
      </Td>
      <Td>{formatDate(member.created_at)}</Td>
      <Td>
        <div className="flex flex-col items-start gap-1">
          <Button
            variant="secondary"
            size="sm"
            aria-label={`Remove ${member.email}`}
            aria-describedby={describedBy}
            disabled={busy}
            disabledReason={lock}
            onClick={onRemove}
          >
            Remove
          </Button>
          {describedBy && (
            <span id={reasonId} className="max-w-56 whitespace-normal text-xs text-slate-600">
              {lock}
            </span>
          )}
        </div>
      </Td>
    </tr>
  );
}

const inviteSchema = z.object({
  email: z.string().trim().pipe(z.email("Enter an email address.")),
  role: z.enum(["viewer", "member", "admin", "owner"]),
});
type InviteValues = z.infer<typeof inviteSchema>;

function InviteCard() {
  const { me, denied } = useSession();
  const reason = denied("manageMembers");
  const client = useQueryClient();
  const [invited, setInvited] = useState<Schemas["InvitationOut"] | null>(null);
  const form = useForm<InviteValues>({ resolver: zodResolver(inviteSchema), defaultValues: { email: "", role: "member" } });
  const invite = useMutation({
    mutationFn: async (values: InviteValues) => unwrap(await api.POST("/api/members/invitations", { body: values })),
    onMutate: () => setInvited(null),
    onSuccess: (invitation, values) => {
      setInvited(invitation);
      form.reset({ email: "", role: values.role });
      void client.invalidateQueries({ queryKey: keys.members });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) form.setError("email", { type: "server", message: error.message });
      else applyApiErrors(error, form.setError, ["email", "role"]);
    },
  });
  const { errors } = form.formState;
  const locked = Boolean(reason);
  return (
    <Card>
      <CardHeader title="Invite a member" description="The invitation is a link that creates a seat with the role you choose." />
      <CardBody className="space-y-4">
        {locked && <p className="text-sm text-slate-700">Only admins and owners invite members. {reason}</p>}
        <form className="space-y-4" noValidate onSubmit={form.handleSubmit((values) => invite.mutate(values))}>
          <FormError message={errors.root?.server?.message} />
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
            <Field label="Email" error={errors.email?.message}>
              <Input type="email" autoComplete="off" disabled={locked} {...form.register("email")} />
            </Field>
            <Field
              label="Role"
              error={errors.role?.message}
              hint={me.role === "admin" ? "Only owners invite owners." : undefined}
            >
              <Select disabled={locked} {...form.register("role")}>
                {grantableRoles(me.role).map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Button type="submit" disabled={invite.isPending} disabledReason={reason}>
            {invite.isPending ? "Sending…" : "Send invitation"}
          </Button>
        </form>
        {invited && (
          <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3">
            <p className="text-sm text-slate-800">
              Invitation created for <strong>{invited.email}</strong> as {ROLE_LABELS[invited.role].toLowerCase()}.
            </p>
            <p className="text-sm text-slate-700">
              No email is sent: copy this link and pass it on yourself. It works once, until {formatDateTime(invited.expires_at)}.
            </p>
            <CodeBlock value={invited.link} testId="invitation-link" />
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function InvitationsTable({ invitations }: { invitations: Schemas["PendingInvitation"][] }) {
  if (invitations.length === 0) return <Empty title="No pending invitations">Invitations you send appear here until they are accepted.</Empty>;
  return (
    <Table scrollLabel="Pending invitations">
      <caption className="sr-only">Pending invitations</caption>
      <thead>
        <tr>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Expires</Th>
        </tr>
      </thead>
      <tbody>
        {invitations.map((invitation) => (
          <tr key={invitation.invitation_id}>
            <Td className="font-medium">{invitation.email}</Td>
            <Td>
              <Badge tone={invitation.role === "owner" || invitation.role === "admin" ? "info" : "neutral"}>{ROLE_LABELS[invitation.role]}</Badge>
            </Td>
            <Td>{formatDateTime(invitation.expires_at)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
