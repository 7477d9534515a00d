import type * as React from 'react';
import { BookOpenIcon, CalendarClockIcon, DatabaseZapIcon, FileStackIcon, MoonIcon, SunIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Link, useLocation } from '@/lib/router';
import { useTheme } from '@/lib/theme';
import { cn } from '@/lib/utils';

const NAV = [
  { href: '/', label: 'Migrations', icon: DatabaseZapIcon, active: (p: string) => p === '/' || p.startsWith('/migrations') },
  { href: '/schedules', label: 'Schedules', icon: CalendarClockIcon, active: (p: string) => p.startsWith('/schedules') },
  { href: '/templates', label: 'Templates', icon: FileStackIcon, active: (p: string) => p.startsWith('/templates') },
];

export function Layout({ children }: { children: React.ReactNode }) {
  const { pathname } = useLocation();
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="min-h-screen">
      <header className="bg-background/95 supports-[backdrop-filter]:bg-background/70 sticky top-0 z-40 border-b backdrop-blur">
        <div className="mx-auto flex h-14 max-w-[1400px] items-center gap-6 px-6">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
            <span className="bg-primary text-primary-foreground flex size-7 items-center justify-center rounded-md text-xs font-bold">ES</span>
            Epic Shelter
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1">
            {NAV.map(({ href, label, icon: Icon, active }) => (
              <Link
                key={href}
                href={href}
                aria-current={active(pathname) ? 'page' : undefined}
                className={cn(
                  'text-muted-foreground hover:text-foreground hover:bg-accent flex items-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
                  active(pathname) && 'bg-accent text-foreground',
                )}
              >
                <Icon className="size-4" aria-hidden="true" />
                {label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-1">
            <Button variant="ghost" size="sm" asChild>
              <a href="/docs" target="_blank" rel="noreferrer">
                <BookOpenIcon /> API docs
              </a>
            </Button>
            <Button variant="ghost" size="icon" onClick={toggleTheme} aria-label={theme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}>
              {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
            </Button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-[1400px] px-6 py-8">{children}</main>
    </div>
  );
}
