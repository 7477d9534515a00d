import * as React from 'react';
import { Layout } from '@/components/layout';
import { LoadingRows } from '@/components/states';
import { TokenDialog } from '@/components/token-dialog';
import { match, useLocation } from '@/lib/router';
import { MigrationsPage } from '@/pages/migrations';

// The list is the landing page and loads with the app; the others load when first opened.
const NewMigrationPage = React.lazy(() => import('@/pages/new-migration'));
const MigrationPage = React.lazy(() => import('@/pages/migration'));
const SchedulesPage = React.lazy(() => import('@/pages/schedules'));
const TemplatesPage = React.lazy(() => import('@/pages/templates'));

function Route() {
  const { pathname } = useLocation();
  if (pathname === '/' || pathname === '/migrations') return <MigrationsPage />;
  if (pathname === '/migrations/new') return <NewMigrationPage />;
  const migration = match('/migrations/:id', pathname);
  if (migration) return <MigrationPage key={migration.id} id={migration.id} />;
  if (pathname === '/schedules') return <SchedulesPage />;
  const template = match('/templates/:id/edit', pathname);
  if (template) return <NewMigrationPage key={template.id} templateId={template.id} />;
  if (pathname === '/templates') return <TemplatesPage />;
  return (
    <div className="py-20 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-muted-foreground mt-2">
        Nothing lives at <code className="font-mono">{pathname}</code>.
      </p>
    </div>
  );
}

export function App() {
  return (
    <>
      <Layout>
        <React.Suspense fallback={<LoadingRows rows={6} />}>
          <Route />
        </React.Suspense>
      </Layout>
      <TokenDialog />
    </>
  );
}
