import { Route, Routes } from "react-router";
import { Layout, PublicLayout } from "./components/Layout";
import { RequireAdmin, RequireAuth } from "./components/RequireAuth";
import { AccountPage } from "./pages/AccountPage";
import { AdminPage } from "./pages/AdminPage";
import { ApiKeysPage } from "./pages/ApiKeysPage";
import { DashboardPage } from "./pages/DashboardPage";
import { InvitationPage } from "./pages/InvitationPage";
import { LoginPage } from "./pages/LoginPage";
import { MembersPage } from "./pages/MembersPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { OrganizationsPage } from "./pages/OrganizationsPage";
import { ProjectsPage } from "./pages/ProjectsPage";
import { SecurityEventsPage } from "./pages/SecurityEventsPage";
import { SessionsPage } from "./pages/SessionsPage";
import { SignUpPage } from "./pages/SignUpPage";
import { TwoFactorPage } from "./pages/TwoFactorPage";

export function App() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignUpPage />} />
        <Route path="/two-factor" element={<TwoFactorPage />} />
      </Route>
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/account/sessions" element={<SessionsPage />} />
        <Route path="/account/security" element={<SecurityEventsPage />} />
        <Route path="/account/api-keys" element={<ApiKeysPage />} />
        <Route path="/organizations" element={<OrganizationsPage />} />
        <Route path="/organizations/members" element={<MembersPage />} />
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/invitations/:invitationId" element={<InvitationPage />} />
        <Route
          path="/admin"
          element={
            <RequireAdmin>
              <AdminPage />
            </RequireAdmin>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
