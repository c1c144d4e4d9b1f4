import { useKeyway, useSession } from "@keyway/sdk/react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { ImpersonationBanner } from "./ImpersonationBanner";

/** The frame of every signed-in page: navigation, who is signed in, sign out. */
export function Layout() {
  const session = useSession();
  const client = useKeyway();
  const navigate = useNavigate();
  const user = session.status === "signed-in" ? session.user : null;
  const isAdmin = user?.role === "admin" && session.status === "signed-in" && !session.session.impersonatedBy;

  const signOut = async () => {
    await client.signOut();
    void navigate("/login", { replace: true });
  };

  return (
    <>
      <ImpersonationBanner />
      <header className="top">
        <span className="brand">keyway</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Dashboard
          </NavLink>
          <NavLink to="/account" end>
            Account
          </NavLink>
          <NavLink to="/account/sessions">Sessions</NavLink>
          <NavLink to="/account/security">Security events</NavLink>
          <NavLink to="/account/api-keys">API keys</NavLink>
          <NavLink to="/organizations" end>
            Organizations
          </NavLink>
          <NavLink to="/organizations/members">Members</NavLink>
          <NavLink to="/projects">Projects</NavLink>
          {isAdmin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        {user && (
          <div className="who">
            <span>{user.email}</span>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main>
        <Outlet />
      </main>
    </>
  );
}

/** The frame of the sign-in pages. */
export function PublicLayout() {
  return (
    <main className="narrow">
      <p className="brand">keyway</p>
      <Outlet />
    </main>
  );
}
