/** Asks for an API token when the API answers 401; keeps it in sessionStorage (this tab, this session). */
import * as React from 'react';
import { KeyRoundIcon } from 'lucide-react';
import { getToken, onAuth, setToken } from '@/api/client';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

export function TokenDialog() {
  const [open, setOpen] = React.useState(false);
  const [value, setValue] = React.useState('');
  const [rejected, setRejected] = React.useState(false);

  React.useEffect(
    () =>
      onAuth((e) => {
        if (e !== 'token-required') return;
        setRejected(getToken() !== null);
        setOpen(true);
      }),
    [],
  );

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    setOpen(false);
    setToken(value.trim());
    setValue('');
  };

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogContent>
        <form onSubmit={save} className="grid gap-4">
          <DialogHeader>
            <DialogTitle className="flex items-center gap-2">
              <KeyRoundIcon className="size-5" /> API token
            </DialogTitle>
            <DialogDescription>
              {rejected ? 'The API refused the token. ' : 'The API requires a bearer token. '}
              It is kept for this browser tab's session only (sessionStorage).
            </DialogDescription>
          </DialogHeader>
          <div className="grid gap-2">
            <Label htmlFor="api-token">Token</Label>
            <Input id="api-token" type="password" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} />
          </div>
          <DialogFooter>
            <Button type="submit" disabled={!value.trim()}>
              Use token
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
