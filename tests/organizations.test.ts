import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, project } from "../db/schema/index.js";
import type { KeywayClient } from "../sdk/src/index.js";
import { newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { startSmtpServer } from "./helpers/smtp.js";
import { trpcError } from "./helpers/trpc.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ SMTP_URL: smtp.url, TRUSTED_ORIGINS: "http://app.example.test" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function person(label: string) {
  const client = newClient(server);
  const email = uniqueEmail(label);
  const { data } = await client.auth.signUp.email({ email, password: PASSWORD, name: label });
  return { client, email, id: data!.user.id };
}

async function orgOwnedBy(owner: { client: KeywayClient }, name: string) {
  const slug = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const { data, error } = await owner.client.auth.organization.create({ name, slug });
  expect(error).toBeNull();
  await owner.client.auth.organization.setActive({ organizationId: data!.id });
  return data!.id;
}

/** Invites by email through the real mail, and the invitee accepts from the link's id. */
async function join(owner: { client: KeywayClient }, organizationId: string, invitee: { client: KeywayClient; email: string }, role: "member" | "admin") {
  const invited = await owner.client.auth.organization.inviteMember({ email: invitee.email, role, organizationId });
  expect(invited.error).toBeNull();
  const mail = await smtp.waitFor(invitee.email, /^Join /);
  const invitationId = /\/invitations\/(\S+)/.exec(mail.text)![1]!;
  expect(mail.text).toContain("http://app.example.test/invitations/");
  expect((await invitee.client.auth.organization.acceptInvitation({ invitationId })).error).toBeNull();
  await invitee.client.auth.organization.setActive({ organizationId });
}

describe("organizations and their projects", () => {
  it("let members read, admins create and update, owners delete", async () => {
    const owner = await person("owner");
    const admin = await person("orgadmin");
    const member = await person("member");
    const orgId = await orgOwnedBy(owner, "acme");
    await join(owner, orgId, admin, "admin");
    await join(owner, orgId, member, "member");

    const created = await admin.client.api.projects.create.mutate({ name: "Rocket", description: "to the moon" });
    expect(created).toMatchObject({ name: "Rocket", organizationId: orgId, createdBy: admin.id });
    expect((await member.client.api.projects.get.query({ id: created.id })).name).toBe("Rocket");
    expect((await member.client.api.projects.list.query({})).items.map((item) => item.id)).toContain(created.id);

    expect((await trpcError(member.client.api.projects.create.mutate({ name: "Nope" }))).data?.code).toBe("FORBIDDEN");
    expect((await trpcError(member.client.api.projects.update.mutate({ id: created.id, name: "Hijack" }))).data?.code).toBe("FORBIDDEN");
    expect((await admin.client.api.projects.update.mutate({ id: created.id, name: "Rocket 2" })).name).toBe("Rocket 2");
    expect((await trpcError(admin.client.api.projects.delete.mutate({ id: created.id }))).data?.code).toBe("FORBIDDEN");
    await owner.client.api.projects.delete.mutate({ id: created.id });
    expect((await trpcError(owner.client.api.projects.get.query({ id: created.id }))).data?.code).toBe("NOT_FOUND");

    const actions = (await server.database.db.select().from(auditEvent).where(eq(auditEvent.organizationId, orgId))).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(["organization.invite", "project.create", "project.update", "project.delete"]));
  });

  it("are updated, listed and deleted by their owner only", async () => {
    const owner = await person("founder");
    const member = await person("staff");
    const first = await orgOwnedBy(owner, "first");
    const second = await orgOwnedBy(owner, "second");
    await join(owner, first, member, "member");
    const mine = await owner.client.auth.organization.list();
    expect(mine.data!.map((org) => org.id).sort()).toEqual([first, second].sort());

    expect((await member.client.auth.organization.update({ organizationId: first, data: { name: "Taken over" } })).error?.status).toBe(403);
    expect((await owner.client.auth.organization.update({ organizationId: first, data: { name: "First Inc" } })).data?.name).toBe("First Inc");

    await owner.client.auth.organization.setActive({ organizationId: second });
    const doomed = await owner.client.api.projects.create.mutate({ name: "doomed" });
    expect((await member.client.auth.organization.delete({ organizationId: first })).error?.status).toBe(403);
    expect((await owner.client.auth.organization.delete({ organizationId: second })).error).toBeNull();
    expect((await trpcError(owner.client.api.projects.get.query({ id: doomed.id, organizationId: second }))).data?.code).toBe("FORBIDDEN");
    expect((await owner.client.auth.organization.list()).data!.map((org) => org.id)).toEqual([first]);
  });

  it("pages project lists", async () => {
    const owner = await person("pager");
    await orgOwnedBy(owner, "pages");
    for (let i = 0; i < 5; i++) await owner.client.api.projects.create.mutate({ name: `p${i}` });
    const first = await owner.client.api.projects.list.query({ limit: 2 });
    const second = await owner.client.api.projects.list.query({ limit: 2, cursor: first.nextCursor! });
    const third = await owner.client.api.projects.list.query({ limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((item) => item.name)).toEqual(["p4", "p3", "p2", "p1", "p0"]);
    expect(third.nextCursor).toBeNull();
  });

  it("pages by 3 through projects created concurrently, each exactly once", async () => {
    const owner = await person("concurrent");
    const organizationId = await orgOwnedBy(owner, "busy");
    // 41 rows at once: on PostgreSQL many share a millisecond and differ only in microseconds.
    // PGlite's clock keeps milliseconds, so 20 rows of one statement are a microsecond apart.
    const written = await Promise.all([
      server.database.db
        .insert(project)
        .values(Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), organizationId, name: `c${i}`, createdAt: sql`now() - interval '1 microsecond' * ${sql.raw(String(i))}` })))
        .returning({ id: project.id }),
      ...Array.from({ length: 21 }, (_, i) =>
        server.database.db.insert(project).values({ id: randomUUID(), organizationId, name: `c${20 + i}` }).returning({ id: project.id }),
      ),
    ]);
    const ids = written.flat().map((row) => row.id).sort();
    const onePage = await owner.client.api.projects.list.query({ limit: 100 });
    expect(onePage.items.map((item) => item.id).sort()).toEqual(ids);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await owner.client.api.projects.list.query({ limit: 3, cursor });
      paged.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(onePage.items.map((item) => item.id));

    const forged = await trpcError(owner.client.api.projects.list.query({ limit: 3, cursor: "forged" }));
    expect(forged.data?.httpStatus).toBe(400);
    expect(forged.data?.zodError?.fieldErrors.cursor).toEqual(["Not a cursor from this list"]);
  });

  it("never let a user of organization B read, list, update or delete anything of organization A", async () => {
    const alice = await person("alice");
    const bob = await person("bob");
    const orgA = await orgOwnedBy(alice, "a-corp");
    const orgB = await orgOwnedBy(bob, "b-corp");
    const secret = await alice.client.api.projects.create.mutate({ name: "Secret" });
    const api = bob.client.api.projects;

    // Naming organization A: not a member. Each call starts only when it is awaited, so none
    // is refused before the test is listening for it.
    for (const call of [
      () => api.get.query({ id: secret.id, organizationId: orgA }),
      () => api.list.query({ organizationId: orgA }),
      () => api.update.mutate({ id: secret.id, organizationId: orgA, name: "pwned" }),
      () => api.delete.mutate({ id: secret.id, organizationId: orgA }),
      () => api.create.mutate({ name: "planted", organizationId: orgA }),
    ]) {
      expect((await trpcError(call())).data?.code).toBe("FORBIDDEN");
    }
    // In organization B, A's ids do not exist.
    for (const call of [
      () => api.get.query({ id: secret.id, organizationId: orgB }),
      () => api.update.mutate({ id: secret.id, organizationId: orgB, name: "pwned" }),
      () => api.delete.mutate({ id: secret.id, organizationId: orgB }),
    ]) {
      expect((await trpcError(call())).data?.code).toBe("NOT_FOUND");
    }
    expect((await api.list.query({ organizationId: orgB })).items).toEqual([]);
    expect((await alice.client.api.projects.get.query({ id: secret.id })).name).toBe("Secret");
  });

  it("keep the last owner, manage invitations, members and teams", async () => {
    const owner = await person("lastowner");
    const orgId = await orgOwnedBy(owner, "solo");
    expect((await owner.client.auth.organization.leave({ organizationId: orgId })).error).not.toBeNull();
    const members = await owner.client.auth.organization.listMembers({ query: { organizationId: orgId } });
    const ownerMember = members.data!.members.find((entry) => entry.userId === owner.id)!;
    expect((await owner.client.auth.organization.updateMemberRole({ memberId: ownerMember.id, role: "member", organizationId: orgId })).error).not.toBeNull();

    const invitee = await person("declines");
    await owner.client.auth.organization.inviteMember({ email: invitee.email, role: "member", organizationId: orgId });
    const invitationId = /\/invitations\/(\S+)/.exec((await smtp.waitFor(invitee.email, /^Join /)).text)![1]!;
    expect((await invitee.client.auth.organization.rejectInvitation({ invitationId })).error).toBeNull();
    const cancelled = await owner.client.auth.organization.inviteMember({ email: uniqueEmail("never"), role: "member", organizationId: orgId });
    expect((await owner.client.auth.organization.cancelInvitation({ invitationId: cancelled.data!.id })).error).toBeNull();
    const invitations = await owner.client.auth.organization.listInvitations({ query: { organizationId: orgId } });
    expect(invitations.data!.map((entry) => entry.status).sort()).toEqual(["canceled", "rejected"]);

    const teammate = await person("teammate");
    await join(owner, orgId, teammate, "member");
    const team = await owner.client.auth.organization.createTeam({ name: "core", organizationId: orgId });
    expect(team.error).toBeNull();
    expect((await owner.client.auth.organization.addTeamMember({ teamId: team.data!.id, userId: teammate.id })).error).toBeNull();
    expect((await owner.client.auth.organization.removeTeamMember({ teamId: team.data!.id, userId: teammate.id })).error).toBeNull();
    const teammateMember = (await owner.client.auth.organization.listMembers({ query: { organizationId: orgId } })).data!.members.find(
      (entry) => entry.userId === teammate.id,
    )!;
    expect((await owner.client.auth.organization.removeMember({ memberIdOrEmail: teammateMember.id, organizationId: orgId })).error).toBeNull();
    expect((await trpcError(teammate.client.api.projects.list.query({ organizationId: orgId }))).data?.code).toBe("FORBIDDEN");
  });
});
